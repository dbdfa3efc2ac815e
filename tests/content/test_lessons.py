"""Are lesson pages paired with notebooks and shaped as MODULES.md asks?"""
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from grading.authoring.release import release_lesson

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]-*.md"))
MODULES = [p for p in LESSONS if not p.name.startswith("00")]
SECTIONS = ["Questions", "Objectives", "Key points", "Glossary", "References", "Instructor notes"]


def front_matter(text):
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    assert m, "a lesson starts with YAML front matter between --- lines"
    return yaml.safe_load(m.group(1)), text[m.end():]


def test_lessons_and_notebooks_pair_up_by_name():
    notebooks = {p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb")}
    assert {p.stem for p in LESSONS} == notebooks
    for p in LESSONS:
        assert re.fullmatch(r"\d\d-[a-z0-9]+(-[a-z0-9]+)*", p.stem), p.name


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_front_matter_and_sections(path):
    meta, body = front_matter(path.read_text(encoding="utf-8"))
    assert {"title", "teaching", "exercises", "notebook", "datasets"} <= set(meta)
    assert meta["notebook"] == f"notebooks/{path.stem}.ipynb"
    for name in meta["datasets"]:
        assert (ROOT / "datasets" / name).is_dir(), name
    headings = re.findall(r"^## (.+)$", body, re.M)
    positions = [next((i for i, h in enumerate(headings) if h.startswith(s)), None) for s in SECTIONS]
    assert None not in positions, f"missing sections: {[s for s, p in zip(SECTIONS, positions) if p is None]}"
    assert positions == sorted(positions), "sections out of the Carpentries order"
    assert headings[-1] == "Instructor notes", "Instructor notes must be the last section"
    assert any(h.startswith("Case") for h in headings), "a case from the seeds"
    assert re.search(r"[\u4e00-\u9fff]", body), "Chinese key terms beside the English ones"
    assert not re.search(r"\b(TODO|TBD|lorem ipsum|placeholder)\b", body, re.I)


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_module_lessons_are_real_teaching_text(path):
    _, body = front_matter(path.read_text(encoding="utf-8"))
    trainee = release_lesson(body)
    teaching = trainee.split("\n## Key points")[0]
    words = len(re.findall(r"[A-Za-z0-9']+", teaching)) + len(re.findall(r"[\u4e00-\u9fff]", teaching)) // 2
    assert 1500 <= words <= 3600, f"{path.name}: {words} words of teaching text"
    assert "Instructor notes" not in trainee


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_notebook_objectives_are_the_lessons(path):
    _, body = front_matter(path.read_text(encoding="utf-8"))
    objectives = re.search(r"^## Objectives\n(.*?)(?=^## )", body, re.S | re.M).group(1)
    items = [re.sub(r"\s+", " ", i).strip() for i in re.findall(r"^- (.+)$", objectives, re.M)]
    nb = nbformat.read(ROOT / "notebooks" / f"{path.stem}.ipynb", as_version=4)
    intro = re.sub(r"\s+", " ", " ".join(c.source for c in nb.cells[:3] if c.cell_type == "markdown"))
    intro = intro.replace("`", "")
    missing = [i for i in items if i.replace("`", "").rstrip(".") not in intro]
    assert not missing, f"{path.stem}: objectives missing from the notebook's opening: {missing}"


def test_text_diagrams_survive_a_narrow_window():
    """A preformatted block wider than 100 columns wraps into noise in a notebook-width pane."""
    import unicodedata
    pages = sorted((ROOT / "lessons").glob("*.md")) + sorted((ROOT / "lessons").glob("*/*.md"))
    wide = []
    for page in pages:
        for block in re.findall(r"```[^\n]*\n(.*?)```", page.read_text(encoding="utf-8"), re.S):
            width = max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
                        for line in block.split("\n"))
            if width > 100:
                wide.append(f"{page.relative_to(ROOT)}: {width} columns")
    assert not wide, wide
