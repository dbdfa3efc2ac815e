"""Module 5 (customer value): does the key give specific feedback on realistic wrong answers?"""
import numpy as np
import pandas as pd
import pytest

from grading import load_dataset
from grading.core import keys as _keys
from grading.core.canon import to_data
from grading.core.widget_models import WIDGET_RULES as GRADERS, Scenario, best_path
from tests.support.keycheck import check_quiz, check_short_reflection, judge

D = 0.10


@pytest.fixture(scope="module")
def customers():
    return load_dataset("customers")


@pytest.fixture(scope="module")
def levels():
    return load_dataset("customers", "service_levels")


@pytest.fixture(scope="module")
def abc_class(customers):
    revenue = customers["revenue_24m_cny"].sort_values(ascending=False)
    before = (revenue.cumsum() - revenue) / revenue.sum()
    return pd.Series(np.where(before < 0.8, "A", np.where(before < 0.95, "B", "C")),
                     index=revenue.index).reindex(customers.index)


@pytest.fixture(scope="module")
def accounts(customers):
    lapsed = load_dataset("customers", "lapsed_accounts")
    cols = ["customer_id", "customer_type", "first_purchase_date", "last_order_date"]
    acc = pd.concat([customers[cols], lapsed[cols]], ignore_index=True)
    acc["cohort"] = acc["first_purchase_date"].dt.year
    acc["last_year"] = acc["last_order_date"].dt.year
    return acc


@pytest.fixture(scope="module")
def m_and_r(customers):
    full = customers["tenure_months"] >= 24
    m = (customers.loc[full, "gross_margin_24m_cny"] / 2).groupby(customers.loc[full, "service_tier"]).mean()
    r = 1 - customers.groupby("service_tier")["churned_12m"].mean()
    return m, r


# -- code exercises --------------------------------------------------------------------

def test_abc_classes_conventions_and_wrong_sort(customers, abc_class):
    right = abc_class.value_counts().sort_index()
    assert judge("value.abc-classes", right).status == "correct"
    assert judge("value.abc-classes", right.to_dict()).status == "correct"
    assert judge("value.abc-classes", right, hidden=True).status == "correct"
    # "cumulative share <= 0.8": the account that crosses 80 % goes to B -- close enough for the check,
    # but the instructor's grading applies the rule exactly and says which rule
    revenue = customers["revenue_24m_cny"].sort_values(ascending=False)
    cum = revenue.cumsum() / revenue.sum()
    inclusive = pd.Series(np.where(cum <= 0.8, "A", np.where(cum <= 0.95, "B", "C"))).value_counts().sort_index()
    assert judge("value.abc-classes", inclusive).status == "correct"
    v = judge("value.abc-classes", inclusive, hidden=True)
    assert v.status == "partial" and v.score == 0.5 and "share of revenue before it" in v.message
    # sorted the wrong way round: the smallest accounts come first
    up = customers["revenue_24m_cny"].sort_values()
    before = (up.cumsum() - up) / up.sum()
    wrong = pd.Series(np.where(before < 0.8, "A", np.where(before < 0.95, "B", "C"))).value_counts().sort_index()
    v = judge("value.abc-classes", wrong)
    assert v.status == "incorrect" and "values are off" in v.message
    v = judge("value.abc-classes", list(right))
    assert v.status == "invalid" and "plain list without labels" in v.message


def test_cost_to_serve_two_year_margin_is_caught(customers, levels):
    cost = customers["service_tier"].map(levels.set_index("service_tier")["cost_per_account_year_cny"])
    tier = customers["service_tier"]
    right = (customers["gross_margin_24m_cny"] / 2 < cost).groupby(tier).mean()
    assert judge("value.cost-to-serve", right).status == "correct"
    assert judge("value.cost-to-serve", right * 100).status == "correct"
    v = judge("value.cost-to-serve", (customers["gross_margin_24m_cny"] < cost).groupby(tier).mean())
    assert v.status == "incorrect" and "values are off" in v.message
    v = judge("value.cost-to-serve", right.drop("solution"))
    assert v.status == "incorrect" and "one value per service tier (3), got 2" in v.message


def _rfm(customers):
    days = (pd.Timestamp("2025-12-31") - customers["last_order_date"]).dt.days
    R = pd.cut(days, bins=[-1, 90, 180, 365, 540, np.inf], labels=[5, 4, 3, 2, 1]).astype(int)
    F = pd.cut(customers["orders_24m"], bins=[0, 1, 2, 5, 19, np.inf], labels=[1, 2, 3, 4, 5]).astype(int)
    M = pd.cut(customers["revenue_24m_cny"], bins=[0, 2000, 5000, 20000, 100000, np.inf],
               labels=[1, 2, 3, 4, 5], right=False).astype(int)
    return R, F, M


def test_rfm_at_risk_reversed_recency_and_quintiles(customers):
    R, F, M = _rfm(customers)
    right = customers.loc[(R <= 2) & (F >= 4) & (M >= 4), "customer_id"]
    assert judge("value.rfm-at-risk", list(right)).status == "correct"
    assert judge("value.rfm-at-risk", set(right)).status == "correct"
    assert judge("value.rfm-at-risk", right).status == "correct"  # a Series of ids
    # recent instead of quiet
    recent = customers.loc[(R >= 4) & (F >= 4) & (M >= 4), "customer_id"]
    v = judge("value.rfm-at-risk", list(recent))
    assert v.status == "incorrect" and f"Expected {len(right)} customers, got {len(recent)}" in v.message
    # M with right-closed bins: the accounts at exactly a cut-off move
    m_closed = pd.cut(customers["revenue_24m_cny"], bins=[-1, 2000, 5000, 20000, 100000, np.inf],
                      labels=[1, 2, 3, 4, 5]).astype(int)
    near = customers.loc[(R <= 2) & (F >= 4) & (m_closed >= 4), "customer_id"]
    assert set(near) != set(right) or judge("value.rfm-at-risk", list(near)).status == "correct"


def test_retention_is_not_churn(customers):
    churn = customers.groupby("service_tier")["churned_12m"].mean()
    assert judge("value.retention-by-tier", 1 - churn).status == "correct"
    assert judge("value.retention-by-tier", (1 - churn) * 100).status == "correct"
    v = judge("value.retention-by-tier", churn)
    assert v.status == "incorrect" and "3 of 3 values are off" in v.message
    assert judge("value.retention-by-tier", (1 - churn).round(4), hidden=True).status == "correct"
    assert judge("value.retention-by-tier", (1 - churn).round(1)).status == "incorrect"


def test_clv_with_first_margin_or_without_discount(m_and_r):
    m, r = m_and_r
    right = m * r / (1 + D - r)
    assert judge("value.clv-by-tier", right).status == "correct"
    assert judge("value.clv-by-tier", right.to_dict()).status == "correct"
    for wrong in (m + right, m * r / (1 - r), m / (1 + D - r), m * r / (1 + 10 - r)):
        v = judge("value.clv-by-tier", wrong)
        assert v.status == "incorrect" and "3 of 3 values are off" in v.message


def test_break_even_with_clv_gets_the_advice(m_and_r):
    m, r = m_and_r
    right = 0.05 * m["consultative"] / (1 + D - r["consultative"])
    assert judge("value.break-even", right).status == "correct"
    assert judge("value.break-even", pd.Series([right])).status == "correct"
    with_clv = 0.05 * m["consultative"] * r["consultative"] / (1 + D - r["consultative"])
    v = judge("value.break-even", with_clv)
    assert v.status == "incorrect" and "lower" in v.message and "A saved customer is worth" in v.message
    assert judge("value.break-even", round(right), hidden=True).status == "correct"  # 3 significant digits
    v = judge("value.break-even", round(right, -1))
    assert v.status == "incorrect" and "rounded to the nearest 10" in v.message


def test_survival_without_the_archive_and_wrong_years(customers, accounts):
    c2019 = accounts[accounts["cohort"] == 2019]
    right = pd.Series({k: (c2019["last_year"] >= 2019 + k).mean() for k in range(6)})
    assert judge("value.cohort-survival", right).status == "correct"
    assert judge("value.cohort-survival", right.to_dict()).status == "correct"
    # the CRM snapshot alone: every 2019 account seems to have stayed until 2024
    only_crm = customers[customers["first_purchase_date"].dt.year == 2019]["last_order_date"].dt.year
    v = judge("value.cohort-survival", pd.Series({k: (only_crm >= 2019 + k).mean() for k in range(6)}))
    assert v.status == "incorrect" and "5 of 6 values are off" in v.message
    # counted from k = 1
    v = judge("value.cohort-survival", pd.Series(right.to_numpy(), index=range(1, 7)))
    assert v.status == "incorrect" and "missing '0'" in v.message


def test_realised_value_denominator_and_discounting(accounts):
    sales = load_dataset("customers", "sales_by_year")
    rows = sales.merge(accounts[["customer_id", "customer_type", "cohort"]], on="customer_id")
    rows = rows[(rows["cohort"] == 2019) & (rows["year"] > 2019)]
    discounted = rows["gross_margin_cny"] / (1 + D) ** (rows["year"] - 2019)
    acquired = accounts[accounts["cohort"] == 2019].groupby("customer_type").size()
    right = discounted.groupby(rows["customer_type"]).sum() / acquired
    assert judge("value.realised-value", right).status == "correct"
    buyers = rows.groupby("customer_type")["customer_id"].nunique()  # only those still buying after 2019
    v = judge("value.realised-value", discounted.groupby(rows["customer_type"]).sum() / buyers)
    assert v.status == "incorrect" and "values are off" in v.message
    v = judge("value.realised-value", rows["gross_margin_cny"].groupby(rows["customer_type"]).sum() / acquired)
    assert v.status == "incorrect" and "3 of 3 values are off" in v.message


def test_churn_by_experience_order_of_the_groups(customers, abc_class):
    experience = pd.Series(np.where(customers["complained"], "complained",
                                    np.where(customers["experienced_problem"], "silent", "no problem")),
                           index=customers.index)
    right = customers["churned_12m"].groupby([abc_class, experience]).mean()
    assert judge("value.churn-by-experience", right).status == "correct"
    v = judge("value.churn-by-experience", customers["churned_12m"].groupby([experience, abc_class]).mean())
    assert v.status == "incorrect" and "labels do not match" in v.message
    v = judge("value.churn-by-experience", right.unstack())
    assert v.status == "invalid"
    # "silent" taken as everyone who did not complain
    loose = pd.Series(np.where(customers["complained"], "complained", "silent"), index=customers.index)
    v = judge("value.churn-by-experience", customers["churned_12m"].groupby([abc_class, loose]).mean())
    assert v.status == "incorrect" and "(9), got 6" in v.message


# -- widget exercises -------------------------------------------------------------------

def spec(exercise_id):
    return _keys.exercise(exercise_id)[1]


def test_service_levels_buckets():
    s = spec("value.service-levels")
    right = {it["text"]: it["bucket"] for it in s["items"]}
    assert GRADERS["buckets"](s, to_data(right)).status == "correct"
    assert sorted({it["bucket"] for it in s["items"]}) == sorted(s["buckets"])
    wrong = dict(right)
    caller = "A household in class C that calls the hotline every week"
    wrong[caller] = "consultative service (顾问式服务)"
    v = GRADERS["buckets"](s, to_data(wrong))
    assert v.status == "partial" and any(caller in line and "not what they are worth" in line for line in v.details)


def test_clv_estimate_common_mistakes():
    s = spec("value.clv-estimate")
    assert abs(s["expected"] - 3600 * 0.85 / (1.12 - 0.85)) < 1
    assert GRADERS["numeric"](s, to_data(11300)).status == "correct"
    assert GRADERS["numeric"](s, to_data(11400)).status == "correct"
    for wrong in (3600 * 0.85 / 0.15, 3600 + 3600 * 0.85 / 0.27, 3600 / 0.27):  # no discount, first margin, no r
        v = GRADERS["numeric"](s, to_data(round(wrong, -2)))
        assert v.status == "incorrect" and "Too high" in v.message
    v = GRADERS["numeric"](s, to_data(3600 * 0.85))
    assert v.status == "incorrect" and "Too low" in v.message


def test_retention_claims():
    s = spec("value.retention-claims")
    right = [o["text"] for o in s["options"] if o.get("correct")]
    assert GRADERS["choose-many"](s, to_data(right)).status == "correct"
    garbled = next(o["text"] for o in s["options"] if "satisfaction" in o["text"])
    v = GRADERS["choose-many"](s, to_data(right + [garbled]))
    assert v.status == "partial" and any("garbled" in line for line in v.details)


def test_key_account_paths():
    s = spec("value.key-account")
    assert Scenario(s).best() == 8
    best = GRADERS["scenario"](s, to_data(best_path(s)[1]))
    assert best.status == "correct" and "8 of 8" in best.message and "Luoyang" in best.message
    discount_first = GRADERS["scenario"](s, to_data([2, 0]))
    assert discount_first.status == "incorrect" and "(price-first)" in discount_first.details[0]
    recovered = GRADERS["scenario"](s, to_data([0, 2, 2, 1]))  # bad start, then listening, solving, measuring
    assert recovered.status == "partial" and recovered.score == 0.75


def test_key_account_best_reply_is_not_predictable():
    """The best reply is not always the longest, nor always in the same place."""
    s = spec("value.key-account")
    positions, longest = set(), 0
    for node in s["nodes"].values():
        replies = node.get("replies") or []
        if not replies:
            assert node.get("outcome")
            continue
        assert 2 <= len(replies) <= 3
        top = max(r["points"] for r in replies)
        best = [i for i, r in enumerate(replies) if r["points"] == top]
        assert len(best) == 1
        positions.add(best[0])
        longest += max(range(len(replies)), key=lambda i: len(replies[i]["text"])) == best[0]
        for r in replies:
            assert r.get("feedback") and r.get("style")
    assert positions == {0, 1, 2}
    assert longest <= 2, "the best reply is the longest at most in two of the six turns"


def test_loyalty_quiz_right_option_is_not_the_longest():
    check_quiz("value.loyalty", "merely satisfied")


def test_reflection_short_is_listed_not_failed():
    check_short_reflection("value.my-customers", "Our VIP customers.")
