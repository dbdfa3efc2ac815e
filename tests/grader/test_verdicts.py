"""From a run log to a result, without kernels: is every way a submission can go wrong named?"""
import nbformat
import pytest

from grading.core import keys
from grading.grader import Limits
from grading.grader.execute import RunLog
from grading.grader.submissions import Submission
from grading.grader.verdicts import Attempt, submission_result
from tests.support import FIXTURE_KEYS, TINY

LIMITS = Limits(cell_timeout=5, timeout=20, memory_mb=1024, max_output_kb=256)


@pytest.fixture(scope="module")
def key():
    with keys.using(FIXTURE_KEYS):
        yield keys.notebook_key(TINY)


def notebook(*sources):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


RIGHT = notebook("x = 42", "y = 7")


def result(key, log, nb=RIGHT, saved=None, sub=None, **attempt):
    sub = sub or Submission("ana", TINY, ipynb=FIXTURE_KEYS / "any.ipynb", answers=FIXTURE_KEYS / "any.json")
    with keys.using(FIXTURE_KEYS):
        return submission_result(sub, key, Attempt(nb=nb, saved=saved, log=log, **attempt), LIMITS)


def by_id(res):
    return {ex["id"]: ex for ex in res["exercises"]}


def found(value):
    return {"found": True, "data": {"kind": "number", "value": value}}


def test_right_values_and_widget_answer_earn_every_point(key):
    log = RunLog(answers={"x": found(42), "y": found(7)}, attempts=1)
    saved = {"tiny.pick": {"value": {"kind": "text", "value": "A"}}}
    res = by_id(result(key, log, saved=saved))
    assert [res[i]["status"] for i in ("tiny.x", "tiny.y", "tiny.pick")] == ["correct"] * 3
    assert sum(e["earned"] for e in res.values()) == 3 and res["tiny.x"]["hint"] is None


def test_a_wrong_value_keeps_the_first_hint(key):
    res = by_id(result(key, RunLog(answers={"x": found(41), "y": found(7)})))
    assert res["tiny.x"]["status"] == "incorrect" and res["tiny.x"]["hint"] == "x is forty-two"


def test_a_renamed_variable_is_named_with_the_near_names(key):
    log = RunLog(answers={"x": found(42), "y": {"found": False}}, names=["x", "yy"])
    ex = by_id(result(key, log))["tiny.y"]
    assert ex["status"] == "missing" and "`y` not found" in ex["message"] and "`yy`" in ex["message"]


def test_a_variable_whose_cell_raised_says_which_cell(key):
    nb = notebook("x = 42", "y = int('seven')")
    log = RunLog(answers={"x": found(42), "y": {"found": False}}, errors=[[1, "ValueError", "bad"]])
    res = result(key, log, nb=nb)
    assert "cell 2 (`y = int('seven')`), which computes it, raised ValueError" in by_id(res)["tiny.y"]["message"]
    assert res["errors"] == ["cell 2 (`y = int('seven')`) raised ValueError: bad"]


def test_a_cell_left_out_after_killing_the_kernel(key):
    nb = notebook("x = 42", "import os; os._exit(1)\ny = 7")
    log = RunLog(answers={"x": found(42), "y": {"found": False}}, died=[1], skipped=[1], attempts=2)
    res = result(key, log, nb=nb)
    assert "was left out because it stopped the kernel" in by_id(res)["tiny.y"]["message"]
    assert any("the kernel died in cell 2" in n for n in res["notes"]) and res["attempts"] == 2


def test_limits_appear_as_notes(key):
    log = RunLog(answers={"x": found(42), "y": found(7)}, timeouts=[0], memory=[1], overflow=[1],
                 errors=[[0, "KeyboardInterrupt", ""]])
    notes = result(key, log)["notes"]
    assert "cell 1 (`x = 42`) was stopped after 5 s (time limit per cell)" in notes
    assert "cell 2 (`y = 7`) ran out of memory (limit 1024 MB)" in notes
    assert "cell 2 (`y = 7`) printed more than 256 KB; the rest was discarded" in notes


def test_an_unreadable_value_and_a_failed_start(key):
    res = by_id(result(key, RunLog(answers={"x": {"found": True, "error": "TypeError: no"}, "y": found(7)})))
    assert res["tiny.x"]["status"] == "invalid" and "could not be read (TypeError: no)" in res["tiny.x"]["message"]
    res = by_id(result(key, RunLog(start_error="the grading kernel could not start")))
    assert res["tiny.x"]["status"] == "not-run"


def test_an_unreadable_notebook_is_not_run_and_says_why(key):
    res = result(key, None, nb=None, nb_notes=["the notebook file is not valid JSON (line 1, column 2)"])
    ex = by_id(res)
    assert ex["tiny.x"]["status"] == "not-run" and "not valid JSON" in ex["tiny.x"]["message"]
    assert ex["tiny.pick"]["status"] == "unanswered"  # no answers file: widgets count as not answered


def test_an_absent_submission_is_not_submitted(key):
    sub = Submission("ana", TINY, others=["00-start-here-Copy1.ipynb"])
    res = result(key, None, sub=sub)
    assert not res["submitted"] and res["notes"] == ["not submitted (the folder has 00-start-here-Copy1.ipynb)"]
    assert {ex["status"] for ex in res["exercises"]} == {"unanswered"}


def test_forged_statuses_in_the_answers_file_are_ignored(key):
    saved = {"tiny.pick": {"value": {"kind": "text", "value": "B"}, "status": "correct", "score": 1}}
    ex = by_id(result(key, RunLog(answers={"x": found(42), "y": found(7)}), saved=saved))["tiny.pick"]
    assert ex["status"] == "incorrect" and ex["earned"] == 0


def test_hints_and_worked_solutions_opened_are_kept_from_the_answers_file(key):
    log = RunLog(answers={"x": found(42), "y": found(7)}, attempts=1)
    saved = {"tiny.x": {"hints_seen": 5, "solution_seen": True},      # more hints than the key has: 1
             "tiny.y": {"hints_seen": "many", "solution_seen": "yes"},  # hand-edited nonsense: ignored
             "tiny.pick": {"value": {"kind": "text", "value": "A"}}}
    res = by_id(result(key, log, saved=saved))
    assert (res["tiny.x"]["hints_seen"], res["tiny.x"]["solution_seen"]) == (1, True)
    assert "hints_seen" not in res["tiny.y"] and "solution_seen" not in res["tiny.y"]
    assert "hints_seen" not in res["tiny.pick"]


def test_an_answer_the_judge_cannot_handle_is_a_grader_problem_not_the_trainees(key, monkeypatch):
    """A judging crash is no `invalid` answer: the exercise waits to be graded by hand (no points counted
    yet, like a reflection), and the notes (gradebook, report's problems) say it is the grader's."""
    from grading.core import rules
    monkeypatch.setitem(rules.RULES, "number", lambda rule, expected, answer: {}["branch"])
    log = RunLog(answers={"x": found(42), "y": found(7)}, attempts=1)
    res = result(key, log)
    x = by_id(res)["tiny.x"]
    assert x["status"] == "grader-error" and x["earned"] is None
    assert "your instructor grades it by hand" in x["message"] and x["details"] == ["KeyError: 'branch'"]
    assert any("the grader could not judge tiny.x (KeyError: 'branch')" in note for note in res["notes"])
