"""Module 1 (service blueprints): does the key give specific feedback on realistic mistakes?"""
import pandas as pd
import pytest

from grading import load_dataset
from grading.core import keys as _keys
from tests.support.keycheck import judge




@pytest.fixture(scope="module")
def data():
    events = load_dataset("service_process", "events")
    steps = load_dataset("service_process", "steps")
    resources = load_dataset("service_process", "resources")
    instances = load_dataset("service_process", "instances")
    days = instances["arrival_at"].dt.normalize().nunique()
    return events, steps, resources, days


def test_step_means_right_and_median_instead_of_mean(data):
    events = data[0]
    right = events.groupby("step_id")["duration_min"].mean()
    assert judge("blueprint.step-means", right).status == "correct"
    assert judge("blueprint.step-means", right.to_dict()).status == "correct"  # a dict is fine too
    v = judge("blueprint.step-means", events.groupby("step_id")["duration_min"].median())
    assert v.status == "incorrect" and "values are off" in v.message
    v = judge("blueprint.step-means", right.to_list())
    assert v.status == "invalid" and "without labels" in v.message


def test_step_means_first_attempts_only_is_off_for_the_reworked_steps(data):
    events = data[0]
    first = events[events["attempt"] == 1].groupby("step_id")["duration_min"].mean()
    v = judge("blueprint.step-means", first)
    assert v.status == "incorrect" and "'S09'" in v.message and "'S10'" in v.message


def test_cycle_time_accepts_both_routes_and_rejects_working_time_only(data):
    events = data[0]
    by = events.groupby("instance_id")
    right = (by["end_at"].max() - by["queue_entry_at"].min()).dt.total_seconds() / 60
    assert judge("blueprint.cycle-time", right).status == "correct"
    summed = by[["wait_min", "duration_min"]].sum().sum(axis=1)
    assert judge("blueprint.cycle-time", summed).status == "correct"
    v = judge("blueprint.cycle-time", by["duration_min"].sum())
    assert v.status == "incorrect" and "values are off" in v.message
    v = judge("blueprint.cycle-time", right.iloc[:10])
    assert "one value per visit" in v.message


def test_cycle_time_in_hours_is_wrong(data):
    events = data[0]
    by = events.groupby("instance_id")
    hours = (by["end_at"].max() - by["queue_entry_at"].min()).dt.total_seconds() / 3600
    assert judge("blueprint.cycle-time", hours).status == "incorrect"


def test_wait_share_percent_accepted_ratio_to_work_rejected_with_advice(data):
    events = data[0]
    w, d = events["wait_min"].sum(), events["duration_min"].sum()
    assert judge("blueprint.wait-share", w / (w + d)).status == "correct"
    assert judge("blueprint.wait-share", 100 * w / (w + d)).status == "correct"
    v = judge("blueprint.wait-share", w / d)
    assert v.status == "incorrect" and "higher than expected" in v.message and "not by the working minutes" in v.message
    v = judge("blueprint.wait-share", pd.Series([w, d]))
    assert v.status == "invalid" and "single number" in v.message


def test_fail_rates_all_steps_or_per_visit_denominator(data):
    events, steps = data[0], data[1]
    ids = steps.loc[steps["fail_point"], "step_id"]
    right = events[events["step_id"].isin(ids)].groupby("step_id")["failed"].mean()
    assert judge("blueprint.fail-rates", right).status == "correct"
    assert judge("blueprint.fail-rates", right * 100).status == "correct"
    v = judge("blueprint.fail-rates", events.groupby("step_id")["failed"].mean())
    assert v.status == "incorrect" and "one value per fail point (4), got 8" in v.message
    per_visit = events[events["step_id"].isin(ids)].groupby("step_id")["failed"].sum() / events["instance_id"].nunique()
    v = judge("blueprint.fail-rates", per_visit)
    assert v.status == "incorrect" and "'S08'" in v.message and "'S05'" not in v.message


def test_utilisation_with_the_customer_step_or_without_days(data):
    events, _, resources, days = data
    work = events.groupby("step_id")["duration_min"].sum()
    cap = resources.set_index("step_id").eval("staff_count * open_minutes_per_day")
    right = (work / (cap * days)).dropna()
    assert judge("blueprint.utilisation", right).status == "correct"
    v = judge("blueprint.utilisation", (work / (cap * days)).reindex(work.index))
    assert v.status == "incorrect" and "one value per staffed step (7), got 8" in v.message
    v = judge("blueprint.utilisation", (work / cap).dropna())
    assert v.status == "incorrect" and "7 of 7 values are off" in v.message


def test_bottleneck_text(data):
    assert judge("blueprint.bottleneck", "S09").status == "correct"
    assert judge("blueprint.bottleneck", " repair ").status == "correct"
    v = judge("blueprint.bottleneck", "S10")
    assert v.status == "incorrect" and "highest utilisation" in v.message
    v = judge("blueprint.bottleneck", 9)
    assert v.status == "invalid" and "Expected text" in v.message


def test_what_if_two_staff_or_wrong_units(data):
    events, days = data[0], data[3]
    from math import factorial

    def erlang_c(A, N):
        top = A**N / factorial(N) * N / (N - A)
        return top / (sum(A**k / factorial(k) for k in range(N)) + top)

    s09 = events[events["step_id"] == "S09"]
    S = s09["duration_min"].mean()
    A = len(s09) / (days * 540) * S
    assert judge("blueprint.what-if", erlang_c(A, 3) * S / (3 - A)).status == "correct"
    v = judge("blueprint.what-if", erlang_c(A, 2) * S / (2 - A))  # today's staffing, not the what-if
    assert v.status == "incorrect" and "higher than expected" in v.message and "N = 3" in v.message
    v = judge("blueprint.what-if", erlang_c(A, 3))  # the probability, not the wait
    assert v.status == "incorrect" and "lower than expected" in v.message
    first = s09[s09["attempt"] == 1]
    A1 = len(first) / (days * 540) * first["duration_min"].mean()
    assert judge("blueprint.what-if", erlang_c(A1, 3) * first["duration_min"].mean() / (3 - A1)).status == "incorrect"


def test_unanswered_code_exercises_say_so():
    for eid in ["blueprint.step-means", "blueprint.cycle-time", "blueprint.wait-share", "blueprint.fail-rates",
                "blueprint.utilisation", "blueprint.bottleneck", "blueprint.what-if"]:
        assert judge(eid, ...).status == "unanswered"


def test_lanes_partial_credit_names_the_misplaced_step():
    _, spec = _keys.exercise("blueprint.lanes")
    right = {it["text"]: it["bucket"] for it in spec["items"]}
    assert judge("blueprint.lanes", right).status == "correct"
    wrong = dict(right)
    wrong["Front-desk agent creates the work order and assigns a technician"] = "Onstage (visible) contact-staff actions"
    v = judge("blueprint.lanes", wrong)
    assert v.status == "partial" and 0 < v.score < 1
    assert any("work order" in line and "cannot see" in line for line in v.details)
    assert not any("Backstage" in line for line in v.details)  # the feedback does not name the right row


def test_visible_order():
    _, spec = _keys.exercise("blueprint.visible-order")
    assert judge("blueprint.visible-order", spec["steps"]).status == "correct"
    swapped = list(spec["steps"])
    swapped[1], swapped[2] = swapped[2], swapped[1]
    v = judge("blueprint.visible-order", swapped)
    assert v.status == "partial" and "position 2" in v.details[0]
    v = judge("blueprint.visible-order", spec["steps"][:-1])
    assert v.status == "invalid"


def test_lanes_support_is_about_who_does_it():
    _, spec = _keys.exercise("blueprint.lanes")
    right = {it["text"]: it["bucket"] for it in spec["items"]}
    store = "Materials store issues the replacement valve"
    v = judge("blueprint.lanes", dict(right, **{store: "Backstage (invisible) contact-staff actions"}))
    assert v.status == "partial" and any(store in line and "not a contact employee" in line for line in v.details)


def test_quizzes():
    _, spec = _keys.exercise("blueprint.quiz-line")
    right = [o["text"] for o in spec["options"] if o.get("correct")]
    assert right == ["Both the line of visibility and the line of internal interaction"]
    assert judge("blueprint.quiz-line", right[0]).status == "correct"
    only = {o["text"].split(",")[0]: o["text"] for o in spec["options"]}
    v = judge("blueprint.quiz-line", only["Only the line of visibility"])  # the old answer key's reading
    assert v.status == "incorrect" and "not a contact employee" in v.message and "support process" in v.message
    v = judge("blueprint.quiz-line", only["Only the line of internal interaction"])
    assert v.status == "incorrect" and "onstage" in v.message and "line of visibility" in v.message
    assert max(spec["options"], key=lambda o: len(o["text"]))["text"] != right[0]
    _, spec = _keys.exercise("blueprint.quiz-findings")
    right = [o["text"] for o in spec["options"] if o.get("correct")]
    assert judge("blueprint.quiz-findings", right).status == "correct"
    v = judge("blueprint.quiz-findings", right[:2] + ["A second cashier would cut the customers' wait the most."])
    assert v.status == "partial" and any("cashier" in line for line in v.details)


def test_reflection_is_saved_not_scored():
    assert judge("blueprint.my-blueprint", "Too short.").status == "submitted"  # short: listed for the instructor, never failed
    assert judge("blueprint.my-blueprint", "word " * 130).status == "submitted"
