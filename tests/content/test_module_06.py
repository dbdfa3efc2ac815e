"""Module 6 (contact centre): is the Erlang C of the master and the key right, and does the key give
specific feedback on realistic wrong answers?

The Erlang C cross-check compares the master's function (its answer cell) and the key's worked solution
with an independent implementation, the `pyworkforce` package (used only here), on a grid of loads and
agent counts up to hundreds of agents, to four decimal places.
"""
import math
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from pyworkforce.queuing import ErlangC

from grading import load_dataset
from grading.core import keys as _keys
from grading.core.canon import to_data
from grading.core.widget_models import WIDGET_RULES as GRADERS, Scenario, best_path
from tests.support.keycheck import check_quiz, check_short_reflection, judge

ROOT = Path(__file__).resolve().parents[2]
MASTER = ROOT / "notebooks" / "06-contact-centre.ipynb"
HOLIDAYS = pd.to_datetime(["2025-04-04", "2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05"])
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def spec(exercise_id):
    return _keys.exercise(exercise_id)[1]


def _defined(source, name, namespace=None):
    """Run a cell's (or a key solution's) source and return what it defines as `name`."""
    namespace = {"math": math, "pd": pd, "np": np, **(namespace or {})}
    exec(compile(source, f"<{name}>", "exec"), namespace)
    return namespace[name]


def _cell(containing):
    nb = nbformat.read(MASTER, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code" and containing in c.source)


@pytest.fixture(scope="module")
def implementations():
    """The master's erlang_c (answer cell, with the grid line left out) and the key's worked solution."""
    master = _cell("def erlang_c(").split("\nwaiting = ")[0]
    return {"master": _defined(master, "erlang_c"),
            "key": _defined(spec("contact.erlang-c")["solution"], "erlang_c")}


def reference(A, N, t=None, aht=None):
    """pyworkforce's Erlang C: traffic A as A transactions of 1 minute in a 1-minute interval."""
    model = ErlangC(transactions=A, aht=1, asa=(t / aht if t else 1), interval=1)
    return model.waiting_probability(N) if t is None else model.service_level(N)


LOADS = [0.5, 1, 2.5, 5, 10, 17.3, 25.5, 50, 99.9, 150, 250, 400, 600]
GRID = [(A, math.floor(A) + extra) for A in LOADS for extra in (1, 2, 3, 5, 10, 25)]


# -- the independent Erlang C cross-check ---------------------------------------------------------------

@pytest.mark.parametrize("source", ["master", "key"])
def test_erlang_c_agrees_with_pyworkforce_to_four_decimals(implementations, source):
    erlang_c = implementations[source]
    worst = max(abs(erlang_c(A, N) - reference(A, N)) for A, N in GRID)
    assert worst < 0.00005, f"{source}: largest difference from pyworkforce {worst:.2e}"


def test_service_level_agrees_with_pyworkforce(implementations):
    service_level = _defined(_cell("def service_level("), "service_level",
                             {"erlang_c": implementations["master"]})
    for A, N in GRID:
        for aht, t in ((180, 20), (338, 20), (600, 60)):
            assert service_level(A, N, aht, t) == pytest.approx(reference(A, N, t, aht), abs=0.00005), (A, N, aht, t)
    assert service_level(10, 10, 180) == 0.0  # no more agents than traffic: the queue never empties


def test_erlang_c_is_stable_for_large_centres(implementations):
    erlang_c = implementations["master"]
    for A, N in [(800, 801), (800, 830), (1500, 1560)]:  # 800 ** 800 / 800! overflows any float
        p = erlang_c(A, N)
        assert 0 < p < 1 and math.isfinite(p)
    assert erlang_c(12, 12) == 1.0 and erlang_c(12, 5) == 1.0


def test_the_lessons_published_example(implementations):
    """Call Centre Helper's example: 100 calls per half-hour, AHT 180 s, 80/20: 14 agents, 20 after 30 % shrinkage."""
    erlang_c = implementations["master"]
    A = 100 * 180 / 1800
    sl = {n: 1 - erlang_c(A, n) * math.exp(-(n - A) * 20 / 180) for n in range(11, 16)}
    assert round(erlang_c(A, 11), 3) == 0.682 and round(sl[13], 3) == 0.796 and round(sl[14], 3) == 0.888
    assert min(n for n in sl if sl[n] >= 0.8) == 14 and math.ceil(14 / (1 - 0.3)) == 20
    assert ErlangC(transactions=100, aht=3, asa=20 / 60, interval=30, shrinkage=0.3).required_positions(
        service_level=0.8, max_occupancy=0.85)["positions"] == 20


# -- code exercises -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cc():
    frame = load_dataset("contact_centre").drop_duplicates().reset_index(drop=True)
    frame["date"] = frame["interval_start"].dt.normalize()
    frame["weekday"] = frame["interval_start"].dt.day_name()
    frame["time"] = frame["interval_start"].dt.strftime("%H:%M")
    frame["holiday"] = frame["date"].isin(HOLIDAYS)
    return frame


@pytest.fixture(scope="module")
def days(cc):
    return cc.groupby(["date", "weekday", "holiday"])["calls_offered"].sum().reset_index(name="calls")


def test_calls_by_weekday_duplicate_and_holidays_are_caught(cc):
    daily = cc[~cc["holiday"]].groupby(["date", "weekday"])["calls_offered"].sum().reset_index()
    right = daily.groupby("weekday")["calls_offered"].mean()
    assert judge("contact.calls-by-weekday", right).status == "correct"
    assert judge("contact.calls-by-weekday", right.reindex(WEEKDAYS).to_dict()).status == "correct"
    # the duplicated half-hour left in: one Monday counts one interval twice
    raw = load_dataset("contact_centre")
    raw["weekday"] = raw["interval_start"].dt.day_name()
    raw = raw[~raw["interval_start"].dt.normalize().isin(HOLIDAYS)]
    doubled = raw.groupby([raw["interval_start"].dt.normalize(), "weekday"])["calls_offered"].sum()
    v = judge("contact.calls-by-weekday", doubled.groupby(level="weekday").mean())
    assert v.status == "incorrect" and "1 of 7 values are off" in v.message and "Monday" in v.message
    # the mean per half-hour instead of per day
    v = judge("contact.calls-by-weekday", cc[~cc["holiday"]].groupby("weekday")["calls_offered"].mean())
    assert v.status == "incorrect" and "7 of 7 values are off" in v.message
    v = judge("contact.calls-by-weekday", right.set_axis(range(7)))
    assert v.status == "incorrect"


def test_forecast_error_with_holidays_gets_the_advice(days):
    train = days[days["date"].between("2025-03-31", "2025-04-27") & ~days["holiday"]]
    forecast = train.groupby("weekday")["calls"].mean()
    test = days[(days["date"] >= "2025-04-28") & ~days["holiday"]]
    right = (test["calls"] - test["weekday"].map(forecast)).abs().sum() / test["calls"].sum()
    assert 0.02 < right < 0.08
    assert judge("contact.forecast-error", right).status == "correct"
    assert judge("contact.forecast-error", right * 100).status == "correct"
    with_holidays = days[days["date"] >= "2025-04-28"]
    wrong = (with_holidays["calls"] - with_holidays["weekday"].map(forecast)).abs().sum() / with_holidays["calls"].sum()
    v = judge("contact.forecast-error", wrong)
    assert v.status == "incorrect" and "holidays" in v.message
    # the course's rounding policy: 3 decimals of a share are full points, in the check and in grading
    assert judge("contact.forecast-error", round(right, 3), hidden=True).status == "correct"


def test_erlang_c_grid_catches_a_wrong_formula(implementations):
    grid = [(10, 11), (10, 13), (10, 14), (45, 48), (12, 12), (150, 160), (400, 420), (650, 700)]
    index = [f"A={A}, N={N}" for A, N in grid]
    erlang_c = implementations["master"]
    right = pd.Series([erlang_c(A, N) for A, N in grid], index=index)
    assert judge("contact.erlang-c", right).status == "correct"
    assert judge("contact.erlang-c", right, hidden=True).status == "correct"

    def erlang_b(A, N):
        b = 1.0
        for k in range(1, N + 1):
            b = A * b / (k + A * b)
        return b
    v = judge("contact.erlang-c", pd.Series([erlang_b(A, N) for A, N in grid], index=index))  # blocking, not waiting
    assert v.status == "incorrect" and "values are off" in v.message
    # the course's rounding policy: 3 decimals are full points; 1 decimal is called rounding, not a wrong formula
    assert judge("contact.erlang-c", right.round(3), hidden=True).status == "correct"
    v = judge("contact.erlang-c", right.round(1), hidden=True)
    assert v.status == "incorrect" and "Rounded?" in v.message


def _service_level(erlang_c):
    return lambda A, N, aht, t=20: 1 - erlang_c(A, N) * math.exp(-(N - A) * t / aht) if N > A else 0.0


@pytest.fixture(scope="module")
def plan(cc, days):
    aht = (cc["aht_seconds"] * cc["calls_answered"]).sum() / cc["calls_answered"].sum()
    last = days.loc[(days["weekday"] == "Monday") & ~days["holiday"], "date"].nlargest(4)
    frame = cc[cc["date"].isin(last)].groupby("time").agg(calls=("calls_offered", "mean"))
    frame["traffic"] = frame["calls"] * aht / 1800
    frame["roster"] = cc[cc["date"] == last.max()].set_index("time")["agents_scheduled"]
    return frame, aht


def test_agents_needed_not_by_rounding_or_occupancy(implementations, plan):
    frame, aht = plan
    sl = _service_level(implementations["master"])

    def agents_for(A):
        n = math.floor(A) + 1
        while sl(A, n, aht) < 0.8:
            n += 1
        return n
    right = frame["traffic"].apply(agents_for)
    assert judge("contact.agents-needed", right).status == "correct"
    assert judge("contact.agents-needed", right.to_dict()).status == "correct"
    for wrong in (np.ceil(frame["traffic"]), np.ceil(frame["traffic"] / 0.85), right - 1):
        v = judge("contact.agents-needed", pd.Series(wrong, index=frame.index))
        assert v.status == "incorrect" and "values are off" in v.message
    v = judge("contact.agents-needed", right.iloc[:-1])
    assert v.status == "incorrect" and "(28), got 27" in v.message


def test_roster_service_level_must_be_weighted_by_calls(implementations, plan):
    frame, aht = plan
    sl = _service_level(implementations["master"])
    each = pd.Series([sl(A, N, aht) for A, N in zip(frame["traffic"], frame["roster"])], index=frame.index)
    right = (each * frame["calls"]).sum() / frame["calls"].sum()
    assert judge("contact.roster-service-level", right).status == "correct"
    v = judge("contact.roster-service-level", each.mean())  # every half-hour counted alike
    assert v.status == "incorrect" and "Weight each half-hour" in v.message


def test_shrinkage_without_absence_or_against_available_time():
    staff = load_dataset("contact_centre", "staff_time")
    right = 1 - staff["available_minutes"].sum() / staff["paid_minutes"].sum()
    assert judge("contact.shrinkage", right).status == "correct"
    assert judge("contact.shrinkage", right * 100).status == "correct"
    present = staff[staff["absent_minutes"] == 0]
    v = judge("contact.shrinkage", 1 - present["available_minutes"].sum() / present["paid_minutes"].sum())
    assert v.status == "incorrect" and "days of absence count" in v.message
    lost = staff["paid_minutes"].sum() - staff["available_minutes"].sum()
    v = judge("contact.shrinkage", lost / staff["available_minutes"].sum())  # relative to available time
    assert v.status == "incorrect"


def test_fcr_by_handle_time_agents_not_calls():
    qa = load_dataset("contact_centre", "call_monitoring")
    labels = ["shortest", "short", "long", "longest"]
    pace = qa.groupby("agent_id")["handle_seconds"].mean()
    fcr = 1 - qa.groupby("agent_id")["repeat_within_7d"].mean()
    right = fcr.groupby(pd.qcut(pace, 4, labels=labels), observed=True).mean()
    assert judge("contact.fcr-by-handle-time", right).status == "correct"
    assert judge("contact.fcr-by-handle-time", right.astype(float).to_dict()).status == "correct"
    # calls put into quartiles by their own handle time: another question
    by_call = (1 - qa["repeat_within_7d"]).groupby(pd.qcut(qa["handle_seconds"], 4, labels=labels), observed=True).mean()
    v = judge("contact.fcr-by-handle-time", by_call)
    assert v.status == "incorrect" and "values are off" in v.message
    v = judge("contact.fcr-by-handle-time", 1 - right)  # the repeat rate
    assert v.status == "incorrect" and "4 of 4 values are off" in v.message


# -- widget exercises -----------------------------------------------------------------------------------

def test_heads_estimate_adding_thirty_percent_is_too_low():
    s = spec("contact.heads-estimate")
    assert s["expected"] == math.ceil(14 / (1 - 0.3))
    assert GRADERS["numeric"](s, to_data(20)).status == "correct"
    v = GRADERS["numeric"](s, to_data(19))  # 14 × 1.3 = 18.2, rounded up
    assert v.status == "partial"
    v = GRADERS["numeric"](s, to_data(14))
    assert v.status == "incorrect" and "divide" in v.message


def test_hold_steps_order():
    s = spec("contact.hold-steps")
    assert GRADERS["order"](s, to_data(s["steps"])).status == "correct"
    swapped = [s["steps"][1], s["steps"][0], *s["steps"][2:]]
    assert GRADERS["order"](s, to_data(swapped)).status != "correct"


def test_erlang_limits_ticks():
    s = spec("contact.erlang-limits")
    right = [o["text"] for o in s["options"] if o.get("correct")]
    assert len(right) == 3
    assert GRADERS["choose-many"](s, to_data(right)).status == "correct"
    factorial = next(o["text"] for o in s["options"] if "170" in o["text"])
    v = GRADERS["choose-many"](s, to_data(right + [factorial]))
    assert v.status == "partial" and any("recursion" in line for line in v.details)


def test_difficult_call_paths():
    s = spec("contact.difficult-call")
    assert Scenario(s).best() == 10
    best = GRADERS["scenario"](s, to_data(best_path(s)[1]))
    assert best.status == "correct" and "10 of 10" in best.message and "resolved at first contact" in best.message
    rushed = GRADERS["scenario"](s, to_data([1, 0, 1, 1, 1]))  # good start, hold without asking
    assert rushed.status == "partial" and "(rushed)" in rushed.details[1]


def test_occupancy_quiz_right_option_is_not_the_longest():
    check_quiz("contact.occupancy", "burn out")


def test_reflection_short_is_listed_not_failed():
    check_short_reflection("contact.my-centre", "Mondays are busy.")
