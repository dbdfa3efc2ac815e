"""Read a filled rubric sheet the way spreadsheets really save it, or say exactly why not.

Excel saves "CSV" in the computer's own code page and list separator: GBK/GB18030 on a
Chinese Windows, Windows-1252 with semicolons (and decimal commas) in much of Europe,
UTF-8 with a byte-order mark for "CSV UTF-8", UTF-16 with tabs for "Unicode text".  So:

- the encoding is taken from a byte-order mark; else UTF-8 if the bytes are UTF-8; else
  GB18030 if they read as common Chinese; else Windows-1252 if they read as European
  text; else the file is refused with the line of the first byte that is not UTF-8;
- the separator is the one (`,` `;` tab, or Excel's `sep=` first line) that splits the
  first line into the columns trainee, exercise and score;
- every cell loses export's formula guard (`safecsv.plain`).

Rows are numbered as a spreadsheet shows them (the header is row 1), whatever line
breaks the answers hold.
"""
from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..core.i18n import _
from .safecsv import plain
from .submissions import MAX_ANSWERS_BYTES

REQUIRED = ("trainee", "exercise", "score")
CRITERION_PREFIX = "criterion "  # `criterion 1`, `criterion 2` …: the points of each rubric criterion
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}
GB18030_BOM = codecs.encode("\ufeff", "gb18030")
_EUROPEAN_MARKS = set("’‘“”„–—…€«»°§£¿¡×÷·")


class RubricError(ValueError):
    """A rubric sheet that cannot be read or merged; the message says which row or column, and why."""


@dataclass
class Sheet:
    columns: list[str]                        # normalised names: stripped, lower case
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (spreadsheet row, column -> text)
    encoding: str = "UTF-8"
    separator: str = ","

    @property
    def plain_format(self) -> bool:
        """Whether the file is the UTF-8, comma-separated CSV that export writes."""
        return self.encoding == "UTF-8" and self.separator == ","

    @property
    def lossless(self) -> bool:
        """Whether every character of the exported text survives this encoding (GBK has no emoji)."""
        return self.encoding in ("UTF-8", "UTF-16")

    def described(self) -> str:
        """'GB18030 (Chinese Excel), semicolon-separated', in the current language."""
        names = {"comma": _("comma-separated"), "semicolon": _("semicolon-separated"), "tab": _("tab-separated")}
        return _("{encoding}, {separator}").format(encoding=self.encoding, separator=names[SEPARATORS[self.separator]])


def read_sheet(path: Path) -> Sheet:
    """The rows of a filled rubric sheet; a RubricError says what is wrong with the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise RubricError(_("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)) from None
    text, encoding = decode(data, path)
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise RubricError(_("{file} is empty: export a rubric sheet with `python -m grading rubric export`")
                          .format(file=path))
    separator, text = _separator(text, path)
    csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_ANSWERS_BYTES))  # the longest answer exported
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise RubricError(_("cannot read {file}: {error} (line {line})").format(
            file=path, error=exc, line=reader.line_num)) from None
    columns = [plain(c).strip().lower() for c in records[0]]
    twice = sorted({c for c in columns if read(c) and columns.count(c) > 1})
    if twice:
        raise RubricError(_("{file}: the column {column} appears twice; keep one").format(
            file=path, column=twice[0]))
    sheet = Sheet(columns, encoding=encoding, separator=separator)
    for number, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue  # a blank line, or a row a spreadsheet left as separators only
        extra = [c for c in cells[len(columns):] if c.strip()]
        if extra:
            raise RubricError(_("{file}, row {row}: {count} cells, more than the {columns} columns of the first row "
                                "(a separator inside a cell that is not in quotes?)").format(
                file=path, row=number, count=len(cells), columns=len(columns)))
        sheet.rows.append((number, {name: plain(cell) for name, cell in zip(columns, cells) if name}))
    return sheet


def read(column: str) -> bool:
    """Whether merge reads this column (the others, such as `answer`, are for the reader)."""
    return column in (*REQUIRED, "comment") or column.startswith(CRITERION_PREFIX)


def criterion_column(number: int) -> str:
    return f"{CRITERION_PREFIX}{number}"


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """(text, the encoding's name) of a spreadsheet's CSV file."""
    for bom, codec, name in ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
                             (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"), (GB18030_BOM, "gb18030", "GB18030")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), name
            except UnicodeDecodeError:
                break  # a mark that does not fit the bytes: judged by the bytes alone, below
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        bad = exc.start
    for reads, name in ((_chinese, "GB18030"), (_european, "Windows-1252")):
        text = reads(data)
        if text is not None:
            return text, name
    raise RubricError(_("cannot read {file}: line {line} is not UTF-8 text, and the file reads neither as Chinese "
                        "(GBK/GB18030) nor as Western European (Windows-1252) text. In Excel, save it as "
                        "“CSV UTF-8 (comma delimited)”").format(file=path, line=data.count(b"\n", 0, bad) + 1))


def _chinese(data: bytes) -> str | None:
    """The text, if the bytes are GB18030 and their other characters are mostly common Chinese
    (GB2312: 6,763 characters and the full-width punctuation).  European text read as GB18030
    gives rare characters instead, or does not decode at all."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    others = [c for c in text if ord(c) > 127]
    common = sum(1 for c in others if _in_gb2312(c))
    return text if others and common >= 0.9 * len(others) else None


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _european(data: bytes) -> str | None:
    """The text, if the bytes read as Windows-1252 words: accented letters and typographic marks,
    never more than three in a row (Chinese or UTF-8 read this way gives long runs of symbols)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    run = 0
    for char in text:
        if ord(char) <= 127:
            run = 0
            continue
        run += 1
        if run > 3 or not (unicodedata.category(char).startswith("L") or char in _EUROPEAN_MARKS):
            return None
    return text


def _separator(text: str, path: Path) -> tuple[str, str]:
    """(separator, the text without Excel's `sep=` line)."""
    first, _newline, rest = text.partition("\n")
    if first.lower().startswith("sep=") and len(first.rstrip("\r")) == 5:
        separator = first[4]
        if separator in SEPARATORS:
            return separator, rest
    for separator in SEPARATORS:
        names = {plain(c).strip().lower() for c in next(csv.reader([first.rstrip("\r")], delimiter=separator), [])}
        if set(REQUIRED) <= names:
            return separator, text
    shown = first.rstrip("\r")
    shown = shown if len(shown) <= 120 else shown[:117] + "…"
    raise RubricError(_("{file} needs the columns trainee, exercise and score (as written by rubric export), "
                        "separated by commas, semicolons or tabs; its first row reads: {line}").format(
        file=path, line=shown))
