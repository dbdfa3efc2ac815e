"""The class report (report.html): how the class did, exercise by exercise.

- score distribution (share of the points per trainee);
- difficulty: share of trainees with the exercise fully correct;
- discrimination: point-biserial correlation between "fully correct" (0/1) and
  the trainee's points on everything else (rest-of-total) — near 0 or negative
  means the exercise does not separate stronger from weaker trainees;
- the most common wrong answers, from the canonical answer values;
- every problem met while running notebooks;
- reflections and forms shorter than the key asks (never failed for it: listed to read);
- similar answers: pairs of trainees whose code or reflections are the same or nearly the same
  (`similarity`; never penalised: listed, side by side, for a person to look at).

Plots are seaborn PNGs embedded as base64, so the page is one file.  The page is in the
current language (the instructor's); every figure uses the course fonts, so a trainee
named 王芳 is drawn with real glyphs.
"""
from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import math
from pathlib import Path

from ..core import i18n
from ..core.fonts import use_course_fonts
from ..core.i18n import N_, _, pgettext
from ..core.keys import MANUAL_KINDS
from ..core.status import CORRECT, NOT_ANSWERED, WRONG
from .feedback_pages import text
from .language import short_note
from .similarity import COMMON

# The kinds of exercise as the report names them (English: the key's own word).
KIND_NAMES = (N_("code"), N_("choose-one"), N_("choose-many"), N_("buckets"), N_("order"), N_("numeric"),
              N_("scenario"), N_("reflection"), N_("form"))

CSS = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
h2{margin-top:2rem;border-bottom:1px solid #ddd}table{border-collapse:collapse;width:100%;font-size:.92rem}
td,th{padding:.35rem .5rem;border-bottom:1px solid #eee;vertical-align:top;text-align:left}
th{background:#f6f6f6}.num{text-align:right;white-space:nowrap}img{max-width:100%}
.kpi{display:inline-block;margin-right:2.5rem}.kpi b{font-size:1.4rem;display:block}
.wrong{margin:0;padding-left:1rem}code{background:#f3f3f3;padding:0 .2rem}
.pair td{width:50%}.pair pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:.85rem;
background:#fafafa;padding:.4rem;max-height:20rem;overflow:auto}details{margin:.6rem 0}
"""


def summarise(data, limit: int = 70) -> str:
    """A short, readable form of a canonical answer value."""
    if not isinstance(data, dict):
        return str(data)[:limit]
    kind = data.get("kind")
    if kind in ("number", "bool"):
        value = data.get("value")
        out = f"{value:.6g}" if isinstance(value, float) else str(value)
    elif kind == "text":
        out = repr(str(data.get("value", "")))
    elif kind in ("list", "set"):
        out = "[" + ", ".join(map(str, data.get("items", []))) + "]"
    elif kind == "mapping":
        out = "{" + ", ".join(f"{k}: {v}" for k, v in zip(data.get("keys", []), data.get("values", []))) + "}"
    elif kind == "series":
        values = [f"{v:.4g}" if isinstance(v, float) else str(v) for v in data.get("values", [])]
        out = "Series(" + ", ".join(f"{k}: {v}" for k, v in zip(data.get("index", []), values)) + ")"
    elif kind == "frame":
        out = f"DataFrame {data.get('rows', '?')}×{len(data.get('columns', []))} ({', '.join(map(str, data.get('columns', [])))})"
    elif kind == "other":
        out = f"{data.get('type', 'object')}: {data.get('repr', '')}"
    else:
        out = str(kind)
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _frame(notebooks, results, keys):
    import pandas as pd
    rows = []
    for trainee, by_nb in results.items():
        for nb in notebooks:
            for ex in by_nb[nb]["exercises"]:
                rows.append({"trainee": trainee, "notebook": nb, "exercise": ex["id"], "kind": ex["kind"],
                             "status": ex["status"], "points": float(ex["points"]),
                             "earned": float(ex["earned"] or 0), "value": ex.get("value")})
    return pd.DataFrame(rows)


def point_biserial(correct, rest) -> float:
    """Pearson correlation of a 0/1 variable with a score (NaN when either does not vary)."""
    n = len(correct)
    if n < 2:
        return math.nan
    mc, mr = sum(correct) / n, sum(rest) / n
    sc = sum((c - mc) ** 2 for c in correct)
    sr = sum((r - mr) ** 2 for r in rest)
    if sc == 0 or sr == 0:
        return math.nan
    return sum((c - mc) * (r - mr) for c, r in zip(correct, rest)) / math.sqrt(sc * sr)


def exercise_stats(df, order: list[str]) -> list[dict]:
    """Per exercise, in key order: mean points, share fully correct, share not answered,
    discrimination (point-biserial of "fully correct" with the rest of the total) and the
    three most common wrong answers (not for hand-graded kinds, whose text is private)."""
    totals = df.groupby("trainee")["earned"].sum()
    stats = []
    for eid in order:
        part = df[df["exercise"] == eid].set_index("trainee")
        if part.empty:
            continue
        correct = [1.0 if s == CORRECT else 0.0 for s in part["status"]]
        rest = [float(totals[t] - part.loc[t, "earned"]) for t in part.index]
        wrong = {}
        kind = part["kind"].iloc[0]
        for status, value in zip(part["status"], part["value"]):
            if status in WRONG and value is not None and kind not in MANUAL_KINDS:
                wrong.setdefault(json.dumps(value, sort_keys=True), [value, 0])[1] += 1
        common = sorted(wrong.values(), key=lambda vc: (-vc[1], summarise(vc[0])))[:3]
        stats.append({
            "exercise": eid, "kind": part["kind"].iloc[0], "points": float(part["points"].iloc[0]),
            "mean": float(part["earned"].mean()), "correct": sum(correct) / len(correct),
            "unanswered": float((part["status"].isin(NOT_ANSWERED)).mean()),
            "discrimination": point_biserial(correct, rest),
            "wrong": [(summarise(v), c) for v, c in common],
            "manual": bool(part["kind"].iloc[0] in MANUAL_KINDS),
        })
    return stats


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96, bbox_inches="tight", metadata={"Software": None})
    import matplotlib.pyplot as plt
    plt.close(fig)
    return "<img alt='' src='data:image/png;base64," + base64.b64encode(buf.getvalue()).decode() + "'>"


@contextlib.contextmanager
def figure_style():
    """The look of every figure the grader draws: seaborn's whitegrid, plus the course's CJK font
    after the theme's font (Chinese labels and names get real glyphs; Latin text is unchanged).
    The global matplotlib settings are restored afterwards."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import seaborn as sns
    with plt.rc_context():
        sns.set_theme(style="whitegrid")
        use_course_fonts()
        yield


def _plots(df, stats, maximum: float) -> list[tuple[str, str]]:
    with figure_style():
        return _draw(df, stats, maximum)


def _draw(df, stats, maximum: float) -> list[tuple[str, str]]:
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns
    plots = []
    share = (df.groupby("trainee")["earned"].sum() / maximum * 100) if maximum else df.groupby("trainee")["earned"].sum()
    fig, ax = plt.subplots(figsize=(8, 3.2))
    sns.histplot(share, bins=list(range(0, 101, 10)), ax=ax, color="#4c72b0")
    ax.set(xlabel=_("share of the points (%)"), ylabel=_("trainees"), title=_("Score distribution"), xlim=(0, 100))
    plots.append((_("Score distribution"), _png(fig)))
    auto = [s for s in stats if not s["manual"]]
    if auto:
        frame = pd.DataFrame({"exercise": [s["exercise"] for s in auto],
                              "share correct": [s["correct"] for s in auto],
                              "discrimination": [0.0 if math.isnan(s["discrimination"]) else s["discrimination"]
                                                 for s in auto]})
        height = max(2.5, 0.35 * len(auto) + 1)
        fig, axes = plt.subplots(1, 2, figsize=(11, height), sharey=True)
        sns.barplot(data=frame, y="exercise", x="share correct", ax=axes[0], color="#55a868")
        axes[0].set(xlim=(0, 1), title=_("Difficulty: share fully correct"), ylabel="", xlabel=_("share correct"))
        colours = ["#c44e52" if d < 0.2 else "#4c72b0" for d in frame["discrimination"]]
        sns.barplot(data=frame, y="exercise", x="discrimination", ax=axes[1], palette=colours,
                    hue="exercise", legend=False)
        axes[1].set(xlim=(-1, 1), title=_("Discrimination (point-biserial; red < 0.2)"), ylabel="",
                    xlabel=_("discrimination"))
        axes[1].axvline(0, color="#333", lw=0.8)
        plots.append((_("Difficulty and discrimination"), _png(fig)))
        pivot = df[~df["kind"].isin(MANUAL_KINDS)].assign(score=lambda d: d["earned"] / d["points"].where(d["points"] > 0))
        pivot = pivot.pivot_table(index="trainee", columns="exercise", values="score", aggfunc="first")
        pivot = pivot[[s["exercise"] for s in auto if s["exercise"] in pivot.columns]]
        fig, ax = plt.subplots(figsize=(max(6, 0.45 * pivot.shape[1] + 3), max(2.5, 0.3 * pivot.shape[0] + 1.5)))
        sns.heatmap(pivot, vmin=0, vmax=1, cmap="RdYlGn", cbar_kws={"label": _("share of points")}, ax=ax,
                    linewidths=0.5, linecolor="white")
        ax.set(title=_("Points per trainee and exercise"), xlabel="", ylabel="")
        plots.append((_("Points per trainee and exercise"), _png(fig)))
    return plots


def short_answers(notebooks: list[str], results: dict, keys: dict) -> list[tuple]:
    """(trainee, notebook, exercise id, length, what is short) for every reflection or form
    shorter than its key asks: never failed for that, listed for the instructor to read."""
    found = []
    for trainee in sorted(results):
        for nb in notebooks:
            specs = {ex["id"]: ex for ex in keys[nb]["exercises"]}
            for ex in results[trainee][nb]["exercises"]:
                if ex.get("short") and ex["id"] in specs:
                    note = short_note(nb, specs[ex["id"]], ex["short"])
                    found.append((trainee, nb, ex["id"], ex.get("length", 0), note))
    return found


MAX_PAIRS_SHOWN = 200  # side by side in the report; similarity.csv lists every pair


def similarity_section(similar: dict) -> list[str]:
    """The report's similar answers: a table of pairs, each with the two answers side by side."""
    pairs, threshold = similar["pairs"], similar["threshold"]
    parts = ["<h2 id='similarity'>" + _("Similar answers ({count} pairs)").format(count=len(pairs)) + "</h2><p>"
             + html.escape(_("Pairs of trainees whose code or reflection for an exercise is the same or nearly the "
                             "same once comments, spacing, names, case and punctuation are set aside (similarity at "
                             "least {threshold}; 1.00 = the same). Unanswered stubs and the hand-out's own code and "
                             "worked solutions never count. Nobody lost points for this: look at each pair and "
                             "decide. Every pair is also in similarity.csv.").format(threshold=f"{threshold:.2f}"))
             + "</p>"]
    if similar.get("left_out"):
        parts.append("<p>" + html.escape(_("{count} code answer(s) were handed in identically by more than {common} "
                                           "trainees: taken as a common answer and not paired.")
                                         .format(count=similar["left_out"], common=COMMON)) + "</p>")
    if not pairs:
        parts.append("<p>" + _("None.") + "</p>")
        return parts
    heads = (_("Notebook"), _("Exercise"), _("Trainee"), _("Trainee"), _("Similarity"))
    parts.append("<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class='num'>{}</th></tr>"
                 .format(*heads) + "".join(
                     f"<tr><td>{html.escape(p.notebook)}</td><td><code>{html.escape(p.exercise)}</code></td>"
                     f"<td>{html.escape(p.first)}</td><td>{html.escape(p.second)}</td>"
                     f"<td class='num'><a href='#pair-{i}'>{p.shown}</a></td></tr>"
                     for i, p in enumerate(pairs[:MAX_PAIRS_SHOWN], 1)) + "</table>")
    if len(pairs) > MAX_PAIRS_SHOWN:
        parts.append("<p>" + html.escape(_("The first {shown} of {count} pairs are shown; similarity.csv lists them "
                                           "all.").format(shown=MAX_PAIRS_SHOWN, count=len(pairs))) + "</p>")
    for i, p in enumerate(pairs[:MAX_PAIRS_SHOWN], 1):
        parts.append(f"<details id='pair-{i}'><summary><code>{html.escape(p.exercise)}</code> · "
                     f"{html.escape(p.first)} · {html.escape(p.second)} · {p.shown}</summary>"
                     f"<table class='pair'><tr><th>{html.escape(p.first)}</th><th>{html.escape(p.second)}</th></tr>"
                     f"<tr><td><pre>{html.escape(p.text_first)}</pre></td><td><pre>{html.escape(p.text_second)}</pre>"
                     "</td></tr></table></details>")
    return parts


def render(notebooks: list[str], results: dict, keys: dict, similar: dict | None = None) -> str:
    df = _frame(notebooks, results, keys)
    order = [ex["id"] for nb in notebooks for ex in keys[nb]["exercises"]]
    maximum = sum(ex["points"] for nb in notebooks for ex in keys[nb]["exercises"])
    stats = exercise_stats(df, order)
    totals = df.groupby("trainee")["earned"].sum() if not df.empty else None
    parts = [f"<!doctype html><html lang='{i18n.language()}'><head><meta charset='utf-8'><title>"
             + _("Class report") + f"</title><style>{CSS}</style></head><body><h1>"
             + _("Class report — {notebooks}").format(notebooks=html.escape(_(", ").join(notebooks))) + "</h1>"]
    if totals is not None and len(totals):
        parts.append("<div>" + "".join(
            f"<span class='kpi'><b>{v}</b>{k}</span>" for k, v in (
                (_("trainees"), len(totals)), (_("mean points"), f"{totals.mean():.1f} / {maximum:g}"),
                (_("median"), f"{totals.median():.1f}"), (_("lowest"), f"{totals.min():g}"),
                (_("highest"), f"{totals.max():g}"))) + "</div>")
        for title, img in _plots(df, stats, maximum):
            parts.append(f"<h2>{html.escape(title)}</h2>{img}")
    heads = (_("Exercises"), _("Exercise"), _("Kind"), pgettext("points available", "Points"), _("Mean"), _("Correct"), _("Not answered"),
             _("Discrimination"), _("Most common wrong answers"))
    parts.append("<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th class='num'>{}</th>"
                 "<th class='num'>{}</th><th class='num'>{}</th><th class='num'>{}</th>"
                 "<th class='num'>{}</th><th>{}</th></tr>".format(*heads))
    for s in stats:
        disc = "–" if math.isnan(s["discrimination"]) else f"{s['discrimination']:+.2f}"
        wrong = ("<ul class='wrong'>" + "".join(f"<li><code>{html.escape(w)}</code> × {c}</li>"
                                                for w, c in s["wrong"]) + "</ul>") if s["wrong"] else ""
        correct = _("graded by hand") if s["manual"] else f"{s['correct']:.0%}"
        kind = s["kind"]
        kind = _(kind) if kind in KIND_NAMES else kind
        parts.append(f"<tr><td><code>{html.escape(s['exercise'])}</code></td><td>{html.escape(kind)}</td>"
                     f"<td class='num'>{s['points']:g}</td><td class='num'>{s['mean']:.2f}</td>"
                     f"<td class='num'>{correct}</td><td class='num'>{s['unanswered']:.0%}</td>"
                     f"<td class='num'>{disc}</td><td>{wrong}</td></tr>")
    parts.append("</table>")
    short = short_answers(notebooks, results, keys)
    if short:  # never failed for being short: listed so a person reads them
        parts.append("<h2>" + _("Short answers to read ({count})").format(count=len(short)) + "</h2><p>"
                     + _("These reflections and forms are shorter than the exercise asks. They were not failed "
                         "for it: read them when you grade with the rubric (a Chinese character counts as half "
                         "a word).") + "</p>")
        heads = (_("Trainee"), _("Notebook"), _("Exercise"), _("Words"), _("What is short"))
        parts.append("<table><tr><th>{}</th><th>{}</th><th>{}</th><th class='num'>{}</th><th>{}</th></tr>"
                     .format(*heads)
                     + "".join(f"<tr><td>{html.escape(t)}</td><td>{html.escape(nb)}</td>"
                               f"<td><code>{html.escape(eid)}</code></td><td class='num'>{length}</td>"
                               f"<td>{text(note)}</td></tr>" for t, nb, eid, length, note in short) + "</table>")
    if similar is not None:
        parts += similarity_section(similar)
    problems = [(t, nb, n) for t in sorted(results) for nb in notebooks for n in results[t][nb]["notes"]]
    parts.append("<h2>" + _("Problems while grading ({count})").format(count=len(problems)) + "</h2>")
    if problems:
        heads = (_("Trainee"), _("Notebook"), _("What happened"))
        parts.append("<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>".format(*heads)
                     + "".join(f"<tr><td>{html.escape(t)}</td><td>{html.escape(nb)}</td><td>{text(n)}</td></tr>"
                               for t, nb, n in problems) + "</table>")
    else:
        parts.append("<p>" + _("None.") + "</p>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(path: Path, notebooks: list[str], results: dict, keys: dict, similar: dict | None = None) -> None:
    path.write_text(render(notebooks, results, keys, similar), encoding="utf-8")
