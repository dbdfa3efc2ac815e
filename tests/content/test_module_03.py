"""Module 3 (complaint handling): does the key give specific feedback on realistic wrong answers?"""
import numpy as np
import pandas as pd
import pytest

from grading import load_dataset
from grading.core import keys as _keys
from grading.core.canon import to_data
from grading.core.widget_models import WIDGET_RULES as GRADERS, Scenario
from tests.support.keycheck import judge

CHANNELS = {"phone": "phone", "tel.": "phone", "电话": "phone", "email": "email", "e-mail": "email",
            "邮件": "email", "web": "web", "web form": "web", "网站": "web", "wechat": "wechat",
            "微信": "wechat", "walk-in": "walk_in", "walk in": "walk_in", "到店": "walk_in"}



@pytest.fixture(scope="module")
def tickets():
    t = load_dataset("complaints").drop_duplicates().reset_index(drop=True)
    t["channel_clean"] = t["channel"].str.strip().str.lower().map(CHANNELS)
    t["first_response_h"] = (t["first_response_at"] - t["received_at"]).dt.total_seconds() / 3600
    t["resolution_h"] = (t["resolved_at"] - t["received_at"]).dt.total_seconds() / 3600
    return t


@pytest.fixture(scope="module")
def customers():
    return load_dataset("customers")


# -- code exercises --------------------------------------------------------------------

def test_clean_channels_right_and_not_stripped(tickets):
    assert judge("complaints.clean-channels", tickets["channel_clean"].value_counts()).status == "correct"
    lower_only = tickets["channel"].str.lower().map({**CHANNELS, "phone ": None}).value_counts()
    v = judge("complaints.clean-channels", tickets["channel"].str.lower().value_counts())
    assert v.status == "incorrect" and "one value per clean channel (5)" in v.message and "got 15" in v.message
    assert judge("complaints.clean-channels", lower_only).status == "incorrect"


def test_clean_channels_duplicates_kept_gives_off_values():
    raw = load_dataset("complaints")
    counts = raw["channel"].str.strip().str.lower().map(CHANNELS).value_counts()
    v = judge("complaints.clean-channels", counts)
    assert v.status == "incorrect" and "values are off" in v.message


def test_clean_channels_plain_list_is_refused(tickets):
    v = judge("complaints.clean-channels", list(tickets["channel_clean"].value_counts()))
    assert v.status == "invalid" and "plain list without labels" in v.message


def test_response_times_in_minutes_names_the_column(tickets):
    right = tickets[["first_response_h", "resolution_h"]]
    assert judge("complaints.response-times", right).status == "correct"
    minutes = right.assign(first_response_h=right["first_response_h"] * 60)
    v = judge("complaints.response-times", minutes)
    assert v.status == "incorrect" and "'first_response_h'" in v.message and "resolution_h" not in v.message


def test_response_times_missing_column_and_wrong_rows(tickets):
    v = judge("complaints.response-times", tickets[["first_response_h"]])
    assert v.status == "incorrect" and "Missing column(s) 'resolution_h'" in v.message
    v = judge("complaints.response-times", tickets[["first_response_h", "resolution_h"]].head(100))
    assert v.status == "incorrect" and "5282 rows (one per ticket)" in v.message


def test_within_24h_unsorted_percent_and_lost_records(tickets):
    t = tickets.dropna(subset=["first_response_h"])
    share = (t["first_response_h"] <= 24).groupby(t["channel_clean"]).mean()
    assert judge("complaints.within-24h", share.sort_values()).status == "correct"
    assert judge("complaints.within-24h", share.sort_values() * 100).status == "correct"
    assert judge("complaints.within-24h", share.to_dict()).status == "correct"  # order is not graded
    v = judge("complaints.within-24h", share.drop("walk_in"))
    assert v.status == "incorrect" and "one value per channel (5), got 4" in v.message
    with_lost = (tickets["first_response_h"] <= 24).groupby(tickets["channel_clean"]).mean().sort_values()
    v = judge("complaints.within-24h", with_lost)
    assert v.status == "incorrect" and "values are off" in v.message and "'email'" in v.message


def test_pareto_unsorted_cumulative_is_caught(tickets):
    n = tickets["root_cause"].value_counts()
    right = pd.DataFrame({"count": n, "share": n / n.sum(), "cum_share": (n / n.sum()).cumsum()})
    assert judge("complaints.pareto", right).status == "correct"
    assert judge("complaints.pareto", right.reset_index()).status == "correct"
    alpha = n.sort_index()
    wrong = pd.DataFrame({"count": alpha, "share": alpha / alpha.sum(), "cum_share": (alpha / alpha.sum()).cumsum()})
    v = judge("complaints.pareto", wrong)
    assert v.status == "incorrect" and "'cum_share'" in v.message and "'count'" not in v.message
    v = judge("complaints.pareto", right.drop(columns="cum_share"))
    assert v.status == "incorrect" and "Missing column(s) 'cum_share'" in v.message


def test_vital_few_stops_too_early(tickets):
    cum = tickets["root_cause"].value_counts(normalize=True).cumsum()
    right = list(cum[cum.shift(fill_value=0) < 0.8].index)
    assert judge("complaints.vital-few", set(right)).status == "correct"
    too_few = list(cum[cum < 0.8].index)  # forgets the cause that crosses 80 %
    v = judge("complaints.vital-few", too_few)
    assert v.status == "incorrect" and "Expected 9 root causes, got 8" in v.message


def test_csat_by_band_with_missing_as_zero(tickets):
    edges, labels = [0, 1, 4, 24, 72, np.inf], ["<1 h", "1-4 h", "4-24 h", "1-3 days", ">3 days"]
    band = pd.cut(tickets["first_response_h"], bins=edges, labels=labels, right=False)
    assert judge("complaints.csat-by-band", tickets["csat"].groupby(band, observed=False).mean()).status == "correct"
    v = judge("complaints.csat-by-band", tickets["csat"].fillna(0).groupby(band, observed=False).mean())
    assert v.status == "incorrect" and "5 of 5 values are off" in v.message
    v = judge("complaints.csat-by-band", tickets["csat"].groupby(tickets["channel_clean"]).mean())
    assert v.status == "incorrect" and "missing '<1 h'" in v.message


def test_churn_by_group_missing_a_group_and_percent(tickets, customers):
    last = tickets.sort_values("received_at").drop_duplicates("customer_id", keep="last")
    status = customers["customer_id"].map(last.set_index("customer_id")["resolution_status"])
    group = pd.Series("no problem", index=customers.index)
    group[customers["experienced_problem"] & ~customers["complained"]] = "silent"
    group[status == "resolved"] = "recovered"
    group[status.notna() & (status != "resolved")] = "not recovered"
    right = customers["churned_12m"].groupby(group).mean()
    assert judge("complaints.churn-by-group", right).status == "correct"
    assert judge("complaints.churn-by-group", (right * 100).to_dict()).status == "correct"
    v = judge("complaints.churn-by-group", right.drop("silent"))
    assert v.status == "incorrect" and "(4), got 3" in v.message
    # "recovered" from the FIRST complaint instead of the last one
    first = tickets.sort_values("received_at").drop_duplicates("customer_id", keep="first")
    status1 = customers["customer_id"].map(first.set_index("customer_id")["resolution_status"])
    g1 = group.copy()
    g1[status1 == "resolved"] = "recovered"
    g1[status1.notna() & (status1 != "resolved")] = "not recovered"
    v = judge("complaints.churn-by-group", customers["churned_12m"].groupby(g1).mean())
    assert v.status == "incorrect" and "'recovered'" in v.message


def test_revenue_at_risk_two_years_and_ticket_level(tickets, customers):
    lost = customers["complained"] & customers["churned_12m"]
    right = customers.loc[lost, "revenue_24m_cny"].sum() / 2
    assert judge("complaints.revenue-at-risk", right).status == "correct"
    v = judge("complaints.revenue-at-risk", right * 2)
    assert v.status == "incorrect" and "higher" in v.message and "yearly figure" in v.message
    per_ticket = tickets[tickets["churned_12m"]].merge(customers[["customer_id", "revenue_24m_cny"]])
    v = judge("complaints.revenue-at-risk", per_ticket["revenue_24m_cny"].sum() / 2)
    assert v.status == "incorrect" and "Count each customer once" in v.message
    v = judge("complaints.revenue-at-risk", customers.loc[lost, ["revenue_24m_cny"]])
    assert v.status == "invalid" and "single number" in v.message


# -- widget exercises -------------------------------------------------------------------

def spec(exercise_id):
    return _keys.exercise(exercise_id)[1]


def test_handling_order():
    s = spec("complaints.handling-order")
    assert GRADERS["order"](s, to_data(list(s["steps"]))).status == "correct"
    swapped = list(s["steps"])
    swapped[1], swapped[4] = swapped[4], swapped[1]  # solve before listening
    v = GRADERS["order"](s, to_data(swapped))
    assert v.status == "partial" and "position 2" in v.details[0]


def test_angry_customer_paths():
    s = spec("complaints.angry-customer")
    best = GRADERS["scenario"](s, to_data([2, 0, 0, 0]))
    assert best.status == "correct" and "8 of 8" in best.message
    defensive = GRADERS["scenario"](s, to_data([0, 0, 1]))
    assert defensive.status == "incorrect" and "(defensive)" in defensive.details[0]
    assert "Step 1, acknowledge" in defensive.details[0]
    scripted = GRADERS["scenario"](s, to_data([1, 1, 0, 1]))
    assert scripted.status == "partial" and "(scripted)" in scripted.details[0]


def test_angry_customer_every_path_has_three_turns_and_two_replies():
    s = spec("complaints.angry-customer")
    lengths = []

    def walk(node, depth):
        replies = s["nodes"][node].get("replies") or []
        if not replies:
            lengths.append(depth)
            return
        assert 2 <= len(replies) <= 3, node
        for r in replies:
            assert r.get("feedback") and r.get("style") in ("defensive", "scripted", "empathic")
            walk(r["next"], depth + 1)

    walk(s["start"], 0)
    assert min(lengths) >= 3
    assert Scenario(s).best() == 8


def test_justice_sort():
    s = spec("complaints.justice-sort")
    right = {it["text"]: it["bucket"] for it in s["items"]}
    assert GRADERS["buckets"](s, to_data(right)).status == "correct"
    wrong = dict(right)
    voucher = "Here is a 200-yuan voucher for the inconvenience."
    wrong[voucher] = "interactional (how I am treated)"
    v = GRADERS["buckets"](s, to_data(wrong))
    assert v.status == "partial" and any(voucher in line and "receives" in line for line in v.details)


def test_paradox_quiz():
    s = spec("complaints.paradox")
    right = next(o["text"] for o in s["options"] if o.get("correct"))
    assert GRADERS["choose-one"](s, to_data(right)).status == "correct"
    v = GRADERS["choose-one"](s, to_data(s["options"][1]["text"]))
    assert v.status == "incorrect" and "does not support it" in v.message


def test_reply_reflection_needs_enough_words():
    s = spec("complaints.reply")
    assert GRADERS["reflection"](s, to_data("Sorry [interactional].")).status == "submitted"  # short: listed for the instructor, never failed
    assert GRADERS["reflection"](s, to_data("word " * 120)).status == "submitted"
