"""Do the comparison rules accept every right form and explain every wrong one?"""
import pandas as pd
import pytest

from grading.core.canon import to_data
from grading.core.rules import apply

DIMS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]
GAPS = pd.Series([-0.2, -1.1, -0.9, -0.4, -0.5], index=DIMS)


def verdict(rule, expected, answer):
    return apply(rule, to_data(expected), to_data(answer))


def test_missing_is_unanswered_never_an_error():
    v = verdict({"type": "number"}, 1.0, ...)
    assert v.status == "unanswered" and "replace `...`" in v.message


@pytest.mark.parametrize("answer", [0.25, 25, 25.0004])
def test_number_accepts_share_or_percent_when_allowed(answer):
    assert verdict({"type": "number", "tol": 0.001, "percent": True}, 0.25, answer).status == "correct"


def test_number_messages():
    rule = {"type": "number", "tol": 0.001}
    assert "higher" in verdict(rule, 0.25, 0.3).message
    assert "wrong sign" in verdict(rule, 0.25, -0.25).message
    assert "single number" in verdict(rule, 0.25, "0.25").message
    assert verdict({"type": "number", "percent": False}, 0.25, 25).message.startswith("Give this as a share")


def test_mapping_accepts_series_dict_and_frames():
    rule = {"type": "mapping", "tol": 0.01, "per": "SERVQUAL dimension"}
    assert verdict(rule, GAPS, GAPS.to_dict()).status == "correct"
    assert verdict(rule, GAPS, GAPS.sample(frac=1, random_state=1)).status == "correct"
    assert verdict(rule, GAPS, GAPS.rename("gap").to_frame()).status == "correct"
    assert verdict(rule, GAPS, GAPS.rename_axis("dim").reset_index()).status == "correct"
    assert verdict(rule, GAPS, GAPS.rename(str.title)).status == "correct"  # label case ignored


def test_mapping_explains_shape_labels_values_and_sign():
    rule = {"type": "mapping", "tol": 0.01, "per": "SERVQUAL dimension"}
    long = pd.Series(range(22), index=[f"q{i}" for i in range(22)])
    assert verdict(rule, GAPS, long).message == "Expected one value per SERVQUAL dimension (5), got 22."
    assert "missing 'reliability'" in verdict(rule, GAPS, GAPS.rename({"reliability": "rel"})).message
    off = GAPS.copy(); off["empathy"] = 0
    assert verdict(rule, GAPS, off).message.startswith("1 of 5 values are off: 'empathy'")
    assert "wrong sign" in verdict(rule, GAPS, -GAPS).message
    assert "plain list" in verdict(rule, GAPS, list(GAPS)).message


def test_mapping_order_when_asked():
    rule = {"type": "mapping", "ordered": True, "order_hint": "sort largest first"}
    assert verdict(rule, GAPS.sort_values(), GAPS.sort_values()).status == "correct"
    assert "sort largest first" in verdict(rule, GAPS.sort_values(), GAPS).message
    # wrong values are reported as such, even when the order is off too
    assert "wrong sign" in verdict(rule, GAPS.sort_values(), (-GAPS).sort_values()).message


def test_collection_ignores_order_and_container():
    rule = {"type": "collection", "per": "reasons"}
    want = ["staff attitude", "product dissatisfaction"]
    for answer in (want, tuple(want), set(want), pd.Index(want), list(reversed(want))):
        assert verdict(rule, want, answer).status == "correct"
    v = verdict(rule, want, ["staff attitude", "competitors", "died"])
    assert "Expected 2 reasons, got 3" in v.message and "'competitors'" in v.message and v.score == 0


def test_collection_partial_credit():
    v = verdict({"type": "collection", "partial": True}, ["a", "b", "c", "d"], ["a", "b"])
    assert v.status == "partial" and v.score == 0.5


def test_sequence_reports_first_wrong_position():
    v = verdict({"type": "sequence"}, ["a", "b", "c"], ["a", "c", "b"])
    assert v.status == "incorrect" and "position 2" in v.message


def test_text_rule():
    rule = {"type": "text", "accept": ["rel"], "choices": DIMS}
    assert verdict(rule, "reliability", " Reliability ").status == "correct"
    assert verdict(rule, "reliability", "rel").status == "correct"
    assert verdict(rule, "reliability", "empathy").status == "incorrect"
    assert "not one of the options" in verdict(rule, "reliability", "speed").message
    assert verdict(rule, "reliability", 3).status == "invalid"


def test_frame_ignores_column_order_and_index_placement():
    want = pd.DataFrame({"branch": ["A", "B"], "gap": [-1.0, -0.5], "n": [10, 12]})
    rule = {"type": "frame", "key": ["branch"], "tol": 0.01, "per": "branch"}
    assert verdict(rule, want, want[["n", "gap", "branch"]]).status == "correct"
    assert verdict(rule, want, want.set_index("branch")).status == "correct"
    assert verdict(rule, want, want.iloc[::-1]).status == "correct"
    assert verdict(rule, want, pd.concat([want, want])).message == "Expected 2 rows (one per branch), got 4."
    assert "Missing column(s) 'n'" in verdict(rule, want, want.drop(columns="n")).message
    bad = want.assign(gap=[-1.0, 0.0])
    assert verdict(rule, want, bad).message == "Values differ in column 'gap' (1 row)."


def test_a_frame_in_another_row_order_with_the_same_index_is_right_unless_order_is_asked():
    """complaints.response-times: no key, no order asked; a sorted answer keeps the tickets' index."""
    import numpy as np
    want = pd.DataFrame({"first_response_h": [1.0, 2.5, np.nan, 0.5], "resolution_h": [26.0, 3.0, 40.0, np.nan]})
    rule = {"type": "frame", "columns": ["first_response_h", "resolution_h"], "tol": 0.01, "per": "ticket"}
    sorted_answer = want.sort_values("resolution_h")  # index 1, 0, 2, 3
    assert verdict(rule, want, sorted_answer).status == "correct"
    assert verdict(rule, want, want.sample(frac=1, random_state=3)).status == "correct"
    wrong = sorted_answer.assign(resolution_h=[3.0, 26.0, 41.0, np.nan])
    assert verdict(rule, want, wrong).message == "Values differ in column 'resolution_h' (1 row)."
    # a new index (reset after sorting) cannot be lined up: compared by position, as before
    assert verdict(rule, want, sorted_answer.reset_index(drop=True)).status == "incorrect"
    # where the rule asks for an order, the same rows in another order are still wrong
    ordered = dict(rule, ordered=True, order_hint="sort by resolution time")
    v = verdict(ordered, sorted_answer, want)
    assert v.status == "incorrect" and "not in the expected order (sort by resolution time)" in v.message
    assert verdict(ordered, sorted_answer, sorted_answer).status == "correct"
    keyed = {"type": "frame", "key": ["branch"], "tol": 0.01, "ordered": True}
    by_branch = pd.DataFrame({"branch": ["A", "B"], "gap": [-1.0, -0.5]})
    assert verdict(keyed, by_branch, by_branch.iloc[::-1]).status == "incorrect"
    assert verdict(dict(keyed, ordered=False), by_branch, by_branch.iloc[::-1]).status == "correct"


def test_the_trainee_check_and_the_grader_agree_on_a_reordered_frame():
    """Both judge through core.assess: the trainee's check() (hidden rules off) and the grader (on)."""
    import numpy as np
    from grading.core.assess import assess
    spec = {"id": "complaints.response-times", "kind": "code", "answer": "hours",
            "rule": {"type": "frame", "columns": ["first_response_h", "resolution_h"], "tol": 0.01}}
    want = pd.DataFrame({"first_response_h": [1.0, 2.5, np.nan], "resolution_h": [26.0, 3.0, 40.0]})
    answer = to_data(want.sort_values("resolution_h"))
    trainee = assess("03-complaint-handling", spec, answer, expected=to_data(want))
    grader = assess("03-complaint-handling", spec, answer, hidden=True, expected=to_data(want))
    assert trainee.status == grader.status == "correct"


def test_unknown_rule_and_judging_errors_do_not_raise():
    """A rule the judge cannot apply is the checker's problem ("error"), never the trainee's "invalid"."""
    assert verdict({"type": "nope"}, 1, 1).status == "error"
    v = verdict({"type": "number", "tol": "x"}, 1, 2)
    assert v.status == "error" and "not necessarily in your answer" in v.message and v.details[0].startswith("ValueError")


def test_a_space_beside_chinese_does_not_matter():
    from grading.core.rules import norm_text
    assert norm_text("S09 维修") == norm_text("S09维修") == "s09维修"
    assert norm_text("Shenzhen  Futian") == "shenzhen futian"  # between Latin words a space still separates
