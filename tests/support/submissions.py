"""Generated submissions for the grader's tests and benchmark.

Built from a notebook's master and key, so they work for any module:
`correct` (the master + right widget answers), `partial` (every other answer
left as the stub, widget answers half right), `empty` (the trainee release, no
answers file), and helpers for bad and tampered submissions.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import nbformat

from . import ROOT

REFLECTION = ("I once waited three weeks for a replacement router from my internet provider. I phoned twice and "
              "wrote an email; each time a different agent asked me to explain the problem again and nobody "
              "called back. In the end I cancelled the contract and told friends about it. It fits staff "
              "indifference more than the product: the router was fine once it came, but nobody owned my "
              "complaint, so the company lost a customer who had complained and could have been kept.")


def key(notebook: str, keys_dir: Path | None = None) -> dict:
    import yaml
    folder = keys_dir or ROOT / "grading" / "keys"
    return yaml.safe_load((folder / f"{notebook}.yml").read_text(encoding="utf-8"))


def master(notebook: str):
    return nbformat.read(ROOT / "notebooks" / f"{notebook}.ipynb", as_version=4)


def release(notebook: str):
    from grading.authoring.release import release_notebook
    return release_notebook(master(notebook), notebook)


def widget_value(spec: dict, right: bool = True):
    """A plain Python answer for a widget exercise: right, or wrong (reflections use REFLECTION)."""
    from grading.core.widget_models import right_answer, wrong_answer
    return right_answer(spec, REFLECTION) if right else wrong_answer(spec)


def answers_file(notebook: str, spec_values: dict, fake_status: str | None = None) -> dict:
    """An answers file as the widgets write it: {id: (spec, plain value)}."""
    from grading.core.canon import to_data
    exercises = {}
    for eid, (spec, value) in spec_values.items():
        exercises[eid] = {"kind": spec["kind"], "value": to_data(value), "status": fake_status or "saved",
                          "score": spec["points"] if fake_status == "correct" else 0, "points": spec["points"],
                          "attempts": 1, "saved_at": "2025-01-01T00:00:00"}
    return {"format": 1, "notebook": notebook, "exercises": exercises}


def widget_answers(notebook: str, right=True, keys_dir: Path | None = None, every_other: bool = False) -> dict:
    specs = [s for s in key(notebook, keys_dir)["exercises"] if s["kind"] != "code"]
    values = {}
    for i, spec in enumerate(specs):
        ok = right if not every_other else (i % 2 == 0)
        values[spec["id"]] = (spec, widget_value(spec, ok))
    return answers_file(notebook, values)


def partial_notebook(notebook: str):
    """The master with every other answer cell back to the trainee's stub."""
    from grading.authoring.release import has_solution, strip_solution_code
    nb = copy.deepcopy(master(notebook))
    n = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and "answer" in cell.metadata.get("tags", []) and has_solution(cell.source):
            if n % 2 == 1:
                cell.source = strip_solution_code(cell.source)
            n += 1
    return nb


def write(folder: Path, trainee: str, notebook: str, nb=None, answers=None, raw: str | None = None,
          raw_answers: str | None = None) -> Path:
    """Write one trainee's files into folder/trainee/."""
    where = folder / trainee
    where.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        (where / f"{notebook}.ipynb").write_text(raw, encoding="utf-8")
    elif nb is not None:
        nbformat.write(nb, where / f"{notebook}.ipynb")
    if raw_answers is not None:
        (where / f"{notebook}.answers.json").write_text(raw_answers, encoding="utf-8")
    elif answers is not None:
        (where / f"{notebook}.answers.json").write_text(json.dumps(answers, indent=1), encoding="utf-8")
    return where


def code_notebook(*sources: str):
    """A tiny notebook of code cells (for the slow bad cases)."""
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources],
                                    metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"}})


def class_folder(folder: Path, notebook: str, n: int) -> Path:
    """n trainees cycling through correct / partial / empty work (benchmark and demos)."""
    kinds = ["correct", "partial", "empty"]
    for i in range(n):
        kind = kinds[i % 3]
        name = f"trainee{i + 1:03d}"
        if kind == "correct":
            write(folder, name, notebook, master(notebook), widget_answers(notebook))
        elif kind == "partial":
            write(folder, name, notebook, partial_notebook(notebook), widget_answers(notebook, every_other=True))
        else:
            write(folder, name, notebook, release(notebook))
    return folder
