"""Feedback pages a trainee can act on: their own value beside what is off (never the expected
one), points still to be graded shown apart, one self-contained page for phone, print and mail."""
from __future__ import annotations

import json
import re

import pytest

from grading.core import i18n
from grading.core import keys as answer_keys
from grading.grader.feedback_pages import points_summary, render
from grading.grader.your_answer import answer_html, named_in
from tests.support import FIXTURE_KEYS
from tests.support.results import NB, result

SHARES = {"kind": "series", "name": None,
          "index": ["staff attitude", "product dissatisfaction", "competitors", "other relationships",
                    "moved away", "died"],
          "values": [0.6812345678, 0.14, 0.0901, 0.05, 0.03, 0.01]}
OFF = "2 of 6 values are off: 'competitors', 'staff attitude'."


def page(res: dict, trainee: str = "bob") -> str:
    with answer_keys.using(FIXTURE_KEYS):
        keys = {NB: answer_keys.notebook_key(NB)}
        return render(trainee, [NB], {NB: res}, keys)


def expected(eid: str):
    return json.loads((FIXTURE_KEYS / f"{NB}.expected.json").read_text(encoding="utf-8"))[eid]


def test_the_trainees_own_values_stand_beside_what_is_off_never_the_expected_ones():
    html = page(result("bob", changes={"eng.shares": {"status": "incorrect", "value": SHARES, "message": OFF}}))
    row = next(line for line in html.splitlines() if "data-exercise='eng.shares'" in line)
    assert "Your answer:" in row and "2 of 6 values are off" in row
    assert "0.6812345678" in row  # full precision: a rounded answer shows as rounded
    # the labels the message names come first and are marked
    named = re.findall(r"<tr class=named><th>([^<]+)</th><td>([^<]+)</td>", row)
    assert named == [("staff attitude", "0.6812345678"), ("competitors", "0.0901")]
    differ = [v for v in expected("eng.shares")["values"] if v not in SHARES["values"]]
    assert differ == [0.68, 0.09]
    for value in differ:  # the expected values of the two that are off are nowhere on the page
        assert not re.search(rf"\b{re.escape(repr(value))}(?!\d)", html)


def test_a_right_answer_and_a_widget_answer_do_not_show_a_value():
    html = page(result("alice"))
    assert "Your answer:" not in html
    wrong_widget = {"eng.silent-customers": {"status": "incorrect", "value": {"kind": "text", "value": "b"},
                                             "message": "Not this one."}}
    assert "Your answer:" not in page(result("erin", changes=wrong_widget))


@pytest.mark.parametrize("value, shows, hides", [
    ({"kind": "number", "value": 0.36}, ["<code>0.36</code>"], []),
    ({"kind": "text", "value": "Shenzhen Futian"}, ["'Shenzhen Futian'"], []),
    ({"kind": "list", "items": list(range(30))}, ["[0, 1, 2", "… and 18 more"], ["29"]),
    ({"kind": "frame", "columns": ["tangibles", "reliability"], "index": list(range(480)),
      "index_names": [None], "data": [[0.12] * 480, [7.5] * 479 + [99.0]], "rows": 480},
     ["480 rows × 2 columns", "<th class=named>reliability</th>", "… and 475 more"], ["99"]),
])
def test_every_kind_of_answer_is_shown_small(value, shows, hides):
    with i18n.use("en"):
        html = answer_html(value, "Values differ in column 'reliability' (480 rows).")
    for text in shows:
        assert text in html
    for text in hides:
        assert text not in html


def test_named_labels_are_read_in_both_languages():
    assert named_in("2 of 5 values are off: 'Reliability', 'empathy'.") == {"reliability", "empathy"}
    assert named_in("5个值中有2个不对：“可靠性”、“移情性”。") == {"可靠性", "移情性"}


def test_points_still_to_be_graded_are_shown_apart_never_as_zero():
    res = result("alice")  # every automatic answer right; the reflection (3) and the form (6) wait
    earned, out_of, pending = points_summary(res["exercises"])
    assert (earned, out_of, pending) == (out_of, 17, 9)
    html = page(res)
    assert re.search(r"Total: <b>17</b> of 17 points so far, \+ <span class='pending'>9</span> to be graded "
                     r"by your instructor", html)
    for ex in res["exercises"]:
        if ex["status"] == "submitted":
            ex.update(status="graded", earned=2.0)
    html = page(res)
    assert "to be graded by your instructor" not in html and "Total: <b>21</b> of 26 points" in html


def test_the_page_is_one_self_contained_file_for_phone_print_and_mail():
    html = page(result("bob", changes={"eng.shares": {"status": "incorrect", "value": SHARES, "message": OFF}},
                       errors=["cell 3 raised KeyError: 'x'"]))
    assert "<meta charset='utf-8'>" in html and "name='viewport'" in html
    assert not re.search(r"<link|<img|src=|href=|@import|url\(", html)  # nothing to fetch: attach it as it is
    assert "@media (max-width:40rem)" in html and "@media print" in html
    assert "beforeprint" in html and "<details>" in html  # the error list opens for printing
    assert f"id='{NB}:eng.shares'" in html  # the class report links here


def test_chinese_page():
    with i18n.use("zh-CN"):
        html = page(result("王芳", changes={"eng.shares": {"status": "incorrect", "value": SHARES, "message": OFF}}), "王芳")
    assert "<html lang='zh-CN'>" in html and "王芳" in html
    assert "你的答案" in html and "待讲师评分" in html and "Your answer" not in html


def test_a_late_penalty_comes_off_the_points_so_far():
    res = result("late")
    res["late"] = {"days": 1, "penalty": 1.7}
    html = page(res)
    assert "Total: <b>15.3</b> of 17 points so far, + <span class='pending'>9</span>" in html
