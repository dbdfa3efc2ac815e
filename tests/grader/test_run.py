"""The batch grader on one generated class: correct, partial, empty, bad and tampered submissions.

One grading run (module fixture) covers every case, so kernels start once per
submission; the tests then read its gradebook, results and feedback.
Tiny synthetic notebooks (key `90-tiny`, copied to a temporary keys folder)
carry the slow bad cases: endless loops, a dying kernel, a memory bomb, a flood
of output.
"""
from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import nbformat
import pytest

from grading.grader import Limits, Options, grade
from tests.support import TINY
from tests.support import submissions as S
from tests.support.tiny import tiny, tiny_answers, tiny_keys

NB = "00-start-here"
NB_POINTS = sum(e["points"] for e in S.key(NB)["exercises"])  # 21 since start.source-check
LIMITS = Limits(cell_timeout=1.5, timeout=5, memory_mb=1024, max_output_kb=256)
TAMPER = '''
import grading, grading.core.canon, grading.core.assess, grading.core.rules, grading.trainee.check
from grading.core.rules import Verdict
_expected = {"start.attitude-share": 0.68}
grading.core.canon.to_data = lambda value: {"kind": "number", "value": 0.68}
grading.core.assess.assess = lambda *a, **k: Verdict("correct", 1.0, "Correct.")
grading.trainee.check.assess = grading.core.assess.assess
grading.core.rules.apply = lambda *a, **k: Verdict("correct", 1.0, "Correct.")
def check(exercise_id, value=...):
    print("✔ Correct [" + exercise_id + "]")
grading.check = check

class Liar(str):
    def __eq__(self, other): return True
    __hash__ = str.__hash__

class Fake(float):
    def __eq__(self, other): return True
    __hash__ = float.__hash__
'''


def _replace(nb, old: str, new: str):
    for cell in nb.cells:
        if old in cell.source:
            cell.source = cell.source.replace(old, new)
    return nb


def build_class(root: Path, keys: Path) -> Path:
    subs = root / "subs"
    right = S.widget_answers(NB)
    S.write(subs, "correct", NB, S.master(NB), right)
    S.write(subs, "partial", NB, S.partial_notebook(NB), S.widget_answers(NB, every_other=True))
    S.write(subs, "empty", NB, S.release(NB))
    # tampering: fake check(), patched engine, lying objects, an answers file that claims "correct"
    nb = S.release(NB)
    nb.cells.insert(3, nbformat.v4.new_code_cell(TAMPER))
    _replace(nb, "attitude_share = ...", 'attitude_share = Fake(0.1)\nprint("✔ Correct [start.attitude-share]")')
    _replace(nb, "shares = ...", 'shares = Liar("everything")')
    fake = S.widget_answers(NB, right=False)
    for ex in fake["exercises"].values():
        ex.update(status="correct", score=ex["points"])
    expected = json.loads((S.ROOT / "grading" / "keys" / f"{NB}.expected.json").read_text())
    for eid, value in expected.items():  # the right code answers, but only in the answers file
        fake["exercises"][eid] = {"kind": "code", "value": value, "status": "correct", "score": 2, "points": 2}
    S.write(subs, "tamper", NB, nb, fake)
    # renamed, deleted and re-ordered cells
    S.write(subs, "renamed", NB, _replace(S.master(NB), "shares = (reasons", "share_list = (reasons"), right)
    nb = S.master(NB)
    nb.cells = [c for c in nb.cells if "attitude_share" not in c.source]
    S.write(subs, "deleted", NB, nb, right)
    nb = S.master(NB)
    i = next(i for i, c in enumerate(nb.cells) if 'check("start.shares"' in c.source)
    nb.cells.insert(i - 1, nb.cells.pop(i))
    S.write(subs, "reordered", NB, nb, right)
    # file-level problems
    (subs / f"flat__{NB}.ipynb").write_text(nbformat.writes(S.master(NB)), encoding="utf-8")
    (subs / f"flat__{NB}.answers.json").write_text(json.dumps(right), encoding="utf-8")
    S.write(subs, "oldformat", NB, raw=nbformat.writes(nbformat.convert(S.master(NB), 3), version=3), answers=right)
    S.write(subs, "badjson", NB, raw='{"cells": [', answers=right)
    S.write(subs, "badanswers", NB, S.master(NB), raw_answers='{"format": 1, "exercises": {')
    (subs / "misnamed").mkdir()
    nbformat.write(S.master(NB), subs / "misnamed" / f"{NB}-Copy1.ipynb")
    # slow bad cases on a tiny notebook
    ta = tiny_answers(keys)
    S.write(subs, "loop", TINY, tiny("while True:\n    pass", "input('your name?')"), ta)
    S.write(subs, "stubborn", TINY, tiny("import time\nwhile True:\n    try:\n        time.sleep(5)\n"
                                         "    except KeyboardInterrupt:\n        pass"), ta)
    S.write(subs, "dies", TINY, tiny("import os\nos._exit(3)"), ta)
    S.write(subs, "membomb", TINY, tiny("hoard = []\nwhile True:\n    hoard.append(bytearray(10**8))  # 100 MB steps: over 1 GB well inside the cell limit"), ta)
    S.write(subs, "flood", TINY, tiny("print('x' * 10_000_000)"), ta)
    # a top-level await runs on the kernel's event loop (sent on its own), and the cells after it still run
    S.write(subs, "awaits", TINY, S.code_notebook("import asyncio\nawait asyncio.sleep(0.01)\nx = 42", "y = 7"), ta)
    return subs


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    keys = tiny_keys(root)
    subs = build_class(root, keys)
    out = root / "out"
    summary = grade(Options(subs, out, [NB, TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    with open(out / "gradebook.csv", encoding="utf-8") as fh:
        book = {row["trainee"]: row for row in csv.DictReader(fh)}
    with open(out / "results.csv", encoding="utf-8") as fh:
        results = {(r["trainee"], r["exercise"]): r for r in csv.DictReader(fh)}
    return {"out": out, "subs": subs, "keys": keys, "book": book, "results": results, "summary": summary}


def total(run, trainee, notebook=NB) -> float:
    return float(run["book"][trainee][f"{notebook} total"])


def result(run, trainee, eid):
    return run["results"][(trainee, eid)]


def notes(run, trainee) -> str:
    return run["book"][trainee]["notes"]


# -- the whole class -------------------------------------------------------------------------

def test_gradebook_columns_are_stable_and_complete(run):
    with open(run["out"] / "gradebook.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    ids = [e["id"] for e in S.key(NB)["exercises"]] + ["tiny.x", "tiny.y", "tiny.pick"]
    assert header == ["trainee", *ids, f"{NB} total", f"{TINY} total", "total", "max", "notes"]
    assert set(run["book"]) >= {"correct", "partial", "empty", "tamper", "flat", "loop"}
    assert all(row["max"] == str(NB_POINTS + 3) for row in run["book"].values())  # the module's points + tiny's 3


def test_no_absolute_paths_or_timestamps_in_the_gradebook(run):
    text = (run["out"] / "gradebook.csv").read_text(encoding="utf-8")
    assert "/tmp" not in text and str(run["subs"]) not in text and "k-" not in text.split("\n")[0]
    assert "T0" not in text and "2025" not in text


def test_correct_submission_earns_every_automatic_point(run):
    reflection = 3
    assert total(run, "correct") == NB_POINTS - reflection
    assert result(run, "correct", "start.my-service")["status"] == "submitted"
    assert run["book"]["correct"]["start.my-service"] == ""  # empty until graded by hand
    assert "to grade by hand" in notes(run, "correct")


def test_partial_submission_is_between(run):
    assert 0 < total(run, "partial") < total(run, "correct")
    assert result(run, "partial", "start.shares")["status"] == "unanswered"


def test_empty_release_earns_nothing_and_says_why(run):
    assert total(run, "empty") == 0
    assert "no answers file" in notes(run, "empty")
    assert result(run, "empty", "start.silent-customers")["status"] == "unanswered"
    assert result(run, "empty", "start.shares")["status"] == "unanswered"


def test_flat_layout_and_old_format_are_graded(run):
    assert total(run, "flat") == total(run, "correct")
    assert total(run, "oldformat") == total(run, "correct")
    assert "format 3" in notes(run, "oldformat")


def test_a_misnamed_notebook_is_pointed_out(run):
    assert f"not submitted (the folder has {NB}-Copy1.ipynb)" in notes(run, "misnamed")
    assert total(run, "misnamed") == 0


def test_missing_notebook_for_a_trainee_is_a_row_not_a_crash(run):
    assert run["book"]["loop"][f"{NB} total"] == "0"
    assert f"{NB}: not submitted" in notes(run, "loop")
    assert run["book"]["correct"][f"{TINY} total"] == "0"


# -- tampering ------------------------------------------------------------------------------

def test_tampering_earns_nothing(run):
    """Fake check(), patched canon/assess/judge, printed "✔ Correct", lying objects, a doctored answers file."""
    assert total(run, "tamper") == 0
    for eid in ("start.attitude-share", "start.shares", "start.vital-few"):
        assert result(run, "tamper", eid)["status"] != "correct"
    # the answers file's own status and score are ignored: widget values are judged again
    assert result(run, "tamper", "start.silent-customers")["status"] == "incorrect"
    assert result(run, "tamper", "start.last-steps")["points"] == "0"


def test_code_answers_come_from_the_notebook_not_the_answers_file(run):
    # the tamper answers file holds the right code values with status "correct"
    assert result(run, "tamper", "start.vital-few")["status"] == "unanswered"


def test_value_faking_objects_become_plain_data(run):
    assert result(run, "tamper", "start.attitude-share")["status"] == "incorrect"  # Fake(0.1) is 0.1
    assert result(run, "tamper", "start.shares")["status"] == "invalid"  # Liar is just text


# -- mangled notebooks ------------------------------------------------------------------------

def test_renamed_variable_is_named_in_the_message(run):
    r = result(run, "renamed", "start.shares")
    assert r["status"] == "missing"
    assert "`shares` not found" in r["message"] and "rename" in r["message"] and "`share_list`" in r["message"]
    # the next exercise used `shares`: its cell failed, and the message says so
    assert "raised NameError" in result(run, "renamed", "start.vital-few")["message"]


def test_deleted_cells(run):
    assert "start.attitude-share is missing (deleted?)" in notes(run, "deleted")
    assert result(run, "deleted", "start.attitude-share")["status"] == "missing"
    assert total(run, "deleted") == total(run, "correct") - 1


def test_reordered_cells_still_grade_the_final_values(run):
    assert "comes before its answer cell" in notes(run, "reordered")
    assert total(run, "reordered") == total(run, "correct")


def test_invalid_notebook_json_still_grades_widgets(run):
    assert "not valid JSON" in notes(run, "badjson")
    assert result(run, "badjson", "start.shares")["status"] == "not-run"
    assert result(run, "badjson", "start.silent-customers")["status"] == "correct"


def test_invalid_answers_file_is_reported(run):
    assert "answers file is not valid JSON" in notes(run, "badanswers")
    assert result(run, "badanswers", "start.silent-customers")["status"] == "unanswered"
    assert result(run, "badanswers", "start.shares")["status"] == "correct"


# -- runaway code -----------------------------------------------------------------------------

@pytest.mark.parametrize("trainee, says", [
    ("loop", "stopped after 1.5 s"),
    ("stubborn", "ran past its time limit"),
    ("dies", "kernel died"),
    ("membomb", "ran out of memory"),
    ("flood", "printed more than 256 KB"),
])
def test_runaway_code_is_contained_and_the_rest_still_counts(run, trainee, says):
    assert says in notes(run, trainee)
    assert total(run, trainee, TINY) == 3  # x and y before and after the bad cell, and the widget


def test_a_cell_with_top_level_await_runs_like_any_other(run):
    assert total(run, "awaits", TINY) == 3 and "error" not in notes(run, "awaits")


def test_stdin_is_an_error_not_a_hang(run):
    page = (run["out"] / "feedback" / "loop.html").read_text(encoding="utf-8")
    assert "StdinNotImplementedError" in page


# -- feedback and report ----------------------------------------------------------------------

def test_feedback_never_shows_expected_values_or_solutions(run):
    for trainee in ("partial", "empty", "renamed"):
        page = (run["out"] / "feedback" / f"{trainee}.html").read_text(encoding="utf-8")
        assert "Hint:" in page
        for ex in S.key(NB)["exercises"]:
            if ex.get("solution"):
                assert ex["solution"].strip().splitlines()[0] not in page
        assert "0.68" not in page and "0.14" not in page  # expected values of the code exercises


def test_every_trainee_has_a_feedback_page(run):
    pages = {p.stem for p in (run["out"] / "feedback").glob("*.html")}
    assert pages == set(run["book"])


def test_report_has_plots_and_statistics(run):
    page = (run["out"] / "report.html").read_text(encoding="utf-8")
    assert page.count("data:image/png;base64,") >= 3
    for word in ("Score distribution", "Discrimination", "Most common mistakes", "Problems while grading"):
        assert word in page
    assert "kernel died" in page


def test_point_biserial():
    from grading.grader.class_report import point_biserial
    assert point_biserial([1, 1, 0, 0], [4, 3, 1, 0]) == pytest.approx(0.9487, abs=1e-3)
    assert math.isnan(point_biserial([1, 1, 1], [1, 2, 3]))  # no variation: undefined


# -- manual grading ---------------------------------------------------------------------------

def test_rubric_export_merge_survives_regrading(run, tmp_path):
    from grading.grader.gradebook import write_outputs
    from grading.grader.rubric import RubricError, export, merge, override
    out = run["out"]
    path, n = export(out)
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    assert n == len(rows) and {"correct", "flat"} <= {r["trainee"] for r in rows}
    assert all(r["score"] == "" and r["criteria"] for r in rows)
    bad = tmp_path / "bad.csv"
    with open(bad, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerow({**rows[0], "score": "7"})
    with pytest.raises(RubricError, match="outside 0..3"):
        merge(out, bad)
    for r in rows:
        r["score"], r["comment"] = ("2.5", "Concrete story; link it to a reason.") if r["trainee"] == "correct" else ("", "")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert merge(out, path).scores == 1
    book = {r["trainee"]: r for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}
    assert book["correct"]["start.my-service"] == "2.5"
    assert float(book["correct"][f"{NB} total"]) == NB_POINTS - 3 + 2.5
    # an override of one automatic score (a code answer left as the stub)
    stub = next(e["id"] for e in S.key(NB)["exercises"] if e["kind"] == "code" and book["partial"][e["id"]] == "0")
    override(out, "partial", stub, "1", "Accepted: you showed the method in class.")
    # a later automatic run keeps the manual score and the override (nbgrader's rule)
    write_outputs(out)
    for cached in (out / "cache" / "partial").glob(f"{NB}.*json"):  # its result and its run: it runs again
        cached.unlink()
    grade(Options(run["subs"], out, [NB, TINY], jobs=2, limits=LIMITS, keys=run["keys"], quiet=True))
    book = {r["trainee"]: r for r in csv.DictReader(open(out / "gradebook.csv", encoding="utf-8"))}
    assert book["correct"]["start.my-service"] == "2.5"
    assert book["partial"][stub] == "1" and "changed" not in book["partial"]["notes"]  # run again: the same answer
    assert "Accepted: you showed the method" in (out / "feedback" / "partial.html").read_text(encoding="utf-8")
    assert "Concrete story" in (out / "feedback" / "correct.html").read_text(encoding="utf-8")
    path, _ = export(out, tmp_path / "again.csv")
    again = {r["trainee"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}
    assert again["correct"]["score"] == "2.5"  # pre-filled
