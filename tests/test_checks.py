"""Does check() never raise, show a clear result, and save what it saw?"""
import json

import pandas as pd
import pytest

from grading import check, hint, solution


@pytest.fixture
def answers(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADING_ANSWERS_DIR", str(tmp_path))
    return tmp_path / "00-start-here.answers.json"


def saved(path, exercise_id):
    return json.loads(path.read_text())["exercises"][exercise_id]


def test_correct_answer_is_shown_and_saved(answers):
    result = check("start.attitude-share", 0.68)
    assert result.passed and result.status == "correct"
    assert "✔ Correct [start.attitude-share]" in repr(result)
    assert "ck-check--correct" in result._repr_html_()
    record = saved(answers, "start.attitude-share")
    assert record["status"] == "correct" and record["score"] == 1 and record["attempts"] == 1


@pytest.mark.parametrize("value, status", [
    (..., "unanswered"), (0.5, "incorrect"), ("0.68", "invalid"), (print, "invalid"), (68, "correct"),
])
def test_never_raises_on_any_answer(answers, value, status):
    assert check("start.attitude-share", value).status == status


def test_wrong_answer_offers_a_hint_and_mentions_hidden_checks_when_right(answers):
    wrong = check("start.shares", pd.Series([1.0], index=["x"]))
    assert 'hint("start.shares")' in repr(wrong)
    reasons = pd.Series({"staff attitude": 68, "product dissatisfaction": 14, "competitors": 9,
                         "other relationships": 5, "moved away": 3, "died": 1})
    right = check("start.shares", reasons / 100)
    assert right.passed and "Further checks run when your work is graded" in repr(right)


def test_attempts_count_only_real_answers(answers):
    check("start.attitude-share", ...)
    check("start.attitude-share", 0.1)
    check("start.attitude-share", 0.68)
    assert saved(answers, "start.attitude-share")["attempts"] == 2


def test_unknown_id_and_widget_id_explain_themselves(answers):
    assert "Did you mean" in repr(check("start.attitude", 1))
    assert 'show("start.ripple")' in repr(check("start.ripple", 100))


def test_hints_are_progressive_and_remembered(answers):
    first = hint("start.shares").text
    second = hint("start.shares").text
    third = hint("start.shares").text
    assert first.startswith("**Hint 1 of 2**") and second.startswith("**Hint 2 of 2**")
    assert "last hint" in third
    assert saved(answers, "start.shares")["hints_seen"] == 2
    assert "no hints" in hint("start.ripple").text


def test_worked_solution_on_request_is_recorded(answers):
    text = solution("start.shares").text
    assert "sort_values(ascending=False)" in text
    assert saved(answers, "start.shares")["solution_seen"] is True


def test_unwritable_answers_folder_only_warns(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GRADING_ANSWERS_DIR", str(blocker / "sub"))
    with pytest.warns(UserWarning, match="Could not save"):
        assert check("start.attitude-share", 0.68).passed


def test_a_malformed_saved_widget_answer_is_invalid_not_a_crash():
    from grading._checks import assess
    from grading._keys import exercise
    notebook, spec = exercise("start.last-steps")
    verdict = assess(notebook, spec, {"kind": "list", "items": 5})
    assert verdict.status == "invalid" and "cannot be read" in verdict.message
