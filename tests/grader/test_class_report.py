"""The class report: mistakes grouped by the grader's diagnosis and linked to trainees, a
small-class warning on discrimination, hints and worked solutions opened, every grading
problem, readable axes, and work still to be graded by hand never counted as 0."""
from __future__ import annotations

import math

import pytest

from grading.core import i18n
from grading.core import keys as answer_keys
from grading.grader import class_report
from grading.grader.class_report import (MIN_CLASS, _frame, decided_totals, exercise_stats, render,
                                         small_class_warning)
from grading.grader.diagnoses import diagnoses
from tests.support import FIXTURE_KEYS
from tests.support.results import NB, result

ROUNDED = "Close, but keep full precision: do not round the shares."
SHARES = {"kind": "series", "index": ["staff attitude"], "values": [0.7], "name": None}


def keys():
    with answer_keys.using(FIXTURE_KEYS):
        return {NB: answer_keys.notebook_key(NB)}


def the_class() -> dict:
    """Five trainees: two rounded, two got different values off, one is fully right; help used;
    one answer the grader could not judge; cell errors; a reflection graded by hand."""
    wrong = lambda message, value=SHARES: {"status": "incorrect", "message": message, "value": value}  # noqa: E731
    changes = {
        "alice": {"eng.attitude-share": {"hints_seen": 1}},
        "bob": {"eng.shares": wrong(ROUNDED), "eng.attitude-share": {"solution_seen": True, "hints_seen": 2}},
        "carol": {"eng.shares": wrong(ROUNDED)},
        "王芳": {"eng.shares": wrong("2 of 6 values are off: 'competitors', 'died'."),
                 "eng.my-service": {"status": "graded", "earned": 2.5, "message": "Graded."}},
        "dave": {"eng.shares": wrong("1 of 6 values are off: 'died'."),
                 "eng.vital-few": {"status": "grader-error", "message": "The grader could not judge this answer."}},
    }
    out = {t: {NB: result(t, changes=c)} for t, c in changes.items()}
    out["dave"][NB]["errors"] = ["cell 7 (`x = y`) raised NameError: name 'y' is not defined"]
    out["dave"][NB]["notes"] = ["the grader could not judge eng.vital-few (KeyError: 'branch'): a problem of the "
                                "grader or the key, not of the answer; grade it by hand"]
    return out


def text_only(lang: str) -> str:
    """The report without its figures (drawing them is tested once, below)."""
    with pytest.MonkeyPatch.context() as mp, i18n.use(lang):
        mp.setattr(class_report, "_plots", lambda *a: [])
        return render([NB], the_class(), keys())


@pytest.fixture(scope="module")
def report():
    return text_only("en")


def test_mistakes_are_grouped_by_the_graders_diagnosis_and_linked_to_trainees(report):
    row = next(line for line in report.split("<tr>") if "<code>eng.shares</code>" in line)
    assert f"{ROUNDED} × 2:" in row
    assert "… of 6 values are off: …. × 2:" in row  # two messages, one diagnosis
    assert f"href='feedback/bob.html#{NB}%3Aeng.shares'" in row and "title='Series(staff attitude: 0.7)'" in row
    assert f"href='feedback/%E7%8E%8B%E8%8A%B3.html#{NB}%3Aeng.shares'" in row  # 王芳's page
    assert row.index(ROUNDED) < row.index("values are off")  # most common first, then by message


def test_diagnoses_group_messages_that_differ_only_in_counts_and_names():
    found = diagnoses([("a", "2 of 5 values are off: 'reliability', 'tangibles'.", None),
                       ("b", "1 of 5 values are off: 'empathy'.", None),
                       ("c", "456 of 768 values are off: '1', '3', '6', '8' and 452 more.", None),
                       ("d", "5个值中有2个不对：“可靠性”、“有形性”。", None),
                       ("e", "768个值中有456个不对：“1”、“3”、“6”、“8”，另有452项。", None),
                       ("f", ROUNDED, None)])
    assert [(d.message, [t for t, _v in d.answers]) for d in found] == [
        ("… of … values are off: ….", ["a", "b", "c"]), ("…个值中有…个不对：…。", ["d", "e"]), (ROUNDED, ["f"])]


def test_a_small_class_is_warned_that_discrimination_is_rough(report):
    assert "With 5 trainees, each discrimination value may be off by about ±0.88 (95 %)" in report
    assert small_class_warning(MIN_CLASS) == "" and "±0.37" in small_class_warning(MIN_CLASS - 1)
    assert "cannot be estimated" in small_class_warning(3)


def test_hints_and_worked_solutions_opened_are_listed(report):
    section = report.split("Hints and worked solutions opened")[1].split("<h2")[0]
    row = next(line for line in section.split("<tr>") if "eng.attitude-share" in line)
    assert ">alice</a> (1)" in row and ">bob</a> (2)" in row
    solution = row.split("</td><td>")[-1]
    assert ">bob</a>" in solution and "alice" not in solution


def test_every_grading_problem_is_listed(report):
    section = report.split("Problems while grading (2)")[1]
    assert "while grading" in section and "the grader could not judge eng.vital-few (KeyError" in section
    assert "cell error" in section and "NameError" in section


def test_work_still_to_be_graded_by_hand_is_not_counted_as_zero():
    df = _frame([NB], the_class(), keys())
    earned, decided = decided_totals(df)
    assert decided["alice"] == 17 and earned["alice"] == 17  # reflection and form wait: left out
    assert decided["王芳"] == 20 and earned["王芳"] == 17 - 2 + 2.5
    stats = {s["exercise"]: s for s in exercise_stats(df, [e["id"] for e in keys()[NB]["exercises"]])}
    assert stats["eng.my-service"]["pending"] == 4 and stats["eng.my-service"]["mean"] == 2.5
    assert stats["eng.job-design"]["pending"] == 5 and math.isnan(stats["eng.job-design"]["mean"])
    assert stats["eng.vital-few"]["pending"] == 1  # the grader could not judge dave's: waits, not 0
    assert decided["dave"] == 17 - 2


def test_the_figures_have_readable_axes_and_show_pending_work_apart(monkeypatch):
    figures = []
    monkeypatch.setattr(class_report, "_png", lambda fig: figures.append(fig) or "")
    with i18n.use("en"):
        render([NB], the_class(), keys())
    import matplotlib.pyplot as plt
    try:
        histogram, bars, heat = figures
        ticks = [t for t in histogram.axes[0].get_yticks() if t >= 0]
        assert all(float(t).is_integer() for t in ticks)  # whole trainees
        assert histogram.axes[0].get_xlabel() == "share of the points graded so far (%)"
        assert list(bars.axes[1].get_xticks()) == [-1, -0.5, 0, 0.5, 1]  # no overlapping labels
        heat_ax = heat.axes[0]
        columns = [t.get_text() for t in heat_ax.get_xticklabels()]
        assert "eng.my-service" in columns  # reflections and forms are in the heat map too
        assert "grey: to be graded by hand" in heat_ax.get_title()
    finally:
        for fig in figures:
            plt.close(fig)


def test_the_report_in_chinese_names_its_new_parts():
    page = text_only("zh-CN")
    assert "王芳" in page and "查看过的提示和参考解答" in page and "最常见的错误" in page
    assert "Most common mistakes" not in page and "Hints and worked solutions opened" not in page
