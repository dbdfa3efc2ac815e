"""The class report (report.html): how the class did, exercise by exercise.

- score distribution (share of the points graded so far per trainee: answers still waiting
  to be graded by hand are left out, never counted as 0);
- difficulty: share of trainees with the exercise fully correct;
- discrimination: point-biserial correlation between "fully correct" (0/1) and
  the trainee's share of the points on everything else — near 0 or negative
  means the exercise does not separate stronger from weaker trainees; below 30
  trainees a warning gives its margin of error;
- the most common mistakes, grouped by the grader's diagnosis (`diagnoses`), each
  trainee linked to the exercise on their feedback page;
- the hints and worked solutions each trainee opened (as their answers file records);
- every problem met while grading: notes, answers the grader could not judge, cell errors;
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
import math
from pathlib import Path
from urllib.parse import quote

from ..core import i18n
from ..core.fonts import use_course_fonts
from ..core.i18n import N_, _, pgettext
from ..core.keys import MANUAL_KINDS
from ..core.status import CORRECT, NOT_ANSWERED, WRONG
from .diagnoses import diagnoses
from .feedback_pages import anchor, text
from .gradebook import safe_name
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
.wrong{margin:0;padding-left:1rem}.wrong li{margin-bottom:.3rem}code{background:#f3f3f3;padding:0 .2rem}
.warn{background:#fff3e0;border-left:4px solid #ef6c00;padding:.4rem .8rem}
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
                             "earned": float(ex["earned"] or 0), "value": ex.get("value"),
                             "message": ex.get("message") or "",
                             "pending": ex["earned"] is None})  # waiting for a person: not a 0
    return pd.DataFrame(rows)


def decided_totals(df):
    """(points earned, points of the answers already graded) per trainee: answers still waiting
    to be graded by hand count in neither, so pending work never reads as 0."""
    done = df[~df["pending"]]
    return done.groupby("trainee")["earned"].sum(), done.groupby("trainee")["points"].sum()


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
    """Per exercise, in key order: mean points (of the answers graded so far), share fully correct,
    share not answered, discrimination (point-biserial of "fully correct" with the share of the
    points on everything else) and the grader's most common diagnoses of wrong answers (not for
    hand-graded kinds, whose text is private)."""
    earned, decided = decided_totals(df)
    stats = []
    for eid in order:
        part = df[df["exercise"] == eid].set_index("trainee")
        if part.empty:
            continue
        kind = part["kind"].iloc[0]
        graded = part[~part["pending"]]
        correct = [1.0 if s == CORRECT else 0.0 for s in graded["status"]]
        rest = [_share(earned[t] - graded.loc[t, "earned"], decided[t] - graded.loc[t, "points"])
                for t in graded.index]
        wrong = [] if kind in MANUAL_KINDS else [
            (t, row["message"], row["value"]) for t, row in part.iterrows() if row["status"] in WRONG]
        stats.append({
            "exercise": eid, "notebook": part["notebook"].iloc[0], "kind": kind,
            "points": float(part["points"].iloc[0]),
            "mean": float(graded["earned"].mean()) if len(graded) else math.nan,
            "correct": sum(correct) / len(correct) if correct else math.nan,
            "unanswered": float((part["status"].isin(NOT_ANSWERED)).mean()),
            "pending": int(part["pending"].sum()),
            "discrimination": point_biserial(correct, rest),
            "diagnoses": diagnoses(wrong),
            "manual": bool(kind in MANUAL_KINDS),
        })
    return stats


def _share(earned: float, points: float) -> float:
    return float(earned / points) if points else 0.0


MIN_CLASS = 30  # below this, point-biserial values are too rough to rank exercises by


def discrimination_margin(n: int) -> float | None:
    """Half the width of the 95 % interval of a correlation near 0 with n trainees (Fisher's z),
    None when n is too small for one."""
    return math.tanh(1.96 / math.sqrt(n - 3)) if n > 3 else None


def small_class_warning(n: int) -> str:
    """What the discrimination values are worth in a class of n ("" from MIN_CLASS on)."""
    if n >= MIN_CLASS:
        return ""
    margin = discrimination_margin(n)
    if margin is None:
        return _("With {n} trainees, discrimination cannot be estimated: read it as noise.").format(n=n)
    return _("With {n} trainees, each discrimination value may be off by about ±{margin} (95 %), so "
             "read them as a hint, not a verdict; they settle from about {minimum} trainees on.").format(
        n=n, margin=f"{margin:.2f}", minimum=MIN_CLASS)


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
    from matplotlib.ticker import MaxNLocator
    plots = []
    earned, decided = decided_totals(df)
    share = (earned / decided.where(decided > 0) * 100).fillna(0)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    sns.histplot(share, bins=list(range(0, 101, 10)), ax=ax, color="#4c72b0")
    pending = bool(df["pending"].any())
    ax.set(xlabel=_("share of the points graded so far (%)") if pending else _("share of the points (%)"),
           ylabel=_("trainees"), title=_("Score distribution"), xlim=(0, 100))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole trainees, never 0.2 of one
    plots.append((_("Score distribution"), _png(fig)))
    auto = [s for s in stats if not s["manual"]]
    if auto:
        frame = pd.DataFrame({"exercise": [s["exercise"] for s in auto],
                              "share correct": [0.0 if math.isnan(s["correct"]) else s["correct"] for s in auto],
                              "discrimination": [0.0 if math.isnan(s["discrimination"]) else s["discrimination"]
                                                 for s in auto]})
        height = max(2.5, 0.35 * len(auto) + 1)
        fig, axes = plt.subplots(1, 2, figsize=(11, height), sharey=True)
        sns.barplot(data=frame, y="exercise", x="share correct", ax=axes[0], color="#55a868")
        axes[0].set(xlim=(0, 1), title=_("Difficulty: share fully correct"), ylabel="", xlabel=_("share correct"))
        axes[0].set_xticks([0, 0.25, 0.5, 0.75, 1])
        colours = ["#c44e52" if d < 0.2 else "#4c72b0" for d in frame["discrimination"]]
        sns.barplot(data=frame, y="exercise", x="discrimination", ax=axes[1], palette=colours,
                    hue="exercise", legend=False)
        axes[1].set(xlim=(-1, 1), title=_("Discrimination (point-biserial; red < 0.2)"), ylabel="",
                    xlabel=_("discrimination"))
        axes[1].set_xticks([-1, -0.5, 0, 0.5, 1])  # five labels that never overlap
        axes[1].axvline(0, color="#333", lw=0.8)
        plots.append((_("Difficulty and discrimination"), _png(fig)))
    order = [s["exercise"] for s in stats]
    pivot = df.assign(score=lambda d: (d["earned"] / d["points"].where(d["points"] > 0)).where(~d["pending"]))
    pivot = pivot.pivot_table(index="trainee", columns="exercise", values="score", aggfunc="first", dropna=False)
    pivot = pivot[[e for e in order if e in pivot.columns]]
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * pivot.shape[1] + 3), max(2.5, 0.3 * pivot.shape[0] + 2)))
    ax.set_facecolor("#d9d9d9")  # an empty (grey) cell: to be graded by hand
    sns.heatmap(pivot, vmin=0, vmax=1, cmap="RdYlGn", cbar_kws={"label": _("share of points")}, ax=ax,
                linewidths=0.5, linecolor="white")
    ax.set(title=_("Points per trainee and exercise (grey: to be graded by hand)") if pending
           else _("Points per trainee and exercise"), xlabel="", ylabel="")
    ax.tick_params(axis="x", labelrotation=90)
    ax.tick_params(axis="y", labelrotation=0)
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


SHOWN_DIAGNOSES = 3  # per exercise in the table; results.csv has every message


def feedback_link(trainee: str, notebook: str, exercise: str, title: str = "") -> str:
    """A link from the report (OUT/report.html) to the exercise on the trainee's feedback page."""
    href = f"feedback/{quote(safe_name(trainee))}.html#{quote(anchor(notebook, exercise), safe='')}"
    return f"<a href='{html.escape(href)}' title='{html.escape(title)}'>{html.escape(trainee)}</a>"


def _diagnoses_html(stat: dict) -> str:
    found = stat["diagnoses"]
    if not found:
        return ""
    items = "".join(
        f"<li>{text(d.message)} × {d.count}: "
        + _(", ").join(feedback_link(t, stat["notebook"], stat["exercise"], summarise(v) if v else "")
                       for t, v in d.answers) + "</li>" for d in found[:SHOWN_DIAGNOSES])
    others = _("and {count} other diagnoses (results.csv has them all)").format(count=len(found) - SHOWN_DIAGNOSES)
    more = f"<li>{html.escape(others)}</li>" if len(found) > SHOWN_DIAGNOSES else ""
    return f"<ul class='wrong'>{items}{more}</ul>"


def _kpis(df, maximum: float) -> str:
    earned, decided = decided_totals(df)
    pending = int(df["pending"].sum())
    shown = [(_("trainees"), len(earned)), (_("mean points"), f"{earned.mean():.1f} / {maximum:g}"),
             (_("median"), f"{earned.median():.1f}"), (_("lowest"), f"{earned.min():g}"),
             (_("highest"), f"{earned.max():g}")]
    if pending:
        shown.append((_("answers to grade by hand"), pending))
    out = "<div>" + "".join(f"<span class='kpi'><b>{v}</b>{html.escape(k)}</span>" for k, v in shown) + "</div>"
    if pending:
        out += "<p>" + html.escape(_("Points of the {count} answers still to be graded by hand are left out "
                                     "of these figures and the score distribution, not counted as 0.")
                                   .format(count=pending)) + "</p>"
    return out


def _exercise_table(stats: list[dict], trainees: int) -> list[str]:
    heads = (_("Exercises"), _("Exercise"), _("Kind"), pgettext("points available", "Points"), _("Mean"),
             _("Correct"), _("Not answered"), _("Discrimination"), _("Most common mistakes (the grader's diagnosis)"))
    parts = ["<h2>{}</h2>".format(heads[0])]
    warning = small_class_warning(trainees)
    if warning:
        parts.append(f"<p class='warn'>{html.escape(warning)}</p>")
    parts.append("<table><tr><th>{}</th><th>{}</th><th class='num'>{}</th><th class='num'>{}</th>"
                 "<th class='num'>{}</th><th class='num'>{}</th><th class='num'>{}</th><th>{}</th></tr>"
                 .format(*heads[1:]))
    for s in stats:
        disc = "–" if math.isnan(s["discrimination"]) else f"{s['discrimination']:+.2f}"
        mean = "–" if math.isnan(s["mean"]) else f"{s['mean']:.2f}"
        if s["manual"]:
            correct = _("graded by hand")
            if s["pending"]:
                correct += "<br>" + html.escape(_("{count} to grade").format(count=s["pending"]))
        else:
            correct = f"{s['correct']:.0%}"
        kind = s["kind"]
        kind = _(kind) if kind in KIND_NAMES else kind
        parts.append(f"<tr><td><code>{html.escape(s['exercise'])}</code></td><td>{html.escape(kind)}</td>"
                     f"<td class='num'>{s['points']:g}</td><td class='num'>{mean}</td>"
                     f"<td class='num'>{correct}</td><td class='num'>{s['unanswered']:.0%}</td>"
                     f"<td class='num'>{disc}</td><td>{_diagnoses_html(s)}</td></tr>")
    parts.append("</table>")
    return parts


def help_used(notebooks: list[str], results: dict) -> list[tuple]:
    """(notebook, exercise id, [(trainee, hints opened)], [trainees who opened the worked solution])
    per exercise where any help was used, in key order."""
    found = []
    for nb in notebooks:
        ids = next((r[nb]["exercises"] for r in results.values()), [])
        for i, first in enumerate(ids):
            hints = [(t, results[t][nb]["exercises"][i].get("hints_seen", 0)) for t in sorted(results)]
            hints = [(t, n) for t, n in hints if n]
            solution = [t for t in sorted(results) if results[t][nb]["exercises"][i].get("solution_seen")]
            if hints or solution:
                found.append((nb, first["id"], hints, solution))
    return found


def help_section(notebooks: list[str], results: dict) -> list[str]:
    used = help_used(notebooks, results)
    parts = ["<h2>" + _("Hints and worked solutions opened") + "</h2><p>"
             + html.escape(_("As each trainee's answers file records it (the trainee's own file: a record, not "
                             "proof). A worked solution opened before a correct answer is worth a look.")) + "</p>"]
    if not used:
        return parts + ["<p>" + _("None.") + "</p>"]
    heads = (_("Exercise"), _("Hints opened"), _("Worked solution opened"))
    rows = "".join(
        f"<tr><td><code>{html.escape(eid)}</code></td><td>"
        + _(", ").join(feedback_link(t, nb, eid) + f" ({n})" for t, n in hints)
        + "</td><td>" + _(", ").join(feedback_link(t, nb, eid) for t in solution) + "</td></tr>"
        for nb, eid, hints, solution in used)
    return parts + ["<table><tr><th>{}</th><th>{}</th><th>{}</th></tr>".format(*heads) + rows + "</table>"]


def grading_problems(notebooks: list[str], results: dict) -> list[tuple[str, str, str, str]]:
    """(trainee, notebook, what kind of problem, what happened): every note (among them every answer
    the grader could not judge: `verdicts` notes each) and every cell that raised an error, so
    nothing is found only by reading the trainees' pages."""
    found = []
    for t in sorted(results):
        for nb in notebooks:
            result = results[t][nb]
            found += [(t, nb, _("while grading"), n) for n in result["notes"]]
            found += [(t, nb, _("cell error"), e) for e in result["errors"]]
    return found


def problems_section(notebooks: list[str], results: dict) -> list[str]:
    problems = grading_problems(notebooks, results)
    parts = ["<h2>" + _("Problems while grading ({count})").format(count=len(problems)) + "</h2>"]
    if not problems:
        return parts + ["<p>" + _("None.") + "</p>"]
    heads = (_("Trainee"), _("Notebook"), _("Kind"), _("What happened"))
    return parts + ["<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>".format(*heads)
                    + "".join(f"<tr><td>{html.escape(t)}</td><td>{html.escape(nb)}</td><td>{html.escape(kind)}</td>"
                              f"<td>{text(n)}</td></tr>" for t, nb, kind, n in problems) + "</table>"]


def render(notebooks: list[str], results: dict, keys: dict, similar: dict | None = None) -> str:
    df = _frame(notebooks, results, keys)
    order = [ex["id"] for nb in notebooks for ex in keys[nb]["exercises"]]
    maximum = sum(ex["points"] for nb in notebooks for ex in keys[nb]["exercises"])
    stats = exercise_stats(df, order) if not df.empty else []
    parts = [f"<!doctype html><html lang='{i18n.language()}'><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width, initial-scale=1'><title>"
             + _("Class report") + f"</title><style>{CSS}</style></head><body><h1>"
             + _("Class report — {notebooks}").format(notebooks=html.escape(_(", ").join(notebooks))) + "</h1>"]
    if not df.empty:
        parts.append(_kpis(df, maximum))
        for title, img in _plots(df, stats, maximum):
            parts.append(f"<h2>{html.escape(title)}</h2>{img}")
    parts += _exercise_table(stats, len(results))
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
    parts += help_section(notebooks, results)
    if similar is not None:
        parts += similarity_section(similar)
    parts += problems_section(notebooks, results)
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(path: Path, notebooks: list[str], results: dict, keys: dict, similar: dict | None = None) -> None:
    path.write_text(render(notebooks, results, keys, similar), encoding="utf-8")
