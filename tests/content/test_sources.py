"""Can a trainee follow every source the course cites?

- Trainee-facing text never says "seed": the word means nothing to a trainee. Sources are cited by
  their short names with a link into `lessons/SOURCES.md`.
- Every `SOURCES.md#anchor` link resolves, the five source documents have their anchors, and every
  published reference in a lesson's `## References` is in SOURCES.md's list of published research.
"""
import io
import re
import tokenize
from pathlib import Path

import nbformat
import pytest
import yaml

from grading.authoring.release import release_lesson, release_notebook

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]-*.md"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
KEYS = sorted((ROOT / "grading" / "keys").glob("*.yml"))
SOURCES = ROOT / "lessons" / "SOURCES.md"
SOURCE_ANCHORS = ["topic-list", "donghe-plan", "new-market-talk", "course-slides", "crm-slides"]

SEED = re.compile(r"\bseeds?\b", re.I)
LINK = re.compile(r"SOURCES\.md#([A-Za-z0-9_-]+)")
TRAINEE_HIDDEN_KEYS = {"hidden", "rubric"}  # graded by the instructor only; never shown to trainees


def _objectives(text):
    """The bullets under `## Objectives` (shared word for word with the notebooks' openings)."""
    m = re.search(r"^## Objectives\n(.*?)(?=^## )", text, re.S | re.M)
    return [re.sub(r"\s+", " ", b).strip() for b in re.findall(r"^- (.+)$", m.group(1), re.M)] if m else []


OBJECTIVES = [o for p in LESSONS for o in _objectives(p.read_text(encoding="utf-8"))]


def _without_objectives(text):
    """Text with the lessons' objective bullets taken out.

    The objectives are locked: `test_lessons.py` checks that each notebook's opening repeats them
    verbatim, so they can only change in the lesson and the notebook together. Whether they say
    "seed" is tested once, in `test_objectives_do_not_say_seed`, instead of in every file that
    repeats them.
    """
    flat = re.sub(r"\s+", " ", text).replace("`", "")
    for objective in OBJECTIVES:
        flat = flat.replace(objective.replace("`", ""), "")
    return flat


def _hits(text, where):
    return [f"{where}: ...{text[max(0, m.start() - 50):m.end() + 30]}..." for m in SEED.finditer(text)]


# --------------------------------------------------------------------------- no "seed" for trainees
@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_released_lessons_do_not_say_seed(path):
    trainee = _without_objectives(release_lesson(path.read_text(encoding="utf-8")))
    hits = _hits(trainee, path.name)
    assert not hits, "trainee text says 'seed'; cite the source by name with a SOURCES.md link:\n" + "\n".join(hits)


def _comments(source):
    """The comments of a code cell (identifiers such as np.random.seed are code, not text)."""
    try:
        return "\n".join(tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                         if tok.type == tokenize.COMMENT)
    except (tokenize.TokenError, SyntaxError):  # IPython syntax: fall back to "from # to end of line"
        return "\n".join(line.split("#", 1)[1] for line in source.splitlines() if "#" in line)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_released_notebooks_do_not_say_seed(path):
    nb = release_notebook(nbformat.read(path, as_version=4), path.stem)
    hits = []
    for i, cell in enumerate(nb.cells):
        text = cell.source if cell.cell_type == "markdown" else _comments(cell.source) if cell.cell_type == "code" else ""
        hits += _hits(_without_objectives(text), f"{path.name}, cell {i} ({cell.cell_type})")
    assert not hits, "trainee text says 'seed':\n" + "\n".join(hits)


def _trainee_strings(node, path=()):
    """Every string value in a key file, except under the instructor-only keys."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k not in TRAINEE_HIDDEN_KEYS:
                yield from _trainee_strings(v, path + (str(k),))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _trainee_strings(v, path + (str(i),))
    elif isinstance(node, str):
        yield "/".join(path), node


@pytest.mark.parametrize("path", KEYS, ids=[p.stem for p in KEYS])
def test_answer_keys_do_not_say_seed_to_trainees(path):
    key = yaml.safe_load(path.read_text(encoding="utf-8"))
    hits = []
    for where, text in _trainee_strings(key):
        hits += _hits(_without_objectives(text), f"{path.name} {where}")
    assert not hits, "trainee-visible key text says 'seed':\n" + "\n".join(hits)


def test_objectives_do_not_say_seed():
    hits = [o for o in OBJECTIVES if SEED.search(o)]
    assert not hits, f"objectives that say 'seed': {hits}"


# --------------------------------------------------------------------------- links and references
def _anchors():
    return set(re.findall(r"""<a\s+id=["']([^"']+)["']""", SOURCES.read_text(encoding="utf-8")))


def test_sources_page_defines_the_five_source_anchors():
    assert SOURCES.is_file(), "lessons/SOURCES.md is missing"
    missing = [a for a in SOURCE_ANCHORS + ["published-research"] if a not in _anchors()]
    assert not missing, f"SOURCES.md lacks the anchors {missing}"


def _linking_texts():
    for p in sorted((ROOT / "lessons").glob("*.md")):
        yield p.relative_to(ROOT), p.read_text(encoding="utf-8")
    for p in sorted((ROOT / "datasets").glob("*/*.md")):
        yield p.relative_to(ROOT), p.read_text(encoding="utf-8")
    for p in NOTEBOOKS:
        nb = nbformat.read(p, as_version=4)
        yield p.relative_to(ROOT), "\n".join(c.source for c in nb.cells)
    for p in KEYS:
        yield p.relative_to(ROOT), p.read_text(encoding="utf-8")


def test_every_sources_link_resolves():
    anchors = _anchors()
    broken = [f"{where}: #{a}" for where, text in _linking_texts() for a in LINK.findall(text) if a not in anchors]
    assert not broken, "links to anchors SOURCES.md does not define:\n" + "\n".join(broken)


def _section(text, title):
    m = re.search(rf"^##+ {re.escape(title)}[^\n]*\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    return m.group(1) if m else ""


def _references(section):
    """(first author's surname, year) of each published reference (one bullet each) in a section."""
    refs = []
    for bullet in re.split(r"\n(?=- )", section.strip()):
        bullet = re.sub(r"\s+", " ", bullet.lstrip("- ")).strip()
        year = re.search(r"\((?:[^()]*?)\b(1[89]\d\d|20\d\d)\b", bullet)
        if not bullet or "SOURCES.md" in bullet or not year:
            continue  # a course source document (linked) or a dataset note: not published research
        author = re.split(r"[,(]", bullet, maxsplit=1)[0].strip()
        refs.append((author.lower(), year.group(1), bullet[:80]))
    return refs


def test_every_cited_reference_is_in_the_published_research_list():
    listed = {(a, y) for a, y, _ in _references(_section(SOURCES.read_text(encoding="utf-8"), "Published research"))}
    assert listed, "SOURCES.md has no '## Published research' list"
    missing = []
    for path in LESSONS:
        for author, year, text in _references(_section(path.read_text(encoding="utf-8"), "References")):
            if (author, year) not in listed:
                missing.append(f"{path.name}: {text}")
    assert not missing, "references missing from SOURCES.md's published research:\n" + "\n".join(missing)


@pytest.mark.parametrize("path", [p for p in LESSONS], ids=[p.stem for p in LESSONS])
def test_lesson_cites_its_sources_by_link(path):
    """A lesson that draws on a source document links to its SOURCES.md entry."""
    body = release_lesson(path.read_text(encoding="utf-8"))
    assert LINK.search(body), f"{path.name} cites no source document with a SOURCES.md link"
