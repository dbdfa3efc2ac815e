"""A feedback page on a phone (390 px wide) and on paper, in chromium: nothing runs off the side,
every exercise is one card, the print button and closed lists are handled for printing.
Needs no server: the page is one self-contained file (it is what the trainee is mailed)."""
from __future__ import annotations

import pytest

from grading.core import i18n
from grading.core import keys as answer_keys
from grading.grader.feedback_pages import render
from tests.support import FIXTURE_KEYS
from tests.support.results import NB, result

from .server import SHOTS

pytestmark = pytest.mark.browser

LONG_LABELS = {"kind": "series", "name": None, "values": [0.6812345678, 0.14, 0.09, 0.05, 0.03, 0.01],
               "index": ["staff attitude towards customers who complained twice", "product dissatisfaction",
                         "competitors", "other relationships", "moved away", "died"]}


COLUMNS = [f"q{i}_room_of_strangers_rating" for i in range(1, 9)]
WIDE = {"kind": "frame", "columns": COLUMNS, "index": [f"K{i:04d}" for i in range(320)], "index_names": ["candidate_id"],
        "data": [[3.6666666667] * 320 for _c in COLUMNS], "rows": 320}


@pytest.fixture
def page_file(tmp_path):
    changes = {"eng.shares": {"status": "incorrect", "value": LONG_LABELS,
                              "message": "1 of 6 values are off: 'staff attitude towards customers who "
                                         "complained twice'."},
               "eng.vital-few": {"status": "invalid", "message": "Expected a list, got a DataFrame.",
                                 "value": WIDE}}
    res = result("frank.li@example.edu", changes=changes,
                 errors=["cell 12 (`weighted = matrix @ weights_for_every_candidate_and_question`) raised "
                         "ValueError: shapes (320,6) and (5,) not aligned"])
    with answer_keys.using(FIXTURE_KEYS), i18n.use("en"):
        html = render("frank.li@example.edu", [NB], {NB: res}, {NB: answer_keys.notebook_key(NB)})
    path = tmp_path / "frank.html"
    path.write_text(html, encoding="utf-8")
    return path


def test_on_a_phone_nothing_runs_off_the_side(browser, page_file):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto(page_file.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        cards = page.locator("tr.ex")
        assert cards.count() == 12
        for i in range(cards.count()):
            box = cards.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert page.locator("tr.head").is_hidden()  # no table header on a phone: each card says it all
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "feedback-phone-390.png"), full_page=True)
    finally:
        page.close()


def test_printing_hides_the_button_and_opens_the_error_list(browser, page_file):
    page = browser.new_page()
    try:
        page.goto(page_file.as_uri())
        assert page.locator("button.print").is_visible()
        page.emulate_media(media="print")
        assert page.locator("button.print").is_hidden()
        page.evaluate("dispatchEvent(new Event('beforeprint'))")
        assert page.locator("details").evaluate("d => d.open")
        assert page.pdf()[:5] == b"%PDF-"
    finally:
        page.close()
