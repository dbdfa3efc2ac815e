"""One feedback page per trainee: each exercise, the points, what the grader said, a hint.

Only messages written to be shown to trainees appear (the verdict messages never
print expected values), plus the key's first hint for anything not yet right.
Worked solutions and hidden-check rules are never shown.  The page is written in the
current language (the grader renders it inside `i18n.use(<the trainee's language>)`);
the messages inside were written in the submission's language when it was judged.

Beside a wrong code answer the page shows the trainee's own value (`your_answer`), never the
expected one.  Points still to be graded by hand are shown apart ("23 of 23 points so far,
+ 10 to be graded"), never as 0.  The page is the bundle to mail: one self-contained file (its
style inline, no images, links or other files), readable on a phone (the table becomes one
card per exercise below 40rem) and printable (print CSS; the error list opens for printing).
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from ..core import i18n
from ..core.i18n import _
from ..core.status import STATUSES, WRONG
from .language import key_text
from .your_answer import answer_html

CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{padding:.45rem .6rem;border-bottom:1px solid #eee;
vertical-align:top;text-align:left}th{background:#f6f6f6}.pts{white-space:nowrap;text-align:right}
.status{font-weight:600;white-space:nowrap}.hint{color:#555;margin-top:.3rem}.details{margin:.2rem 0 0 1rem;
padding:0;color:#444}.notes{background:#fff3e0;border-left:4px solid #ef6c00;padding:.5rem 1rem;margin:1rem 0}
.total{font-size:1.1rem}.pending{color:#1565c0}code{background:#f3f3f3;padding:0 .2rem;border-radius:3px;
overflow-wrap:anywhere}.comment{background:#e3f2fd;padding:.3rem .5rem;margin-top:.3rem}
.yours{margin-top:.4rem;font-size:.9rem}.yours-label{color:#555}.value{width:auto;font-size:.85rem;margin-top:.2rem}
.value th,.value td{padding:.1rem .5rem;background:none;font-weight:normal}.value th{color:#555}
.value .named,.value th.named{background:#fff8e1;font-weight:600}.more{margin:.1rem 0;color:#777;font-size:.85rem}
.scroll{overflow-x:auto;max-width:100%}.print{float:right;font:inherit;padding:.3rem .8rem;cursor:pointer}
@media (max-width:40rem){
 body{margin:1rem auto;padding:0 .75rem}h1{font-size:1.35rem}h2{font-size:1.1rem}
 table.ex,table.ex>tbody,table.ex>tbody>tr,table.ex>tbody>tr>td{display:block;width:auto}table.ex>tbody>tr.head{display:none}
 tr.ex{border:1px solid #e5e5e5;border-radius:6px;margin:.75rem 0;padding:.2rem 0}
 tr.ex>td{border:0;padding:.2rem .7rem}tr.ex>td.pts,tr.ex>td.status{display:inline-block;text-align:left}
 .print{display:none}
}
@media print{
 body{max-width:none;margin:0;padding:0;font-size:10.5pt}.print{display:none}
 tr.ex,.notes,.yours{break-inside:avoid}h2{break-after:avoid}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""
# Closed <details> do not print: open them all before printing (the page works without this).
PRINT_SCRIPT = ("<script>addEventListener('beforeprint',()=>document.querySelectorAll('details')"
                ".forEach(d=>d.open=true))</script>")


def text(value) -> str:
    """Escaped text with `code` spans and **bold** from the key's Markdown."""
    out = html.escape(str(value))
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)


def _penalty(result: dict) -> float:
    """Points taken off for handing in late (deadlines.apply_lateness)."""
    return (result.get("late") or {}).get("penalty", 0)


def points_summary(exercises, penalty: float = 0) -> tuple[float, float, float]:
    """(points earned less any late penalty, out of, points still to be graded by hand): answers
    waiting for a person are counted apart, never as 0."""
    earned = sum(ex["earned"] or 0 for ex in exercises) - penalty
    pending = sum(ex["points"] for ex in exercises if ex["earned"] is None)  # a reflection, a judge failure
    return earned, sum(ex["points"] for ex in exercises) - pending, pending


def _num(x) -> str:
    return f"{round(x, 2):g}"


def _exercise_row(notebook: str, ex: dict) -> str:
    status = ex["status"]
    look = STATUSES.get(status)
    label, colour = (_(look.feedback_label), look.colour) if look else (status, "#333")
    earned = "–" if ex["earned"] is None else _num(ex["earned"])
    body = f"<div>{text(ex['message'])}</div>"
    if ex.get("details"):
        body += "<ul class='details'>" + "".join(f"<li>{text(d)}</li>" for d in ex["details"]) + "</ul>"
    if ex["kind"] == "code" and status in WRONG:  # what they handed in, beside what is off in it
        body += answer_html(ex.get("value"), ex["message"])
    if ex.get("comment"):
        body += "<div class='comment'>" + _("Your instructor: {comment}").format(comment=text(ex["comment"])) + "</div>"
    if ex.get("hint"):
        body += "<div class='hint'>" + _("<b>Hint:</b> {hint}").format(hint=text(ex["hint"])) + "</div>"
    eid = html.escape(ex["id"])
    return (f"<tr class='ex ex--{html.escape(status)}' id='{anchor(notebook, ex['id'])}' data-exercise='{eid}'>"
            f"<td><b>{text(ex['title'])}</b><br><code>{eid}</code></td>"
            f"<td class='pts'>{earned} / {ex['points']:g}</td>"
            f"<td class='status' style='color:{colour}'>{html.escape(label)}</td>"
            f"<td>{body}</td></tr>")


def anchor(notebook: str, exercise: str) -> str:
    """The id of an exercise's row, so the class report can link to it."""
    return html.escape(f"{notebook}:{exercise}", quote=True)


def _points(earned: float, maximum: float, pending: float) -> str:
    if pending:
        return _("{earned} of {maximum} points so far, + {pending} to be graded by your instructor").format(
            earned=f"<b>{_num(earned)}</b>", maximum=_num(maximum), pending=f"<span class='pending'>{_num(pending)}</span>")
    return _("{earned} of {maximum} points").format(earned=f"<b>{_num(earned)}</b>", maximum=_num(maximum))


def render(trainee: str, notebooks: list[str], results: dict, keys: dict) -> str:
    everything = [ex for nb in notebooks for ex in results[nb]["exercises"]]
    late = sum(_penalty(results[nb]) for nb in notebooks)
    who = html.escape(trainee)
    parts = [f"<!doctype html><html lang='{i18n.language()}'><head><meta charset='utf-8'>"
             "<meta name='viewport' content='width=device-width, initial-scale=1'>"
             "<title>" + _("Feedback — {trainee}").format(trainee=who) + f"</title><style>{CSS}</style>"
             f"{PRINT_SCRIPT}</head><body>",
             "<button class='print' onclick='print()'>" + _("Print or save as PDF") + "</button>",
             "<h1>" + _("Feedback for {trainee}").format(trainee=who) + "</h1>",
             "<p class='total'>" + _("Total: {points}").format(points=_points(*points_summary(everything, late))) + "</p>"]
    for nb in notebooks:
        result = results[nb]
        title = key_text(nb, "module", keys[nb]["title"]) if keys[nb].get("title") else nb
        parts.append(f"<h2>{html.escape(nb)} — {text(title)}</h2>"
                     f"<p class='nb-total'>{_points(*points_summary(result['exercises'], _penalty(result)))}</p>")
        if result["notes"]:
            parts.append("<div class='notes'><b>" + _("While grading this notebook:") + "</b><ul>"
                         + "".join(f"<li>{text(n)}</li>" for n in result["notes"]) + "</ul></div>")
        heads = (_("Exercise"), _("Points"), _("Result"), _("Feedback"))
        parts.append("<table class='ex'><tr class='head'><th>{}</th><th class='pts'>{}</th><th>{}</th><th>{}</th></tr>"
                     .format(*heads))
        parts += [_exercise_row(nb, ex) for ex in result["exercises"]]
        parts.append("</table>")
        if result["errors"]:
            parts.append("<details><summary>" + _("Errors while your notebook ran ({count})").format(
                count=len(result["errors"])) + "</summary><ul>"
                + "".join(f"<li>{text(e)}</li>" for e in result["errors"]) + "</ul></details>")
    parts.append("<p style='color:#777;margin-top:2rem'>"
                 + _("Points come from the values your notebook computes and the answers saved by the exercise "
                     "widgets, checked by the course grader. Reflections are graded by your instructor.")
                 + "</p></body></html>\n")
    return "\n".join(parts)


def write_feedback(path: Path, trainee: str, notebooks: list[str], results: dict, keys: dict) -> None:
    path.write_text(render(trainee, notebooks, results, keys), encoding="utf-8")
