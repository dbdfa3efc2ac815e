"""The trainee's own answer, shown small beside the grader's message on their feedback page.

"3 of 22 values are off: 'q4', 'q9', 'q17'" is easier to act on weeks later with the values
the trainee handed in next to it.  Only the trainee's canonical value (`ExerciseResult.value`)
is shown, never the expected one.  Labels and columns the message names are shown first and
marked, so a long answer still shows the part the message is about.
"""
from __future__ import annotations

import html
import re

from ..core.i18n import _
from ..core.rules import norm_text

ROWS = 8         # labelled values shown
FRAME_ROWS = 5   # rows of a table shown
ITEMS = 12       # items of a list shown
_QUOTED = re.compile(r"'([^']*)'|“([^”]*)”")


def _esc(text: str) -> str:
    return html.escape(text, quote=False)  # element text: quotes stay as the trainee typed them


def named_in(message: str) -> set[str]:
    """The labels a message quotes ('reliability' in English, “可靠性” in Chinese), normalised."""
    return {norm_text(a or b) for a, b in _QUOTED.findall(message or "")}


def _label(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return norm_text(x)


def shown(value) -> str:
    """One scalar as the trainee's kernel held it: full precision (rounding is often the point)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return f"{value:.10g}"
    if value is None:
        return "NaN"
    return str(value)


def _more(n: int) -> str:
    return "<p class='more'>" + _esc(_("… and {n} more").format(n=n)) + "</p>"


def _pairs_html(labels: list, values: list, named: set[str]) -> str:
    order = list(range(len(labels)))
    marked = [i for i in order if _label(labels[i]) in named]
    order = marked + [i for i in order if i not in marked]  # what the message names first
    rows = "".join(f"<tr{' class=named' if i in marked else ''}><th>{_esc(shown(labels[i]))}</th>"
                   f"<td>{_esc(shown(values[i]))}</td></tr>" for i in order[:ROWS])
    return f"<table class='value'>{rows}</table>" + (_more(len(order) - ROWS) if len(order) > ROWS else "")


def _frame_html(data: dict, named: set[str]) -> str:
    columns, cells = data.get("columns", []), data.get("data", [])
    index = data.get("index", [])
    shown_index = any(n is not None for n in data.get("index_names", [])) or index != list(range(len(index)))
    head = "".join(f"<th{' class=named' if _label(c) in named else ''}>{_esc(shown(c))}</th>"
                   for c in columns)
    rows = []
    for r in range(min(FRAME_ROWS, len(index))):
        label = f"<th>{_esc(shown(index[r]))}</th>" if shown_index else ""
        rows.append("<tr>" + label + "".join(f"<td>{_esc(shown(col[r]))}</td>"
                                             for col in cells if r < len(col)) + "</tr>")
    total = data.get("rows", len(index))
    corner = _esc(" / ".join(str(n) for n in data.get("index_names", []) if n is not None))
    size = _("{rows} rows × {columns} columns").format(rows=total, columns=len(columns))
    return (f"<p class='more'>{_esc(size)}</p><div class='scroll'><table class='value'>"
            f"<tr>{f'<th>{corner}</th>' if shown_index else ''}{head}</tr>{''.join(rows)}</table></div>"
            + (_more(total - FRAME_ROWS) if total > FRAME_ROWS else ""))


def answer_html(value, message: str = "") -> str:
    """The trainee's answer as a small block of HTML ("" when there is nothing to show)."""
    if not isinstance(value, dict):
        return ""
    kind, named = value.get("kind"), named_in(message)
    if kind in ("number", "bool", "text"):
        v = value.get("value")
        body = f"<code>{_esc(repr(v) if kind == 'text' else shown(v))}</code>"
    elif kind in ("list", "set"):
        items = value.get("items", [])
        body = "<code>[" + _esc(", ".join(shown(x) for x in items[:ITEMS])) + "]</code>"
        body += _more(len(items) - ITEMS) if len(items) > ITEMS else ""
    elif kind == "mapping":
        body = _pairs_html(value.get("keys", []), value.get("values", []), named)
    elif kind == "series":
        body = _pairs_html(value.get("index", []), value.get("values", []), named)
    elif kind == "frame":
        body = _frame_html(value, named)
    elif kind == "other":
        body = f"<code>{_esc(str(value.get('type', '')))}: {_esc(str(value.get('repr', ''))[:200])}</code>"
    else:
        return ""
    label = _esc(_("Your answer:"))
    return f"<div class='yours'><span class='yours-label'>{label}</span> {body}</div>"
