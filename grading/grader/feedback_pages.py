"""One feedback page per trainee: each exercise, the points, what the grader said, a hint.

Only messages written to be shown to trainees appear (the verdict messages never
print expected values), plus the key's first hint for anything not yet right.
Worked solutions and hidden-check rules are never shown.  The page is written in the
current language (the grader renders it inside `i18n.use(<the trainee's language>)`);
the messages inside were written in the submission's language when it was judged.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from ..core import i18n
from ..core.i18n import _
from ..core.status import STATUSES
from .language import key_text

CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{padding:.45rem .6rem;border-bottom:1px solid #eee;
vertical-align:top;text-align:left}th{background:#f6f6f6}.pts{white-space:nowrap;text-align:right}
.status{font-weight:600;white-space:nowrap}.hint{color:#555;margin-top:.3rem}.details{margin:.2rem 0 0 1rem;
padding:0;color:#444}.notes{background:#fff3e0;border-left:4px solid #ef6c00;padding:.5rem 1rem;margin:1rem 0}
.total{font-size:1.1rem}code{background:#f3f3f3;padding:0 .2rem;border-radius:3px}
.comment{background:#e3f2fd;padding:.3rem .5rem;margin-top:.3rem}
"""


def text(value) -> str:
    """Escaped text with `code` spans and **bold** from the key's Markdown."""
    out = html.escape(str(value))
    out = re.sub(r"`([^`]+)`", r"<code>\1</code>", out)
    return re.sub(r"\*\*([^*]+)\*\*", r"<b>\1</b>", out)


def _exercise_row(ex: dict) -> str:
    status = ex["status"]
    look = STATUSES.get(status)
    label, colour = (_(look.feedback_label), look.colour) if look else (status, "#333")
    earned = "–" if ex["earned"] is None else f"{round(ex['earned'], 2):g}"
    body = f"<div>{text(ex['message'])}</div>"
    if ex.get("details"):
        body += "<ul class='details'>" + "".join(f"<li>{text(d)}</li>" for d in ex["details"]) + "</ul>"
    if ex.get("comment"):
        body += "<div class='comment'>" + _("Your instructor: {comment}").format(comment=text(ex["comment"])) + "</div>"
    if ex.get("hint"):
        body += "<div class='hint'>" + _("<b>Hint:</b> {hint}").format(hint=text(ex["hint"])) + "</div>"
    return (f"<tr class='ex ex--{html.escape(status)}' data-exercise='{html.escape(ex['id'])}'>"
            f"<td><b>{text(ex['title'])}</b><br><code>{html.escape(ex['id'])}</code></td>"
            f"<td class='pts'>{earned} / {ex['points']:g}</td>"
            f"<td class='status' style='color:{colour}'>{html.escape(label)}</td>"
            f"<td>{body}</td></tr>")


def render(trainee: str, notebooks: list[str], results: dict, keys: dict) -> str:
    total = sum(ex["earned"] or 0 for nb in notebooks for ex in results[nb]["exercises"]) - sum(
        (results[nb].get("late") or {}).get("penalty", 0) for nb in notebooks)  # deadlines.apply_lateness
    maximum = sum(ex["points"] for nb in notebooks for ex in results[nb]["exercises"])
    who = html.escape(trainee)
    parts = [f"<!doctype html><html lang='{i18n.language()}'><head><meta charset='utf-8'>"
             "<title>" + _("Feedback — {trainee}").format(trainee=who) + f"</title><style>{CSS}</style></head><body>",
             "<h1>" + _("Feedback for {trainee}").format(trainee=who) + "</h1>",
             "<p class='total'>" + _("Total: {earned} of {maximum} points").format(
                 earned=f"<b>{round(total, 2):g}</b>", maximum=f"{maximum:g}") + "</p>"]
    for nb in notebooks:
        result = results[nb]
        earned = sum(ex["earned"] or 0 for ex in result["exercises"]) - (result.get("late") or {}).get("penalty", 0)
        points = sum(ex["points"] for ex in result["exercises"])
        title = key_text(nb, "module", keys[nb]["title"]) if keys[nb].get("title") else nb
        parts.append(f"<h2>{html.escape(nb)} — {text(title)}: {round(earned, 2):g} / {points:g}</h2>")
        if result["notes"]:
            parts.append("<div class='notes'><b>" + _("While grading this notebook:") + "</b><ul>"
                         + "".join(f"<li>{text(n)}</li>" for n in result["notes"]) + "</ul></div>")
        heads = (_("Exercise"), _("Points"), _("Result"), _("Feedback"))
        parts.append("<table><tr><th>{}</th><th class='pts'>{}</th><th>{}</th><th>{}</th></tr>".format(*heads))
        parts += [_exercise_row(ex) for ex in result["exercises"]]
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
