"""Module 2 (quality gaps): does the key give specific feedback on realistic wrong answers?"""
import pandas as pd
import pytest

from grading import load_dataset
from grading.core import keys as _keys
from tests.support.keycheck import judge

DIMS = ["tangibles", "reliability", "responsiveness", "assurance", "empathy"]


@pytest.fixture(scope="module")
def data():
    """The notebook's own intermediate results, rebuilt from the dataset."""
    survey = load_dataset("servqual").set_index("respondent_id")
    items = load_dataset("servqual", "items")
    E = survey[items["expectation_column"]].set_axis(items["item_no"], axis=1)
    P = survey[items["perception_column"]].set_axis(items["item_no"], axis=1)
    G = P - E
    dimension = items.set_index("item_no")["dimension"]
    resp_dim_gaps = G.T.groupby(dimension).mean().T[DIMS]
    points = survey.filter(like="imp_").rename(columns=lambda c: c.removeprefix("imp_"))
    weights = points.div(points.sum(axis=1), axis=0)
    branch_perc = P.T.groupby(dimension).mean().T.groupby(survey["branch"]).mean()[DIMS]
    ipa = pd.DataFrame({"importance": points.mean(), "performance": P.mean().groupby(dimension).mean()})
    imp_b = points.groupby(survey["branch"]).mean().stack().rename_axis(["branch", "dimension"])
    ipa_branch = pd.DataFrame({"importance": imp_b,
                               "performance": branch_perc.stack().rename_axis(["branch", "dimension"])}).reset_index()
    return dict(survey=survey, E=E, P=P, G=G, dimension=dimension, resp_dim_gaps=resp_dim_gaps,
                points=points, weights=weights, ipa=ipa, ipa_branch=ipa_branch)


# -- item and dimension gaps ---------------------------------------------------------

def test_item_gaps_right_in_either_form(data):
    assert judge("gaps.item-gaps", data["G"].mean()).status == "correct"
    # mean(P) - mean(E) differs slightly where answers are missing; still accepted
    assert judge("gaps.item-gaps", data["P"].mean() - data["E"].mean()).status == "correct"


def test_item_gaps_wrong_sign_is_named(data):
    v = judge("gaps.item-gaps", (data["E"] - data["P"]).mean())
    assert v.status == "incorrect" and "wrong sign" in v.message


def test_item_gaps_plain_list_needs_labels(data):
    v = judge("gaps.item-gaps", list(data["G"].mean()))
    assert v.status == "invalid" and "without labels" in v.message


def test_dimension_gaps_per_item_instead_of_per_dimension(data):
    v = judge("gaps.dimension-gaps", data["G"].mean())
    assert v.status == "incorrect"
    assert "one value per SERVQUAL dimension (5), got 22" in v.message


def test_dimension_gaps_as_dict_rounded_to_two_decimals(data):
    right = data["G"].mean().groupby(data["dimension"]).mean().round(2).to_dict()
    assert judge("gaps.dimension-gaps", right).status == "correct"


# -- weakest dimension ----------------------------------------------------------------

@pytest.mark.parametrize("answer", ["reliability", " Reliability", "可靠性"])
def test_weakest_accepts_spellings(answer):
    assert judge("gaps.weakest", answer).status == "correct"


def test_weakest_idxmax_gets_advice():
    v = judge("gaps.weakest", "tangibles")  # idxmax of negative gaps: the smallest shortfall
    assert v.status == "incorrect" and "most negative" in v.message


def test_weakest_not_a_dimension():
    v = judge("gaps.weakest", "quality")
    assert v.status == "invalid" and "not one of the options" in v.message


# -- weights and weighted SERVQUAL ------------------------------------------------------

def test_weights_divided_by_100_flags_the_rows(data):
    v = judge("gaps.weights", data["points"] / 100)
    assert v.status == "incorrect" and "Values differ in column" in v.message
    assert "480 rows" not in v.message  # only the nine bad allocations differ


def test_weights_as_percentages(data):
    v = judge("gaps.weights", data["weights"] * 100)
    assert v.status == "incorrect" and "480 rows" in v.message


def test_weights_with_id_as_column_and_the_rounding_policy(data):
    w = data["weights"].reset_index()
    assert judge("gaps.weights", w).status == "correct"
    for decimals in (4, 2):  # rounded for display: right in the check and when graded
        assert judge("gaps.weights", data["weights"].round(decimals), hidden=True).status == "correct"
    v = judge("gaps.weights", data["weights"].round(1))
    assert v.status == "incorrect" and "Rounded? They look rounded to 1 decimal place" in v.message


def _respondent_weighted(data):
    score = (data["resp_dim_gaps"] * data["weights"]).sum(axis=1)
    return score.groupby(data["survey"]["branch"]).mean()


def test_weighted_servqual_unsorted_fails_only_the_graded_check(data):
    unsorted = _respondent_weighted(data).sort_index()
    assert judge("gaps.weighted-servqual", unsorted).status == "correct"
    v = judge("gaps.weighted-servqual", unsorted, hidden=True)
    assert v.status == "partial" and v.score == 0.5  # the hidden order rule keeps half the points
    assert "not in the expected order" in v.message and "most negative" in v.message


def test_weighted_servqual_wrong_sign(data):
    v = judge("gaps.weighted-servqual", -_respondent_weighted(data).sort_values())
    assert v.status == "incorrect" and "wrong sign" in v.message


def test_weighted_servqual_sorted(data):
    right = _respondent_weighted(data).sort_values()
    assert judge("gaps.weighted-servqual", right).status == "correct"
    assert judge("gaps.weighted-servqual", right, hidden=True).status == "correct"


def test_weighted_servqual_mean_weights_times_mean_gaps_is_off(data):
    branch_gaps = data["resp_dim_gaps"].groupby(data["survey"]["branch"]).mean()
    shortcut = (branch_gaps * data["weights"].mean()).sum(axis=1).sort_values()
    v = judge("gaps.weighted-servqual", shortcut)
    assert v.status == "incorrect" and "values are off" in v.message and "shenzhen_futian" in v.message


# -- Cronbach's alpha -------------------------------------------------------------------

def _alphas(data, factor=True):
    out = {}
    for d in DIMS:
        block = data["G"][data["dimension"].index[data["dimension"] == d]].dropna()
        k = block.shape[1]
        ratio = 1 - block.var().sum() / block.sum(axis=1).var()
        out[d] = k / (k - 1) * ratio if factor else ratio
    return pd.Series(out)


def test_alpha_right(data):
    assert judge("gaps.alpha", _alphas(data)).status == "correct"


def test_alpha_without_k_over_k_minus_1(data):
    v = judge("gaps.alpha", _alphas(data, factor=False))
    assert v.status == "incorrect" and "5 of 5 values are off" in v.message


def test_alpha_single_number():
    v = judge("gaps.alpha", 0.84)
    assert v.status == "invalid" and "Series or dict" in v.message


# -- communication gap ------------------------------------------------------------------

@pytest.mark.parametrize("answer", ["shenzhen_futian", "Shenzhen Futian", "shenzhen"])
def test_communication_branch_right(answer):
    assert judge("gaps.communication-branch", answer).status == "correct"


def test_communication_branch_delivery_problem_is_not_it():
    v = judge("gaps.communication-branch", "chengdu_wuhou")  # the biggest gap, but from low perceptions
    assert v.status == "incorrect" and "expectations" in v.message


def test_communication_branch_unknown_name():
    v = judge("gaps.communication-branch", "Shenzhen")
    assert v.status == "correct"
    v = judge("gaps.communication-branch", "beijing")
    assert v.status == "invalid" and "not one of the options" in v.message


# -- importance–performance quadrants -----------------------------------------------------

def _quadrants(data, swap=False):
    ipa, t = data["ipa"], data["ipa_branch"]
    imp_line, perf_line = ipa["importance"].mean(), ipa["performance"].mean()
    hi_imp, hi_perf = t["importance"] >= imp_line, t["performance"] >= perf_line
    if swap:  # the two axes' labels mixed up
        hi_imp, hi_perf = hi_perf, hi_imp
    label = pd.Series("possible overkill", index=t.index)
    label[hi_imp & hi_perf] = "keep up the good work"
    label[hi_imp & ~hi_perf] = "concentrate here"
    label[~hi_imp & ~hi_perf] = "low priority"
    return t.assign(quadrant=label)


def test_quadrants_right(data):
    assert judge("gaps.ipa-quadrants", _quadrants(data)).status == "correct"


def test_quadrants_axes_swapped(data):
    v = judge("gaps.ipa-quadrants", _quadrants(data, swap=True))
    assert v.status == "incorrect" and "Values differ in column 'quadrant'" in v.message


def test_quadrants_column_missing(data):
    v = judge("gaps.ipa-quadrants", data["ipa_branch"])
    assert v.status == "incorrect" and "Missing column(s) 'quadrant'" in v.message


def test_quadrants_network_level_only(data):
    five = _quadrants(data).head(5)
    v = judge("gaps.ipa-quadrants", five)
    assert v.status == "incorrect" and "Expected 25 rows (one per centre and dimension)" in v.message


# -- widgets ----------------------------------------------------------------------------

def _spec(exercise_id):
    return _keys.exercise(exercise_id)[1]


def test_which_gap_all_right():
    placed = {it["text"]: it["bucket"] for it in _spec("gaps.which-gap")["items"]}
    assert judge("gaps.which-gap", placed).status == "correct"


def test_which_gap_over_promise_as_delivery_names_the_cause():
    items = _spec("gaps.which-gap")["items"]
    placed = {it["text"]: it["bucket"] for it in items}
    advert = next(it["text"] for it in items if "2-hour" in it["text"])
    placed[advert] = "Gap 3 — performance"
    v = judge("gaps.which-gap", placed)
    assert v.status == "partial" and "8 of 9" in v.message
    assert any("over-promising" in line for line in v.details)


def test_which_gap_unknown_bucket():
    text = _spec("gaps.which-gap")["items"][0]["text"]
    assert judge("gaps.which-gap", {text: "Gap 6"}).status == "invalid"


def test_servperf_quiz():
    options = _spec("gaps.servperf")["options"]
    right = next(o["text"] for o in options if o.get("correct"))
    wrong = next(o for o in options if not o.get("correct"))
    assert judge("gaps.servperf", right).status == "correct"
    v = judge("gaps.servperf", wrong["text"])
    assert v.status == "incorrect" and v.message == wrong["feedback"]


def test_reflection_needs_enough_words():
    assert judge("gaps.my-gap", "Gap 4, we over-promise.").status == "submitted"  # short: listed for the instructor, never failed
    text = " ".join(["Our sales team promises next-day installation but the installers plan a week ahead."] * 8)
    assert judge("gaps.my-gap", text).status == "submitted"


def test_every_key_exercise_is_used_in_the_notebook():
    import nbformat
    from grading.core.paths import course_root
    nb = nbformat.read(course_root() / "notebooks" / "02-quality-gaps.ipynb", as_version=4)
    source = "\n".join(c.source for c in nb.cells)
    for ex in _keys.notebook_key("02-quality-gaps")["exercises"]:
        call = f'check("{ex["id"]}"' if ex["kind"] == "code" else f'show("{ex["id"]}")'
        assert call in source, ex["id"]
        assert f"### Exercise {ex['id']} (" in source, ex["id"]
