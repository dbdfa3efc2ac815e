"""The instructor review's section 3 (ux-instructor-review.md), as a table: every answer a fair
teacher accepts is accepted, or keeps a share of the points with a message that says why; every
near miss is still rejected, with a message that names the real mistake and never a wrong one.

Answers are built from the recorded expected values (as the review's † rows were), so each row
is one line; the near misses that need the data rebuild it as the notebooks do.
"""
import pandas as pd
import pytest

from grading import load_dataset
from grading.core import keys
from grading.core.assess import assess
from grading.core.canon import to_data


def expected(eid):
    """The recorded expected value of `eid` as the pandas object a trainee would hand in."""
    notebook, spec = keys.exercise(eid)
    data = keys.expected_value(notebook, spec)
    if data["kind"] == "series":
        return pd.Series(data["values"], index=data["index"], name=data.get("name"))
    if data["kind"] == "frame":
        names = [n for n in data["index_names"] if n is not None]
        frame = pd.DataFrame(dict(zip(data["columns"], data["data"])))
        return frame.set_axis(pd.Index(data["index"], name=names[0] if names else None))
    return data.get("value", data.get("items"))


def verdicts(eid, answer):
    """(what the notebook's check says, what grading gives) for one answer."""
    notebook, spec = keys.exercise(eid)
    return assess(notebook, spec, to_data(answer)), assess(notebook, spec, to_data(answer), hidden=True)


def ipa_by_branch_and_dimension():
    return expected("gaps.ipa-quadrants").set_index(["branch", "dimension"])


def shortlist_as_scores():
    weighted = expected("selection.weighted-score")
    return weighted[weighted.index.isin(expected("selection.shortlist"))]


# (review row, exercise, the answer, share of the points graded, words the graded message must hold)
ACCEPTED = [
    (1, "gaps.item-gaps", lambda: expected("gaps.item-gaps").to_dict(), 1, ""),
    (2, "gaps.dimension-gaps", lambda: expected("gaps.dimension-gaps").rename(str.title), 1, ""),
    (3, "gaps.weakest", lambda: "可靠性", 1, ""),
    (4, "gaps.weights", lambda: expected("gaps.weights").reset_index(), 1, ""),
    (5, "gaps.weighted-servqual", lambda: expected("gaps.weighted-servqual").to_dict(), 1, ""),
    (6, "gaps.communication-branch", lambda: "Shenzhen Futian", 1, ""),
    (7, "gaps.ipa-quadrants", ipa_by_branch_and_dimension, 1, ""),
    (7, "gaps.ipa-quadrants", lambda: ipa_by_branch_and_dimension().rename_axis([None, None]), 1, ""),
    (8, "selection.row-score", lambda: expected("selection.row-score").to_dict(), 1, ""),
    (8, "selection.candidate-means", lambda: expected("selection.candidate-means").reset_index(), 1, ""),
    (9, "selection.lenient-interviewer", lambda: "iv04", 1, ""),
    (10, "selection.best-predictor", lambda: expected("selection.validity").index[0], 1, ""),
    (11, "selection.shortlist", shortlist_as_scores, 1, ""),
    (15, "gaps.item-gaps", lambda: expected("gaps.item-gaps").round(2), 1, ""),
    (15, "gaps.dimension-gaps", lambda: expected("gaps.dimension-gaps").round(2), 1, ""),
    (15, "gaps.alpha", lambda: expected("gaps.alpha").round(2), 1, ""),
    (16, "gaps.weights", lambda: expected("gaps.weights").round(2), 1, ""),
    (17, "gaps.weighted-servqual", lambda: expected("gaps.weighted-servqual").sort_values(ascending=False),
     0.5, "reverse order"),
    (18, "gaps.ipa-quadrants", lambda: expected("gaps.ipa-quadrants").iloc[::-1], 1, ""),
    (19, "selection.row-score", lambda: expected("selection.row-score").round(2), 1, ""),
    (20, "selection.candidate-means", lambda: expected("selection.candidate-means").round(2), 1, ""),
    (21, "selection.leniency", lambda: expected("selection.leniency").round(2), 1, ""),
    (22, "selection.kappa", lambda: round(expected("selection.kappa"), 2), 1, ""),
    (23, "selection.weighted-score", lambda: expected("selection.weighted-score").round(2), 1, ""),
    (24, "selection.shortlist", lambda: sorted(expected("selection.shortlist")), 1, ""),
    (25, "selection.validity", lambda: expected("selection.validity").round(2), 1, ""),
    (25, "selection.validity", lambda: expected("selection.validity").sort_index(), 0.5, "not in the expected order"),
    (26, "selection.best-predictor", lambda: "Interview", 1, ""),
    (27, "gaps.weights", lambda: expected("gaps.weights").round(4), 1, ""),
    (28, "selection.kappa", lambda: round(expected("selection.kappa"), 3), 1, ""),
    (33, "gaps.weighted-servqual", lambda: (expected("gaps.weighted-servqual") * 100 / 100).to_dict(), 1, ""),
    (34, "gaps.communication-branch", lambda: "深圳福田", 1, ""),
    (38, "selection.best-predictor", lambda: "structured interview", 1, ""),
]


@pytest.mark.parametrize("row, eid, build, share, words", ACCEPTED, ids=[f"{r[0]}-{r[1]}" for r in ACCEPTED])
def test_an_answer_a_fair_teacher_accepts_keeps_its_points(row, eid, build, share, words):
    check, graded = verdicts(eid, build())
    assert check.status == "correct", check.message
    assert graded.score == share and words in graded.message, graded


# (review row or near miss, exercise, the answer, words the message must hold, words it must not hold)
REJECTED = [
    (30, "gaps.item-gaps", lambda: list(expected("gaps.item-gaps")), "without labels", ""),
    (31, "gaps.weakest", lambda: ["reliability"], "got a list", ""),
    (32, "gaps.weights", lambda: expected("gaps.weights") * 100, "percentages (×100)", "round"),
    (35, "selection.kappa", lambda: round(expected("selection.kappa") * 100, 2), "percentage (×100)",
     "Percent agreement"),
    (36, "selection.validity", lambda: expected("selection.validity") * 100, "percentages (×100)", "round"),
    (37, "selection.shortlist", lambda: ", ".join(expected("selection.shortlist")), "Expected 10 candidates, got 1",
     ""),
    ("rounded too far", "selection.row-score", lambda: expected("selection.row-score").round(1),
     "Rounded? They look rounded to 1 decimal place; round to 2 decimal places or finer", ""),
    ("rounded too far", "selection.kappa", lambda: 0.36 if False else round(expected("selection.kappa") * 10) / 10,
     "", "Rounded"),  # 0.4 is no rounding worth naming (one significant digit): judged as a value
    ("one sign", "selection.validity", lambda: expected("selection.validity").abs(),
     "1 of 6 values are off: 'napkin_boredom'. It has the wrong sign.", "Several"),
    ("every sign", "gaps.item-gaps", lambda: -expected("gaps.item-gaps"), "They all have the wrong sign", ""),
    ("scores, not ids", "selection.shortlist", lambda: list(shortlist_as_scores()), "should not be there", ""),
]


@pytest.mark.parametrize("row, eid, build, words, never", REJECTED, ids=[f"{r[0]}-{r[1]}" for r in REJECTED])
def test_a_rejected_answer_is_told_its_real_mistake(row, eid, build, words, never):
    check, graded = verdicts(eid, build())
    assert check.status != "correct" and graded.score == 0
    assert words in graded.message and (not never or never not in graded.message), graded.message


def test_leniency_against_the_candidate_mean_is_a_method_error_not_rounding():
    """frank's near miss: only 0.001 off, at full precision. Rejected in the check already, and never
    called rounding; bob's rounding of the right values is accepted (rows 21 and 3b)."""
    ratings = load_dataset("candidates", "interview_ratings")
    questions = [c for c in ratings.columns if c.startswith("q")]
    long = ratings.melt(id_vars=["candidate_id", "interviewer_id"], value_vars=questions,
                        var_name="question", value_name="rating").dropna()
    dev = long["rating"] - long.groupby("candidate_id")["rating"].transform("mean")
    near_miss = dev.groupby(long["interviewer_id"]).mean().sort_values(ascending=False)
    check, graded = verdicts("selection.leniency", near_miss)
    assert check.status == "incorrect" and graded.status == "incorrect"
    assert "values are off" in check.message and "ound" not in check.message


def test_the_check_says_what_a_stricter_graded_rule_will_cost():
    """Row 17: right values, not sorted: ✔ in the notebook, with the price said at once."""
    from grading.trainee.check import _stricter
    notebook, spec = keys.exercise("gaps.weighted-servqual")
    text = _stricter(notebook, spec, to_data(expected("gaps.weighted-servqual").sort_index()))
    assert "graded version also checks" in text and "1.5 of 3 points" in text
    assert _stricter(notebook, spec, to_data(expected("gaps.weighted-servqual"))) == ""
