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
import re
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
    return not path.name.startswith((".", "__pycache__")) and ".ipynb_checkpoints" not in path.parts


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
                s.files = [(p, p.relative_to(entry).as_posix()) for p in files[:MAX_FILES]]
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
    for path in root.rglob("*.ipynb"):
        if _visible(path.relative_to(root)):
            stem = path.stem.partition(SEP)[2] if SEP in path.stem else path.stem
            if re.match(r"^\d\d-", stem):
                names.add(stem)
    return names


def _where(exc: ValueError) -> str:
    line = getattr(exc, "lineno", None)
    return _(" (line {line}, column {column})").format(line=line, column=getattr(exc, "colno", "?")) if line else ""


def _read_json(path: Path, invalid: str, unreadable: str):
    """(parsed JSON, None), or (None, a sentence on why the file could not be used).

    `invalid` and `unreadable` are the sentences, with {where} and {reason} to fill in."""
    try:
        return json.loads(path.read_text(encoding="utf-8", errors="replace")), None
    except ValueError as exc:
        return None, invalid.format(where=_where(exc))
    except OSError as exc:
        return None, unreadable.format(reason=exc.strerror)


def read_notebook(path: Path | None):
    """(notebook as nbformat v4 or None, notes)."""
    if path is None:
        return None, [_("notebook not submitted")]
    import nbformat
    raw, problem = _read_json(path, _("the notebook file is not valid JSON{where}; it could not be run"),
                              _("the notebook file could not be read ({reason})"))
    if problem:
        return None, [problem]
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        return None, [_("the notebook file is JSON but not a notebook; it could not be run")]
    notes = []
    major = raw.get("nbformat")
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:
        return None, [_("the notebook could not be read as a notebook ({error}); it could not be run")
                      .format(error=type(exc).__name__)]
    if isinstance(major, int) and major < 4:
        notes.append(_("the notebook was in the old format {version}; it was converted to format 4 to run it")
                     .format(version=major))
    for cell in nb.cells:  # hand-edited files: make every cell well formed enough to run
        if not isinstance(cell.get("source", ""), str):
            src = cell.get("source")
            cell["source"] = "".join(src) if isinstance(src, list) else str(src or "")
        cell.setdefault("metadata", {})
    return nb, notes


def read_answers(path: Path | None, notebook: str):
    """(exercise id -> saved record, or None when there is nothing usable; notes)."""
    if path is None:
        return None, [_("no answers file ({file}) was submitted: widget exercises count as not answered")
                      .format(file=f"{notebook}.answers.json")]
    data, problem = _read_json(path, _("the answers file is not valid JSON{where}: widget exercises count as "
                                       "not answered"),
                               _("the answers file could not be read ({reason})"))
    if problem:
        return None, [problem]
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        return None, [_("the answers file does not have the expected layout: widget exercises count as "
                        "not answered")]
    notes = []
    if data.get("notebook") not in (None, notebook):
        notes.append(_("the answers file says it belongs to {notebook}").format(notebook=repr(data.get("notebook"))))
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
