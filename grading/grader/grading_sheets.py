"""An HTML grading sheet per hand-graded exercise: every trainee's answer beside the rubric.

    OUT/sheets/index.html        the hand-graded exercises: how many answers, how many graded
    OUT/sheets/<exercise>.html   the prompt and the criteria (a column that stays in view) beside
                                 every trainee's answer in full, its length, what is short, and
                                 the score, criteria and comment set so far

For reading long reflections and forms comfortably; the scores are still entered in the
rubric sheet (`rubric merge`) or with `override`.  Every text that comes from a trainee is
escaped.  Written in the current language (the instructor's); no timestamps, so the same
input gives the same files.
"""
from __future__ import annotations

import html
from pathlib import Path

from ..core import i18n
from ..core.i18n import _
from ..core.keys import MANUAL_KINDS
from .gradebook import answer_digest, manual_text, points_text, safe_name
from .language import has_text, key_text, short_note, short_parts, text_length

FOLDER = "sheets"
CSS = """
body{font-family:system-ui,sans-serif;margin:0;color:#222;line-height:1.5}
header{padding:1rem 2rem;border-bottom:1px solid #ddd}h1{font-size:1.5rem;margin:.2rem 0}
.layout{display:grid;grid-template-columns:minmax(16rem,24rem) 1fr;gap:2rem;padding:1rem 2rem}
.rubric{position:sticky;top:0;align-self:start;max-height:100vh;overflow:auto;padding:.5rem 0}
.rubric li{margin:.3rem 0}.prompt{color:#444}.meta{color:#555;font-size:.9rem}
.answer{border:1px solid #ddd;border-radius:6px;padding:.8rem 1rem;margin:0 0 1.2rem}
.answer h2{font-size:1.1rem;margin:0}.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:48rem}
dt{font-weight:600;margin-top:.5rem}dd{margin:0 0 0 1rem;white-space:pre-wrap;overflow-wrap:anywhere}
.graded{background:#e3f2fd;padding:.4rem .6rem;margin-top:.6rem}.short{color:#ef6c00}
.changed{background:#fff3e0;border-left:4px solid #ef6c00;padding:.3rem .6rem}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
table{border-collapse:collapse}td,th{padding:.35rem .6rem;border-bottom:1px solid #eee;text-align:left}
@media (max-width:50rem){.layout{grid-template-columns:1fr}.rubric{position:static;max-height:none}}
@media print{.rubric{position:static;max-height:none}.answer{break-inside:avoid}nav{display:none}}
"""


def sheet_name(exercise: str) -> str:
    return f"{safe_name(exercise)}.html"


def write_sheets(out: Path, notebooks: list[str], results: dict, keys: dict, manual: dict) -> Path:
    """Write the index and one sheet per hand-graded exercise of the run; returns the folder."""
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    listed = []
    for nb in notebooks:
        for spec in keys[nb]["exercises"]:
            if spec["kind"] not in MANUAL_KINDS:
                continue
            answers = [(t, ex) for t in sorted(results) for ex in results[t][nb]["exercises"]
                       if ex["id"] == spec["id"]]
            page = _page(nb, spec, answers, manual)
            (folder / sheet_name(spec["id"])).write_text(page, encoding="utf-8")
            written = [t for t, ex in answers if has_text(ex.get("value"))]
            graded = [t for t in written if manual.get(t, {}).get(spec["id"], {}).get("score") is not None]
            listed.append((nb, spec, len(written), len(graded)))
    (folder / "index.html").write_text(_index(listed), encoding="utf-8")
    return folder


def _head(title: str) -> str:
    return (f"<!doctype html><html lang='{i18n.language()}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>")


def _index(listed: list) -> str:
    title = _("Grading sheets")
    parts = [_head(title), f"<header><h1>{html.escape(title)}</h1><p>"
             + html.escape(_("One page per reflection or form: every answer in full beside the rubric. Enter the "
                             "scores in the rubric sheet (rubric.csv) and merge it."))
             + "</p></header><main style='padding:1rem 2rem'>"]
    if not listed:
        parts.append("<p>" + html.escape(_("This run has no reflection or form to grade by hand.")) + "</p>")
    else:
        heads = (_("Notebook"), _("Exercise"), _("Answers"), _("Graded"), _("To grade"))
        parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr>")
        for nb, spec, written, graded in listed:
            name = key_text(nb, spec["id"], spec.get("title", spec["id"]))
            parts.append(f"<tr><td>{html.escape(nb)}</td><td><a href='{html.escape(sheet_name(spec['id']))}'>"
                         f"{html.escape(name)}</a> <code>{html.escape(spec['id'])}</code></td>"
                         f"<td>{written}</td><td>{graded}</td><td>{written - graded}</td></tr>")
        parts.append("</table>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _page(nb: str, spec: dict, answers: list, manual: dict) -> str:
    eid = spec["id"]
    title = key_text(nb, eid, spec.get("title", eid))
    parts = [_head(_("Grading sheet: {title}").format(title=title)),
             f"<header><p><a href='index.html'>{html.escape(_('Grading sheets'))}</a></p>"
             f"<h1>{html.escape(title)}</h1><p class='meta'><code>{html.escape(eid)}</code> · {html.escape(nb)} · "
             + html.escape(_("{points} points").format(points=points_text(spec["points"])))
             + (" · " + html.escape(_("at least {need} words").format(need=spec["min_words"]))
                if spec.get("min_words") else "") + "</p></header>",
             "<div class='layout'>" + _rubric(nb, spec) + "<main>"]
    written = [(t, ex) for t, ex in answers if has_text(ex.get("value"))]
    if written:
        parts.append("<nav><ul>" + "".join(
            f"<li><a href='#a{i}'>{html.escape(t)}</a> {html.escape(_status(manual, t, ex))}</li>"
            for i, (t, ex) in enumerate(written, 1)) + "</ul></nav>")
    else:
        parts.append("<p>" + html.escape(_("No trainee has written an answer yet.")) + "</p>")
    parts += [_answer(i, nb, spec, t, ex, manual.get(t, {}).get(eid) or {}) for i, (t, ex) in enumerate(written, 1)]
    blank = [t for t, ex in answers if not has_text(ex.get("value"))]
    if blank:
        parts.append("<p class='meta'>" + html.escape(_("No answer from: {trainees}").format(
            trainees=_(", ").join(blank))) + "</p>")
    parts.append("</main></div></body></html>\n")
    return "\n".join(parts)


def _rubric(nb: str, spec: dict) -> str:
    eid = spec["id"]
    items = "".join(f"<li>{html.escape(key_text(nb, eid, r['criterion']))} "
                    f"<b>({html.escape(_('{points} pt').format(points=points_text(r['points'])))})</b></li>"
                    for r in spec.get("rubric") or [])
    prompt = f"<p class='prompt'>{html.escape(key_text(nb, eid, spec['prompt']))}</p>" if spec.get("prompt") else ""
    fields = "".join(f"<li>{html.escape(_label(nb, spec, f['name']))}</li>" for f in spec.get("fields") or [])
    return ("<aside class='rubric'><h2>" + html.escape(_("Rubric")) + f"</h2>{prompt}<ol>{items}</ol>"
            + (f"<p>{html.escape(_('Parts of the form:'))}</p><ul>{fields}</ul>" if fields else "") + "</aside>")


def _label(nb: str, spec: dict, name: str) -> str:
    labels = {f["name"]: f.get("label") or f["name"] for f in spec.get("fields") or []}
    return key_text(nb, spec["id"], labels.get(name, name))


def _status(manual: dict, trainee: str, ex: dict) -> str:
    done = manual.get(trainee, {}).get(ex["id"]) or {}
    if done.get("score") is None:
        return _("(to grade)")
    return "(" + points_text(done["score"]) + ")"


def _answer(i: int, nb: str, spec: dict, trainee: str, ex: dict, done: dict) -> str:
    value = ex.get("value") or {}
    _length, short = short_parts(spec, value)
    note = short_note(nb, spec, short)
    meta = html.escape(_("{words} words").format(words=text_length(manual_text(value, labels=False))))
    if note:
        meta += f" · <span class='short'>{html.escape(note)}</span>"
    if value.get("kind") == "mapping":
        body = "<dl>" + "".join(f"<dt>{html.escape(_label(nb, spec, str(k)))}</dt><dd>{html.escape(str(v or ''))}</dd>"
                                for k, v in zip(value.get("keys", []), value.get("values", []))) + "</dl>"
    else:
        body = f"<div class='text'>{html.escape(str(value.get('value', '')))}</div>"
    parts = [f"<section class='answer' id='a{i}'><h2>{html.escape(trainee)}</h2><p class='meta'>{meta}</p>{body}"]
    if done.get("score") is not None or done.get("comment"):
        graded = [] if done.get("score") is None else [html.escape(_("Score: {score} of {points}").format(
            score=points_text(done["score"]), points=points_text(spec["points"])))]
        rubric = spec.get("rubric") or []
        if done.get("criteria") and len(done["criteria"]) == len(rubric):
            by_criterion = (f"{n}: {points_text(p)}" for n, p in enumerate(done["criteria"], 1))
            graded.append(html.escape(_(", ").join(by_criterion)))
        if done.get("comment"):
            graded.append(html.escape(_("Comment: {comment}").format(comment=done["comment"])))
        parts.append("<div class='graded'>" + "<br>".join(graded) + "</div>")
        given_for = done.get("answer") or done.get("text")
        if done.get("score") is not None and given_for and given_for != answer_digest(ex):
            parts.append("<p class='changed'>" + html.escape(_("The answer changed after it was graded by hand: read "
                                                                "it again.")) + "</p>")
    parts.append("</section>")
    return "".join(parts)

