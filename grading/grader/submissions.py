"""Find the submissions in a folder and read them defensively.

Two layouts are accepted, also mixed:

    submissions/alice/00-start-here.ipynb             one folder per trainee
    submissions/alice/00-start-here.answers.json
    submissions/bob__00-start-here.ipynb              flat: <trainee>__<notebook>
    submissions/bob__00-start-here.answers.json

Nothing here raises on a bad file: every problem becomes a note for the
gradebook and the trainee's feedback.
"""
from __future__ import annotations

import json
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from ..core.i18n import _

SEP = "__"
MAX_FILES = 500  # files copied from a trainee folder into the scratch copy


@dataclass
class Submission:
    trainee: str
    notebook: str
    ipynb: Path | None = None
    answers: Path | None = None
    files: list = field(default_factory=list)   # (source path, name in the scratch folder)
    others: list = field(default_factory=list)  # other notebooks in the folder (for "not submitted")


def _visible(path: Path) -> bool:
    return (not path.name.startswith((".", "__pycache__")) and ".ipynb_checkpoints" not in path.parts
            and "__MACOSX" not in path.parts)  # macOS's resource copies in an unpacked zip


def _own(rel: str, notebook: str) -> bool:
    """Whether the run of `notebook` gets this file of the trainee's folder: everything but the
    other notebooks and their answers files (so a change to one notebook runs only that one again)."""
    low = rel.lower()
    if low.endswith((".ipynb", ".answers.json")):
        return low in (f"{notebook}.ipynb".lower(), f"{notebook}.answers.json".lower())
    return True


def discover(root: Path, notebooks: list[str]) -> dict[str, dict[str, Submission]]:
    """trainee -> notebook -> Submission, for every trainee found (a notebook may be absent)."""
    found: dict[str, dict[str, Submission]] = {}

    def sub(trainee: str, notebook: str) -> Submission:
        return found.setdefault(trainee, {}).setdefault(notebook, Submission(trainee, notebook))

    for entry in sorted(root.iterdir()):
        if not _visible(entry):
            continue
        if entry.is_dir():
            files = sorted(p for p in entry.rglob("*") if p.is_file() and _visible(p.relative_to(entry)))
            found.setdefault(entry.name, {})
            lower = {p.relative_to(entry).as_posix().lower(): p for p in files}
            for nb in notebooks:
                s = sub(entry.name, nb)
                s.ipynb = lower.get(f"{nb}.ipynb".lower())
                s.answers = lower.get(f"{nb}.answers.json".lower())
                s.files = [(p, rel) for p, rel in ((p, p.relative_to(entry).as_posix()) for p in files[:MAX_FILES])
                           if _own(rel, nb)]
                if s.ipynb is not None and s.ipynb.name != f"{nb}.ipynb":  # e.g. 00-Start-Here.ipynb
                    s.files.append((s.ipynb, f"{nb}.ipynb"))
                s.others = [p.name for p in files if p.suffix == ".ipynb"  # e.g. a renamed copy
                            and p.name.lower() not in {f"{n}.ipynb".lower() for n in notebooks}]
        elif entry.is_file() and SEP in entry.name:
            trainee, _sep, rest = entry.name.partition(SEP)
            for nb in notebooks:
                if rest == f"{nb}.ipynb":
                    sub(trainee, nb).ipynb = entry
                elif rest == f"{nb}.answers.json":
                    sub(trainee, nb).answers = entry
            found.setdefault(trainee, {})
    for trainee, subs in found.items():
        for nb in notebooks:
            s = sub(trainee, nb)
            if not s.files:  # flat layout: copy the two files under their plain names
                s.files = [(p, name) for p, name in ((s.ipynb, f"{nb}.ipynb"),
                                                     (s.answers, f"{nb}.answers.json")) if p]
    return found


def notebooks_in(root: Path) -> set[str]:
    """Notebook names (NN-slug) that appear anywhere in a submissions folder."""
    names = set()
    for path in [*root.rglob("*.ipynb"), *root.rglob("*.answers.json")]:  # a widget-only module: answers alone
        if _visible(path.relative_to(root)):
            stem = path.name.removesuffix(".ipynb").removesuffix(".answers.json")
            stem = stem.partition(SEP)[2] if SEP in stem else stem
            if re.match(r"^\d\d-", stem):
                names.add(stem)
    return names


def _where(exc: ValueError) -> str:
    line = getattr(exc, "lineno", None)
    return _(" (line {line}, column {column})").format(line=line, column=getattr(exc, "colno", "?")) if line else ""


# -- bounded, defensive reading ---------------------------------------------------------------
# Every input file is read with a size and a nesting limit; a file over a limit, binary data,
# text in the wrong encoding or JSON of the wrong shape becomes a note on that trainee's row,
# never an exception that stops the class (documented in GRADING.md, "Limits on input files").

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024   # a notebook with plots is rarely over 5 MB
MAX_ANSWERS_BYTES = 1024 * 1024         # an answers file holds short widget values (a few KB)
MAX_DEPTH = 64                          # JSON nesting; real notebooks and answers files stay under 20
MAX_CELLS = 2000                        # cells in a notebook; a course notebook has about 100

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def json_depth(text: str) -> int:
    """How deeply the arrays and objects of a JSON text nest (brackets inside strings do not count),
    measured without parsing, so a file nested a million deep is never handed to the parser."""
    from itertools import accumulate
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


@dataclass
class Read:
    """A JSON input file as read: the data, or why it could not be used (`problem`: too-large,
    binary, too-deep, invalid, unreadable), and what was odd but survivable (`encoding`)."""
    data: object = None
    problem: str | None = None
    detail: dict = field(default_factory=dict)
    encoding: str | None = None      # "utf-16", "utf-32", or "not-utf-8" (bad bytes replaced)


def read_json(path: Path, max_bytes: int, max_depth: int = MAX_DEPTH) -> Read:
    """Read a JSON file within limits; never raises."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
            size = len(raw)
            if size > max_bytes:
                try:
                    size = max(size, os.fstat(fh.fileno()).st_size)
                except OSError:
                    pass
    except OSError as exc:
        return Read(problem="unreadable", detail={"reason": exc.strerror or type(exc).__name__})
    if size > max_bytes:
        return Read(problem="too-large", detail={"size": size_text(size), "limit": size_text(max_bytes)})
    encoding = None
    detected = json.detect_encoding(raw) if raw else "utf-8"
    if detected.startswith(("utf-16", "utf-32")):
        try:
            text = raw.decode(detected)
            encoding = detected[:6]
        except UnicodeDecodeError:
            return Read(problem="binary")
    elif b"\x00" in raw:
        return Read(problem="binary")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            text = raw.decode("utf-8-sig", errors="replace")
            if text.count("\ufffd") > max(8, len(text) // 10):
                return Read(problem="binary")
            encoding = "not-utf-8"
            detail = {"position": exc.start}
            return _parse(text, max_depth, encoding, detail)
    return _parse(text, max_depth, encoding, {})


def _parse(text: str, max_depth: int, encoding: str | None, detail: dict) -> Read:
    depth = json_depth(text)
    if depth > max_depth:
        return Read(problem="too-deep", detail={**detail, "depth": depth, "limit": max_depth}, encoding=encoding)
    try:
        return Read(data=json.loads(text), detail=detail, encoding=encoding)
    except RecursionError:  # not reached within the limit; kept as a last line of defence
        return Read(problem="too-deep", detail={**detail, "depth": depth, "limit": max_depth}, encoding=encoding)
    except ValueError as exc:
        return Read(problem="invalid", detail={**detail, "where": _where(exc)}, encoding=encoding)


def _notebook_problem(read: Read) -> str:
    d = read.detail
    if read.problem == "too-large":
        return _("the notebook file is too large ({size}; the limit is {limit}); it could not be run").format(**d)
    if read.problem == "binary":
        return _("the notebook file is not a text file (binary data: a zip, an image, a document?); "
                 "it could not be run")
    if read.problem == "too-deep":
        return _("the notebook file nests its data too deeply ({depth} levels; the limit is {limit}); "
                 "it could not be run").format(**d)
    if read.problem == "invalid":
        return _("the notebook file is not valid JSON{where}; it could not be run").format(where=d["where"])
    return _("the notebook file could not be read ({reason})").format(reason=d.get("reason", "?"))


def _answers_problem(read: Read) -> str:
    d = read.detail
    if read.problem == "too-large":
        return _("the answers file is too large ({size}; the limit is {limit}): widget exercises count as "
                 "not answered").format(**d)
    if read.problem == "binary":
        return _("the answers file is not a text file (binary data): widget exercises count as not answered")
    if read.problem == "too-deep":
        return _("the answers file nests its data too deeply ({depth} levels; the limit is {limit}): "
                 "widget exercises count as not answered").format(**d)
    if read.problem == "invalid":
        return _("the answers file is not valid JSON{where}: widget exercises count as "
                 "not answered").format(where=d["where"])
    return _("the answers file could not be read ({reason})").format(reason=d.get("reason", "?"))


def _encoding_note(read: Read, notebook: bool) -> list[str]:
    if read.encoding in ("utf-16", "utf-32"):
        return [(_("the notebook file was saved as {encoding}, not UTF-8; it was read anyway") if notebook else
                 _("the answers file was saved as {encoding}, not UTF-8; it was read anyway"))
                .format(encoding=read.encoding.upper())]
    if read.encoding == "not-utf-8":
        return [(_("the notebook file is not valid UTF-8 text (first bad byte at position {position}); "
                   "the characters that could not be read were replaced with \ufffd") if notebook else
                 _("the answers file is not valid UTF-8 text (first bad byte at position {position}); "
                   "the characters that could not be read were replaced with \ufffd"))
                .format(position=read.detail.get("position", "?"))]
    return []


_CELL_TYPES = ("code", "markdown", "raw")


def _well_formed(raw: dict) -> str | None:
    """Why a parsed notebook cannot be run (its cells are not a list of cells), or None."""
    cells = raw.get("cells") if "cells" in raw else None
    if "cells" in raw and not isinstance(cells, list):
        return _("the notebook file is JSON but its cells are not a list; it could not be run")
    if isinstance(cells, list) and len(cells) > MAX_CELLS:
        return _("the notebook has {count} cells (the limit is {limit}); it could not be run").format(
            count=len(cells), limit=MAX_CELLS)
    return None


def _tidy_cells(raw: dict) -> None:
    """Hand-edited files: drop what is not a cell, and make every cell well formed enough to run."""
    if not isinstance(raw.get("cells"), list):
        return
    cells = []
    for cell in raw["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") not in _CELL_TYPES:
            continue
        src = cell.get("source", "")
        if not isinstance(src, str):
            cell["source"] = "".join(str(s) for s in src) if isinstance(src, list) else str(src or "")
        if not isinstance(cell.get("metadata"), dict):
            cell["metadata"] = {}
        if cell["cell_type"] == "code":
            if not isinstance(cell.get("outputs"), list):
                cell["outputs"] = []
            if not isinstance(cell.get("execution_count"), (int, type(None))) or isinstance(
                    cell.get("execution_count"), bool):
                cell["execution_count"] = None
        cells.append(cell)
    raw["cells"] = cells
    if not isinstance(raw.get("metadata"), dict):
        raw["metadata"] = {}


def read_notebook(path: Path | None):
    """(notebook as nbformat v4 or None, notes)."""
    if path is None:
        return None, [_("notebook not submitted")]
    import nbformat
    read = read_json(path, MAX_NOTEBOOK_BYTES)
    if read.problem:
        return None, [_notebook_problem(read)]
    raw = read.data
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        return None, [_("the notebook file is JSON but not a notebook; it could not be run")]
    problem = _well_formed(raw)
    if problem:
        return None, [problem]
    notes = _encoding_note(read, notebook=True)
    major = raw.get("nbformat")
    _tidy_cells(raw)
    try:
        with warnings.catch_warnings():  # e.g. cells without ids in a hand-edited file: nothing to report
            warnings.simplefilter("ignore")
            nb = nbformat.reads(json.dumps(raw), as_version=4)
        if len(nb.cells) > MAX_CELLS:  # an old-format notebook converted
            return None, [_("the notebook has {count} cells (the limit is {limit}); it could not be run").format(
                count=len(nb.cells), limit=MAX_CELLS)]
        for cell in nb.cells:  # old formats, converted: the same tidying
            if not isinstance(cell.get("source", ""), str):
                src = cell.get("source")
                cell["source"] = "".join(str(s) for s in src) if isinstance(src, list) else str(src or "")
            cell.setdefault("metadata", {})
            cell.setdefault("cell_type", "raw")
    except Exception as exc:
        return None, [_("the notebook could not be read as a notebook ({error}); it could not be run")
                      .format(error=type(exc).__name__)]
    if isinstance(major, int) and not isinstance(major, bool) and major < 4:
        notes.append(_("the notebook was in the old format {version}; it was converted to format 4 to run it")
                     .format(version=major))
    return nb, notes


def read_answers(path: Path | None, notebook: str):
    """(exercise id -> saved record, or None when there is nothing usable; notes)."""
    if path is None:
        return None, [_("no answers file ({file}) was submitted: widget exercises count as not answered")
                      .format(file=f"{notebook}.answers.json")]
    read = read_json(path, MAX_ANSWERS_BYTES)
    if read.problem:
        return None, [_answers_problem(read)]
    data = read.data
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        return None, [_("the answers file does not have the expected layout: widget exercises count as "
                        "not answered")]
    notes = _encoding_note(read, notebook=False)
    said = data.get("notebook")
    if said not in (None, notebook):
        shown = repr(said) if isinstance(said, str) else type(said).__name__
        notes.append(_("the answers file says it belongs to {notebook}").format(
            notebook=shown if len(shown) <= 60 else shown[:57] + "..."))
    return {str(k): v for k, v in data["exercises"].items() if isinstance(v, dict)}, notes


def assigns(var: str) -> re.Pattern:
    """Matches a line that assigns `var` (or an item of it): where a cell computes an answer."""
    return re.compile(rf"^\s*{re.escape(var)}\s*(?:\[.*\])?\s*=(?!=)", re.M)


_CALL = re.compile(r"""\b(check|show)\(\s*["']([^"']+)["']""")


def structure_notes(nb, key: dict, reference=None) -> list[str]:
    """Deleted or re-ordered exercise cells, compared with the trainee release of the master."""
    def sequence(notebook) -> list[str]:
        seen = []
        for cell in notebook.cells:
            if cell.cell_type == "code":
                for _call, eid in _CALL.findall(cell.source):
                    if eid not in seen:
                        seen.append(eid)
        return seen

    notes = []
    if reference is not None:  # without the released notebook there is nothing to compare with
        ids = [ex["id"] for ex in key["exercises"]]
        want = [i for i in sequence(reference) if i in ids]
        got = [i for i in sequence(nb) if i in ids]
        notes += [_("the cell with check/show for {exercise} is missing (deleted?)").format(exercise=i)
                  for i in want if i not in got]
        common = [i for i in got if i in want]
        if common != [i for i in want if i in common]:
            notes.append(_("exercise cells are not in their original order (re-ordered?)"))
    for ex in key["exercises"]:
        if ex["kind"] != "code":
            continue
        assign = assigns(ex["answer"])
        first_answer = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                             and assign.search(c.source)), None)
        first_check = next((i for i, c in enumerate(nb.cells) if c.cell_type == "code"
                            and re.search(rf"""check\(\s*["']{re.escape(ex['id'])}["']""", c.source)), None)
        if first_answer is not None and first_check is not None and first_check < first_answer:
            notes.append(_("the check cell of {exercise} comes before its answer cell (re-ordered?)")
                         .format(exercise=ex["id"]))
    return notes
