"""Does module 04 (staff selection) accept the right answers and explain the usual wrong ones?"""
import pandas as pd
import pytest

from grading import load_dataset
from grading.core import keys as _keys
from grading.core.canon import to_data
from grading.core.assess import assess
from tests.support.keycheck import judge


@pytest.fixture(scope="module")
def data():
    """The notebook's working variables, rebuilt the way the master builds them."""
    candidates = load_dataset("candidates")
    ratings = load_dataset("candidates", "interview_ratings")
    questions = [c for c in ratings.columns if c.startswith("q")]
    long = ratings.melt(id_vars=["candidate_id", "interviewer_id"], value_vars=questions,
                        var_name="question", value_name="rating").dropna()
    wide = long.pivot_table(index=["candidate_id", "question"], columns="interviewer_id", values="rating")
    cand = candidates.set_index("candidate_id")
    matrix = pd.DataFrame({
        "interview": long.groupby("candidate_id")["rating"].mean(),
        "stranger": cand["stranger_test_level"].str[0].astype(int),
        "work_sample": 5 - cand["napkin_boredom_signs"].clip(upper=4),
        "knowledge": 1 + 4 * cand["knowledge_test_score"].fillna(0) / 100,
    })
    weights = pd.Series({"interview": 0.4, "stranger": 0.2, "work_sample": 0.2, "knowledge": 0.2})
    measures = pd.DataFrame({
        "interview": matrix["interview"],
        "impression": ratings.groupby("candidate_id")["overall_impression"].mean(),
        "stranger": matrix["stranger"],
        "napkin_boredom": cand["napkin_boredom_signs"],
        "knowledge": cand["knowledge_test_score"],
        "experience": cand["prior_service_years"],
    })
    hired = measures[cand["hired"]].join(cand["performance_rating_12m"])
    return dict(ratings=ratings, questions=questions, long=long, pair=wide[["IV02", "IV05"]].dropna(),
                matrix=matrix, weights=weights, hired=hired, cand=cand, measures=measures)




# -- code exercises ----------------------------------------------------------------

def test_row_score(data):
    r, q = data["ratings"], data["questions"]
    assert judge("selection.row-score", r[q].mean(axis=1)).status == "correct"
    wrong_axis = judge("selection.row-score", r[q].mean())
    assert wrong_axis.status == "incorrect" and "one value per rating row (768), got 6" in wrong_axis.message
    sum_over_six = judge("selection.row-score", r[q].sum(axis=1) / 6)  # empty ratings counted as 0
    assert sum_over_six.status == "incorrect" and "of 768 values are off" in sum_over_six.message


def test_candidate_means(data):
    r, cols = data["ratings"], data["questions"] + ["overall_impression"]
    right = r.groupby("candidate_id")[cols].mean()
    assert judge("selection.candidate-means", right).status == "correct"
    assert judge("selection.candidate-means", right.reset_index()).status == "correct"
    no_group = judge("selection.candidate-means", r[cols].mean())
    assert no_group.status == "incorrect" and "Expected 320 rows (one per candidate), got 7" in no_group.message
    no_impression = judge("selection.candidate-means", right[data["questions"]])
    assert no_impression.status == "incorrect" and "overall_impression" in no_impression.message


def test_leniency(data):
    long = data["long"]
    dev = long["rating"] - long.groupby(["candidate_id", "question"])["rating"].transform("mean")
    right = dev.groupby(long["interviewer_id"]).mean().sort_values(ascending=False)
    assert judge("selection.leniency", right).status == "correct"
    assert judge("selection.leniency", right.sort_index()).status == "correct"  # order checked when graded
    notebook, spec = _keys.exercise("selection.leniency")
    unsorted = assess(notebook, spec, to_data(right.sort_index()), hidden=True)
    assert unsorted.status == "partial" and unsorted.score == 0.5 and "most lenient" in unsorted.message
    raw_means = long.groupby("interviewer_id")["rating"].mean().sort_values(ascending=False)
    raw = judge("selection.leniency", raw_means)
    assert raw.status == "incorrect" and "6 of 6 values are off" in raw.message


def test_lenient_interviewer():
    assert judge("selection.lenient-interviewer", "iv04 ").status == "correct"
    wrong = judge("selection.lenient-interviewer", "IV02")
    assert wrong.status == "incorrect" and "largest and positive" in wrong.message
    typo = judge("selection.lenient-interviewer", "IV4")
    assert typo.status == "invalid" and "not one of the options" in typo.message


def test_kappa(data):
    a, b = data["pair"]["IV02"], data["pair"]["IV05"]
    p_o = (a == b).mean()
    p_e = (a.value_counts(normalize=True) * b.value_counts(normalize=True)).sum()
    assert judge("selection.kappa", (p_o - p_e) / (1 - p_e)).status == "correct"
    agreement_only = judge("selection.kappa", p_o)  # percent agreement instead of kappa
    assert agreement_only.status == "incorrect" and "higher" in agreement_only.message
    assert "chance agreement" in agreement_only.message
    as_series = judge("selection.kappa", pd.Series([p_o, p_e]))
    assert as_series.status == "invalid" and "single number" in as_series.message


def test_weighted_score(data):
    m, w = data["matrix"], data["weights"]
    assert judge("selection.weighted-score", m @ w).status == "correct"
    column_sums = judge("selection.weighted-score", (m * w).sum())
    assert column_sums.status == "incorrect" and "one value per candidate (320), got 4" in column_sums.message
    unweighted = judge("selection.weighted-score", m.mean(axis=1))
    assert unweighted.status == "incorrect" and "values are off" in unweighted.message


def test_shortlist(data):
    weighted = data["matrix"] @ data["weights"]
    assert judge("selection.shortlist", tuple(weighted.nlargest(10).index)).status == "correct"
    bottom = judge("selection.shortlist", list(weighted.sort_values().head(10).index))
    assert bottom.status == "incorrect" and "10 of yours should not be there" in bottom.message
    too_many = judge("selection.shortlist", list(weighted.nlargest(12).index))
    assert too_many.status == "incorrect" and "Expected 10 candidates, got 12" in too_many.message


def _shortlist(matrix, weights, interview):
    return list((matrix.assign(interview=interview) * weights).sum(axis=1).nlargest(10).index)


def test_fair_shortlist_accepts_every_sound_adjustment(data):
    long, m, w = data["long"], data["matrix"], data["weights"]
    by_cand, rating = long["candidate_id"], long["rating"]
    centred = rating - long.groupby("interviewer_id")["rating"].transform("mean") + rating.mean()
    right = _shortlist(m, w, centred.groupby(by_cand).mean())
    assert judge("selection.fair-shortlist", right).status == "correct"
    assert judge("selection.fair-shortlist", tuple(reversed(right))).status == "correct"  # order is free
    no_grand_mean = rating - long.groupby("interviewer_id")["rating"].transform("mean")  # same ranking
    assert judge("selection.fair-shortlist", _shortlist(m, w, no_grand_mean.groupby(by_cand).mean())).status == "correct"
    iv04 = long["interviewer_id"] == "IV04"
    offset = rating[iv04].mean() - rating[~iv04].mean()  # subtract IV04's offset only
    assert judge("selection.fair-shortlist", _shortlist(m, w, (rating - offset * iv04).groupby(by_cand).mean())).status == "correct"
    without_iv04 = long[~iv04].groupby("candidate_id")["rating"].mean()  # leave IV04's ratings out
    assert judge("selection.fair-shortlist", _shortlist(m, w, without_iv04)).status == "correct"


def test_fair_shortlist_explains_the_usual_wrong_answers(data):
    long, m, w = data["long"], data["matrix"], data["weights"]
    by_cand, rating = long["candidate_id"], long["rating"]
    right = _shortlist(m, w, (rating - long.groupby("interviewer_id")["rating"].transform("mean")).groupby(by_cand).mean())
    unadjusted = list((m @ w).nlargest(10).index)  # the panel's shortlist again
    v = judge("selection.fair-shortlist", unadjusted)
    assert v.status == "incorrect" and "1 of yours should not be there ('K0225')" in v.message
    assert "1 expected item(s) are missing" in v.message
    wrong_sign = rating + long.groupby("interviewer_id")["rating"].transform("mean")  # leniency added, not removed
    v = judge("selection.fair-shortlist", _shortlist(m, w, wrong_sign.groupby(by_cand).mean()))
    assert v.status == "incorrect" and "should not be there" in v.message
    centred = rating - long.groupby("interviewer_id")["rating"].transform("mean")
    interview_only = list(centred.groupby(by_cand).mean().nlargest(10).index)  # forgot the weighted matrix
    v = judge("selection.fair-shortlist", interview_only)
    assert v.status == "incorrect" and "should not be there" in v.message
    v = judge("selection.fair-shortlist", right + ["K0218"])  # invited the near-tie too
    assert v.status == "incorrect" and "Expected 10 candidates, got 11" in v.message
    scores = (m.assign(interview=centred.groupby(by_cand).mean()) @ w).nlargest(10)  # the ids are its labels
    assert judge("selection.fair-shortlist", scores).status == "correct"
    v = judge("selection.fair-shortlist", list(scores))  # the scores alone
    assert v.status == "incorrect" and "10 of yours should not be there" in v.message
    assert judge("selection.fair-shortlist", ...).status == "unanswered"


def test_validity(data):
    hired = data["hired"]
    right = hired.drop(columns="performance_rating_12m").corrwith(hired["performance_rating_12m"])
    assert judge("selection.validity", right.sort_values(ascending=False)).status == "correct"
    assert judge("selection.validity", right).status == "correct"  # order checked when graded
    notebook, spec = _keys.exercise("selection.validity")
    unsorted = assess(notebook, spec, to_data(right), hidden=True)
    assert unsorted.status == "partial" and unsorted.score == 0.5 and "strongest positive" in unsorted.message
    hiring = data["measures"].corrwith(data["cand"]["hired"].astype(float)).sort_values(ascending=False)
    wrong_target = judge("selection.validity", hiring)  # predicted being hired, not performance
    assert wrong_target.status == "incorrect" and "values are off" in wrong_target.message
    as_list = judge("selection.validity", list(right.sort_values(ascending=False)))
    assert as_list.status == "invalid" and "without labels" in as_list.message


def test_best_predictor():
    assert judge("selection.best-predictor", "Interview").status == "correct"
    wrong = judge("selection.best-predictor", "impression")
    assert wrong.status == "incorrect" and "largest positive correlation" in wrong.message
    assert judge("selection.best-predictor", "structured interview").status == "correct"  # the lesson's term
    assert judge("selection.best-predictor", "unstructured interview").status == "invalid"


# -- widget exercises ----------------------------------------------------------------

def test_stranger_levels():
    _, spec = _keys.exercise("selection.stranger-levels")
    right = {it["text"]: it["bucket"] for it in spec["items"]}
    assert judge("selection.stranger-levels", right).status == "correct"
    brush_off = next(t for t in right if "I don't work here" in t)
    wrong = dict(right, **{brush_off: "4 'Sorry, I'm here for an interview myself…'"})
    v = judge("selection.stranger-levels", wrong)
    assert v.status == "partial" and "7 of 8" in v.message and "brush-off" in " ".join(v.details)


def test_staged_safeguards():
    _, spec = _keys.exercise("selection.staged-safeguards")
    right = [o["text"] for o in spec["options"] if o.get("correct")]
    assert judge("selection.staged-safeguards", right).status == "correct"
    harsh = next(o["text"] for o in spec["options"] if "rejected at once" in o["text"])
    v = judge("selection.staged-safeguards", right[:2] + [harsh])
    assert v.status == "partial" and "small, noisy sample" in " ".join(v.details)


def test_check_validity():
    _, spec = _keys.exercise("selection.check-validity")
    right = next(o["text"] for o in spec["options"] if o.get("correct"))
    assert judge("selection.check-validity", right).status == "correct"
    v = judge("selection.check-validity", spec["options"][0]["text"])
    assert v.status == "incorrect" and "Schmidt & Hunter" in v.message


def test_reflection():
    short = judge("selection.my-interview", "Title: desk officer. Purpose: help residents.")
    assert short.status == "submitted" and "aim for at least 120" in short.message
    assert judge("selection.my-interview", "word " * 130).status == "submitted"


def test_job_design_form_names_the_missing_parts():
    part = "a sentence of enough words to count as a real answer here"
    half = {"Title": "Front-desk service clerk", "Purpose": part, "Tasks": part + " and more"}
    v = judge("selection.job-design", half)
    assert v.status == "submitted" and "3 of 6 parts" in v.message and "Methods, Standard, Links" in v.message
    full = dict(half, Methods=part, Standard=part, Links=part)
    assert judge("selection.job-design", full).status == "submitted"


def test_job_design_rubric_has_one_criterion_per_part():
    _, spec = _keys.exercise("selection.job-design")
    parts = ["Title", "Purpose", "Tasks", "Methods", "Standard", "Links"]
    assert [r["criterion"].split(":")[0] for r in spec["rubric"]] == parts
    assert [f["name"] for f in spec["fields"]] == parts
