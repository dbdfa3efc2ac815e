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
import io
import re
from pathlib import Path

from ..core.i18n import _

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


def write_csv(path: Path, header: list, rows, bom: bool = False) -> None:
    """UTF-8, RFC 4180 quoting, every cell made safe.  `bom`: begin with a UTF-8 byte order mark, which
    Excel needs to open UTF-8 (Chinese names) correctly on a double-click."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([safe(c) for c in header])
        writer.writerows([safe(c) for c in row] for row in rows)


# -- reading CSVs saved by spreadsheets ------------------------------------------------------------
# Excel saves "CSV" in the computer's own code page (GBK on Chinese Windows), "CSV UTF-8" with a BOM,
# "Unicode text" as UTF-16 with tabs, and uses ";" where the decimal mark is a comma.

ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads every GBK file; tried only when UTF-8 fails


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a spreadsheet's CSV; ValueError if it is none of the encodings above."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "utf-16"
    for encoding in ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError(_("it is not UTF-8, UTF-16 or GBK text"))


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: comma, semicolon or tab (whichever splits it most)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max((",", ";", "\t"), key=lambda d: len(next(csv.reader([first], delimiter=d), [])))


def read_table(path: Path, max_bytes: int = 20 * 1024 * 1024) -> list[list[str]]:
    """Every row of a CSV saved by a spreadsheet (any of the encodings and delimiters above), cells
    stripped of the formula guard (`plain`).  OSError if unreadable, ValueError if it is not text."""
    with open(path, "rb") as fh:
        raw = fh.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ValueError(_("it is larger than {size} MB").format(size=max_bytes // (1024 * 1024)))
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValueError(_("it holds binary data, not text"))
    text, _encoding = decode(raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    return [[plain(cell.strip()) for cell in row] for row in reader if any(cell.strip() for cell in row)]
