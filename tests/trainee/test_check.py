"""Does check() never raise, show a clear result, and save what it saw? (fixture keys: tests/support/keys)"""
import json

import pandas as pd
import pytest

from grading import check, hint, solution


def saved(path, exercise_id):
    return json.loads(path.read_text())["exercises"][exercise_id]


def test_correct_answer_is_shown_and_saved(answers):
    result = check("eng.attitude-share", 0.68)
    assert result.passed and result.status == "correct"
    assert "✔ Correct [eng.attitude-share]" in repr(result)
    assert "ck-check--correct" in result._repr_html_()
    record = saved(answers, "eng.attitude-share")
    assert record["status"] == "correct" and record["score"] == 1 and record["attempts"] == 1


@pytest.mark.parametrize("value, status", [
    (..., "unanswered"), (0.5, "incorrect"), ("0.68", "invalid"), (print, "invalid"), (68, "correct"),
])
def test_never_raises_on_any_answer(answers, value, status):
    assert check("eng.attitude-share", value).status == status


def test_wrong_answer_offers_a_hint_and_mentions_hidden_checks_when_right(answers):
    wrong = check("eng.shares", pd.Series([1.0], index=["x"]))
    assert 'hint("eng.shares")' in repr(wrong)
    reasons = pd.Series({"staff attitude": 68, "product dissatisfaction": 14, "competitors": 9,
                         "other relationships": 5, "moved away": 3, "died": 1})
    right = check("eng.shares", reasons / 100)
    assert right.passed and "Further checks run when your work is graded" in repr(right)


def test_attempts_count_only_real_answers(answers):
    check("eng.attitude-share", ...)
    check("eng.attitude-share", 0.1)
    check("eng.attitude-share", 0.68)
    assert saved(answers, "eng.attitude-share")["attempts"] == 2


def test_unknown_id_and_widget_id_explain_themselves(answers):
    assert "Did you mean" in repr(check("eng.attitude", 1))
    assert 'show("eng.ripple")' in repr(check("eng.ripple", 100))


def test_hints_are_progressive_and_remembered(answers):
    first = hint("eng.shares").text
    second = hint("eng.shares").text
    third = hint("eng.shares").text
    assert first.startswith("**Hint 1 of 2**") and second.startswith("**Hint 2 of 2**")
    assert "last hint" in third
    assert saved(answers, "eng.shares")["hints_seen"] == 2
    assert "no hints" in hint("eng.ripple").text


def test_worked_solution_on_request_is_recorded(answers):
    text = solution("eng.shares").text
    assert "sort_values(ascending=False)" in text
    assert "```python\n" in text and text.rstrip().endswith("```")  # code, not Markdown headings
    assert saved(answers, "eng.shares")["solution_seen"] is True


def test_unwritable_answers_folder_only_warns(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("GRADING_ANSWERS_DIR", str(blocker / "sub"))
    with pytest.warns(UserWarning, match="Could not save"):
        assert check("eng.attitude-share", 0.68).passed


def test_a_malformed_saved_widget_answer_is_invalid_not_a_crash():
    from grading.core.assess import assess
    from grading.core.keys import exercise
    notebook, spec = exercise("eng.last-steps")
    verdict = assess(notebook, spec, {"kind": "list", "items": 5})
    assert verdict.status == "invalid" and "cannot be read" in verdict.message


def test_a_worked_solution_in_python_is_shown_as_code():
    """Comments must not turn into Markdown headings, nor code lines run together."""
    from grading.trainee.check import code_html, is_code
    text = 'by_visit = events.groupby("instance_id")\n# the longest step\nx = by_visit.size()'
    assert is_code(text) and not is_code("Traceable: the TARP studies.\nGarbled: the 5 % claim.")
    page = code_html(text)
    assert page.startswith('<div class="ck-code"') and "<pre" in page and "the longest step" in page


def test_a_check_after_a_failed_cell_does_not_judge_the_stale_value(answers, monkeypatch):
    from types import SimpleNamespace
    import IPython
    shell = SimpleNamespace(last_execution_result=SimpleNamespace(error_in_exec=NameError("name 'evnts' is not defined"),
                                                                   error_before_exec=None))
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    result = check("eng.attitude-share", 0.68)  # right value, but left from an earlier run
    assert result.status == "error" and "NameError" in repr(result) and "was not judged" in repr(result)
    shell.last_execution_result = SimpleNamespace(error_in_exec=None, error_before_exec=None)
    assert check("eng.attitude-share", 0.68).passed


def test_a_tick_says_when_grading_will_be_stricter(answers):
    """Right values, not sorted: the hidden order rule will cost half the points, so say so now."""
    reasons = pd.Series({"staff attitude": 68, "product dissatisfaction": 14, "competitors": 9,
                         "other relationships": 5, "moved away": 3, "died": 1})
    unsorted = check("eng.shares", (reasons / reasons.sum()).sort_index())
    assert unsorted.passed and "graded version also checks" in repr(unsorted)
    assert "sort largest first" in repr(unsorted) and "grading gives 1 of 2 points" in repr(unsorted)
    rounded = check("eng.shares", (reasons / reasons.sum()).round(2))  # rounding costs nothing (the policy)
    assert rounded.passed and "graded version also checks" not in repr(rounded)
    assert "<code>" in check("eng.shares", ...)._repr_html_()  # `...` in a message shows as code


def test_in_app_mode_an_unanswered_code_exercise_says_where_to_answer(answers, monkeypatch):
    monkeypatch.setenv("VOILA_KERNEL_ID", "k1")
    result = check("eng.attitude-share", ...)
    assert result.status == "unanswered" and "open this notebook in JupyterLab" in repr(result)
