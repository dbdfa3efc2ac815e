"""Every master against its trainee release: no leaks, Run All reaches the end, keys agree.

(nbval, configured in pyproject.toml, separately re-runs each master and compares
its stored outputs, so every check on a master must still say Correct.)
"""
import re
import tempfile
from pathlib import Path

import nbformat
import pytest

from grading.core import keys as _keys
from grading.authoring.record_keys import execute
from grading.authoring.release import BEGIN, END, LINE, masters, release_notebook

ROOT = Path(__file__).resolve().parents[2]
MASTERS = masters(ROOT / "notebooks")
IDS = [p.stem for p in MASTERS]


def read(path):
    return nbformat.read(path, as_version=4)


def solution_lines(master) -> set[str]:
    """The substantial lines a trainee must not see."""
    lines = set()
    for cell in master.cells:
        if cell.cell_type != "code":
            continue
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text == BEGIN:
                inside = True
            elif text == END:
                inside = False
            elif inside and len(text) > 12 and not text.startswith("#"):
                lines.add(text)
            elif text.endswith(LINE):
                rhs = text[: -len(LINE)].split("=", 1)[-1].strip()
                if len(rhs) > 6 and not rhs.isidentifier():
                    lines.add(rhs)
    return lines


def outputs_text(cell) -> str:
    parts = []
    for out in cell.get("outputs", []):
        parts.append(out.get("text", ""))
        parts.extend(str(v) for k, v in out.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def tagged(nb, tag):
    return [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_no_solution_leaks_into_the_trainee_notebook(path):
    master = read(path)
    trainee_text = nbformat.writes(release_notebook(master, path.stem))
    leaks = [line for line in solution_lines(master) if line in trainee_text]
    assert not leaks, f"solution text in the trainee {path.name}: {leaks[:3]}"
    assert "SOLUTION" not in trainee_text
    for cell in tagged(master, "instructor"):
        assert cell.source not in trainee_text


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_trainee_notebook_runs_to_the_end_with_nothing_answered(path, tmp_path):
    trainee = release_notebook(read(path), path.stem)
    with tempfile.TemporaryDirectory() as answers:
        execute(trainee, path.parent, timeout=120, env={"GRADING_ANSWERS_DIR": answers})
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(trainee.cells)
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: errors in the trainee run: {errors[:3]}"
    for cell in tagged(trainee, "check"):
        assert "Not answered" in outputs_text(cell), f"{path.name}: {cell.source} says {outputs_text(cell)[:200]}"


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_every_check_on_the_master_is_correct(path):
    master = read(path)
    checks = tagged(master, "check")
    assert checks, f"{path.name} has no check cells"
    for cell in checks:
        assert "✔ Correct" in outputs_text(cell), f"{path.name}: {cell.source} -> {outputs_text(cell)[:300]}"


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_notebook_and_key_agree(path):
    master = read(path)
    key = _keys.notebook_key(path.stem)
    code = "\n".join(c.source for c in master.cells if c.cell_type == "code")
    checked = re.findall(r'check\("([^"]+)"', "\n".join(c.source for c in tagged(master, "check")))
    shown = re.findall(r'show\("([^"]+)"\)', code)
    for ex in key["exercises"]:
        if ex["kind"] == "code":
            assert ex["id"] in checked, f"{ex['id']} has no check cell in {path.name}"
            assert re.search(rf"\b{re.escape(ex['answer'])}\s*=", code), f"{ex['answer']} is never assigned"
        else:
            assert ex["id"] in shown, f"{ex['id']} is never shown in {path.name}"
    assert set(checked) | set(shown) <= {ex["id"] for ex in key["exercises"]}
    for cell in tagged(master, "check"):
        assert re.fullmatch(r'check\("[^"]+", [A-Za-z_]\w*\)', cell.source.strip()), cell.source
    headings = re.findall(r"^### Exercise (\S+)", "\n".join(c.source for c in master.cells if c.cell_type == "markdown"),
                          re.M)
    assert set(headings) <= {ex["id"] for ex in key["exercises"]}, headings
    missing = [ex["id"] for ex in key["exercises"] if ex["id"] not in headings]
    assert not missing, f"{path.name}: exercises without a '### Exercise <id>' heading: {missing}"


@pytest.mark.parametrize("path", [p for p in MASTERS if not p.stem.startswith("00")],
                         ids=[i for i in IDS if not i.startswith("00")])
def test_module_has_the_exercise_mix_modules_md_asks_for(path):
    kinds = [ex["kind"] for ex in _keys.notebook_key(path.stem)["exercises"]]
    assert kinds.count("code") >= 6
    assert len([k for k in kinds if k not in ("code", "reflection")]) >= 2
    assert "reflection" in kinds
    for ex in _keys.notebook_key(path.stem)["exercises"]:
        if ex["kind"] == "code":
            assert ex.get("hints") and ex.get("solution"), f"{ex['id']} needs hints and a worked solution"
