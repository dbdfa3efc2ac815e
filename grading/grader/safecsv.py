"""CSV files a spreadsheet can open safely (OWASP, "CSV Injection").

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets (`=HYPERLINK(...)` in a reflection
becomes a live link; `=cmd|...` worse).  Every CSV the kit writes goes through
`write_csv`, which puts a `'` before such a cell, so the spreadsheet shows it as
text.  A real number (`-1.5`, `+3`, `-2e3`) is left as it is: it stays a number.

The prefix is reversible: `plain()` undoes it, and a cell that already began with
`'` before a formula character gets one more `'`, so `plain(safe(x)) == x` for
every text (the rubric merge reads back exactly what the export wrote).
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")


def safe(value) -> str:
    """A cell's text that no spreadsheet runs as a formula (numbers unchanged)."""
    text = "" if value is None else str(value)
    if text.startswith(TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    if _QUOTED.match(text):  # already looks neutralised: one more quote keeps the round trip exact
        return "'" + text
    return text


def plain(text: str | None) -> str:
    """The text `safe` was given (a spreadsheet that kept the leading quote, or dropped it, both work)."""
    text = text or ""
    return text[1:] if _QUOTED.match(text) else text


def write_csv(path: Path, header: list, rows) -> None:
    """UTF-8, RFC 4180 quoting, every cell made safe."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([safe(c) for c in header])
        writer.writerows([safe(c) for c in row] for row in rows)
