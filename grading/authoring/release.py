"""Turn instructor masters into trainee notebooks (one small transform per function).

- solutions: `# BEGIN SOLUTION` ... `# END SOLUTION` blocks and lines ending in
  `# SOLUTION` become `...` (never `raise NotImplementedError`: Run All must
  always reach the end); a comment line `# STUB: name = ...` (inert in the
  master) becomes the line `name = ...` the trainee fills in;
- cells tagged `instructor` are dropped;
- outputs, execution counts and saved widget state are cleared;
- cells tagged `check` are locked (not editable, not deletable);
- lesson pages lose their `## Instructor notes` section.
"""
from __future__ import annotations

import platform
import re
from pathlib import Path

from ..core.i18n import DEFAULT, LANG_FILE, _, normalise, use

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
BEGIN, END, LINE, STUB = "# BEGIN SOLUTION", "# END SOLUTION", "# SOLUTION", "# STUB:"
_ASSIGN = re.compile(r"^(\s*)([A-Za-z_][\w.\[\]'\", ]*?)\s*(?<![=!<>])=(?!=)")


class ReleaseError(ValueError):
    """A master that cannot be released (unbalanced markers, broken stub)."""


def strip_solution_code(source: str, where: str = "cell") -> str:
    """The trainee version of one code cell's source."""
    out, in_block, indent = [], False, ""
    for number, line in enumerate(source.splitlines(), 1):
        text = line.strip()
        if text == BEGIN:
            if in_block:
                raise ReleaseError(f"{where}, line {number}: BEGIN SOLUTION inside another solution block")
            in_block, indent = True, line[: len(line) - len(line.lstrip())]
            out.append(indent + "...")
        elif text == END:
            if not in_block:
                raise ReleaseError(f"{where}, line {number}: END SOLUTION without BEGIN SOLUTION")
            in_block = False
        elif in_block:
            continue
        elif text.startswith(STUB):
            out.append(line[: len(line) - len(line.lstrip())] + text[len(STUB):].strip())
        elif line.rstrip().endswith(LINE):
            code = line.rstrip()[: -len(LINE)].rstrip()
            match = _ASSIGN.match(code)
            out.append(f"{match.group(1)}{match.group(2).strip()} = ..." if match
                       else code[: len(code) - len(code.lstrip())] + "...")
        else:
            out.append(line)
    if in_block:
        raise ReleaseError(f"{where}: BEGIN SOLUTION is never closed by END SOLUTION")
    others = [l for l in out if l.strip() and not l.lstrip().startswith("#") and l != "..."]
    if others:  # a top-level `...` placeholder is only needed when nothing else is left
        out = [l for l in out if l != "..."]
    result = "\n".join(out)
    try:
        compile(result, where, "exec")
    except SyntaxError as exc:
        raise ReleaseError(f"{where}: the trainee version does not parse ({exc.msg}, line {exc.lineno}). "
                           "Use a BEGIN/END SOLUTION block for multi-line answers.") from None
    return result


def has_solution(source: str) -> bool:
    return BEGIN in source or any(l.rstrip().endswith(LINE) or l.strip().startswith(STUB)
                                  for l in source.splitlines())


def _tags(cell) -> list:
    return cell.get("metadata", {}).get("tags", [])


def drop_instructor_cells(nb) -> None:
    nb.cells = [c for c in nb.cells if "instructor" not in _tags(c)]


def clear_solutions(nb, name: str = "notebook") -> None:
    for i, cell in enumerate(nb.cells, 1):
        if cell.cell_type == "code" and has_solution(cell.source):
            cell.source = strip_solution_code(cell.source, f"{name}, cell {i}")
        elif cell.cell_type != "code" and (BEGIN in cell.source or END in cell.source):
            raise ReleaseError(f"{name}, cell {i}: solution markers in a {cell.cell_type} cell; "
                               "tag the cell 'instructor' instead")


def clear_outputs(nb) -> None:
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.get("metadata", {}).pop("execution", None)
    nb.metadata.pop("widgets", None)


def lock_check_cells(nb) -> None:
    for cell in nb.cells:
        if "check" in _tags(cell):
            cell.metadata["editable"] = False
            cell.metadata["deletable"] = False


def release_notebook(master, name: str = "notebook", translate=None, lang: str = "en"):
    """A new trainee notebook from a master (the master is not changed).

    `translate(nb)` puts the cells in `lang` first, while they still match the master's
    English text that the translations are keyed on.
    """
    import copy
    nb = copy.deepcopy(master)
    if translate is not None:
        translate(nb)
    drop_instructor_cells(nb)
    clear_solutions(nb, name)
    clear_outputs(nb)
    lock_check_cells(nb)
    # What JupyterLab writes back on opening: a release that already says so opens clean.
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.setdefault("language_info", {})["version"] = platform.python_version()
    nb.metadata["grading"] = {"release": "trainee", "notebook": name}
    if lang != "en":  # the grader writes each trainee's feedback in their notebook's language
        nb.metadata["grading"]["lang"] = lang
    return nb


def release_lesson(text: str) -> str:
    """A lesson page as a trainee reads it: a title and a link to its notebook instead of the
    YAML front matter, and without the instructor notes (from that heading to the next `## `)."""
    text = re.sub(r"(?ms)^## (Instructor notes\b|教师备注).*?(?=^## |\Z)", "", text).rstrip() + "\n"
    front = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not front:
        return text
    import yaml
    meta = yaml.safe_load(front.group(1)) or {}
    notebook = Path(str(meta.get("notebook", ""))).name
    lines = [f"# {meta.get('title', '')}", ""]
    if notebook:
        lines.append(_("Notebook: [{name}](../{name}) · about {minutes} minutes ({teaching} reading, "
                       "{exercises} exercises)").format(name=notebook, minutes=int(meta.get("teaching", 0))
                                                        + int(meta.get("exercises", 0)),
                                                        teaching=meta.get("teaching", 0),
                                                        exercises=meta.get("exercises", 0)))
    return "\n".join(lines) + "\n" + text[front.end():]


def masters(notebooks_dir: Path) -> list[Path]:
    return sorted(p for p in notebooks_dir.glob("[0-9][0-9]-*.ipynb"))


def release_course(course: Path, out: Path, lang: str = "en") -> list[Path]:
    """Write every trainee notebook and lesson page, in `lang`, into `out`; returns the notebooks."""
    import nbformat
    lang = normalise(lang)
    out.mkdir(parents=True, exist_ok=True)
    (out / "lessons").mkdir(exist_ok=True)
    written = []
    for path in masters(course / "notebooks"):
        nb = release_notebook(nbformat.read(path, as_version=4), path.stem, lang=lang,
                              translate=lambda nb, stem=path.stem: translate_notebook(nb, stem, course, lang))
        target = out / path.name
        nbformat.write(nb, target)
        written.append(target)
    # SOURCES.md travels with the lessons: lessons and notebooks link to it.
    pages = [*sorted((course / "lessons").glob("[0-9][0-9]-*.md")), course / "lessons" / "SOURCES.md"]
    for page in (p for p in pages if p.exists()):
        with use(lang):
            trainee_page = release_lesson(lesson_text(page, lang))
        (out / "lessons" / page.name).write_text(trainee_page, encoding="utf-8")
    (out / LANG_FILE).write_text(lang + "\n", encoding="utf-8")  # the kernel reads it: check() speaks `lang`
    return written


# -- the course in another language (catalogues: see authoring/translations.py) ----------

LESSON_STAMP = re.compile(r"\A<!-- source sha256: ([0-9a-f]{16}) -->\n")


def cell_context(cell) -> str:
    """A notebook cell's key in its catalogue: 'markdown:<cell id>' or 'code:<cell id>'."""
    return f"{cell.cell_type}:{cell.get('id')}"


def read_catalogue(path: Path, lang: str):
    from babel.messages import Catalog
    from babel.messages.pofile import read_po
    if not path.exists():
        return Catalog(locale=lang.replace("-", "_"))
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang.replace("-", "_"))


def translated_lesson(english: Path, lang: str) -> Path:
    return english.parent / lang / english.name


def translate_notebook(nb, notebook: str, course: Path, lang: str) -> None:
    """Replace each translated cell's source (in place); untranslated cells stay English."""
    if lang == DEFAULT:
        return
    catalog = read_catalogue(course / "notebooks" / lang / f"{notebook}.po", lang)
    for cell in nb.cells:
        m = catalog.get(cell.source, cell_context(cell))
        if m is not None and m.string and not m.fuzzy:
            cell.source = m.string


def lesson_text(english: Path, lang: str) -> str:
    """A lesson page in `lang` (its source stamp removed), or the English page."""
    target = translated_lesson(english, lang)
    if lang == DEFAULT or not target.exists():
        return english.read_text(encoding="utf-8")
    return LESSON_STAMP.sub("", target.read_text(encoding="utf-8"), count=1)
