"""Module 6 (contact centre) in JupyterLab: every widget exercise is clicked, wrongly and then rightly.

The generic widget tests try one exercise of each kind (mostly from 00-start-here); this file
answers each of module 6's own widgets as a trainee would: the Erlang C limits, the heads slider,
the hold-etiquette order, the difficult-call role-play, the reflection and the occupancy quiz.
"""
import re

import pytest

from grading.core.keys import MANUAL_KINDS, notebook_key

from .drivers import RIGHT_STATUS, answer_right, answer_wrong, expect_feedback
from .labpage import LabPage
from .server import FEEDBACK_MS, shown_exercises

pytestmark = pytest.mark.browser
MODULE = "06-contact-centre"
WIDGETS = [ex for ex in notebook_key(MODULE)["exercises"] if ex["kind"] != "code"]


@pytest.fixture(scope="module")
def page(lab, browser):
    """The trainee notebook, opened once and run (answers file removed first: a first visit)."""
    (lab.root / f"{MODULE}.answers.json").unlink(missing_ok=True)
    nb = LabPage(lab, browser, MODULE).open()
    nb.run_all(expect_widgets=len(shown_exercises(lab.root / f"{MODULE}.ipynb")))
    yield nb
    nb.context.close()


def test_every_widget_of_the_module_is_shown(page):
    for spec in WIDGETS:
        assert page.exercise(spec["id"]).count() == 1, spec["id"]
    assert {ex["kind"] for ex in WIDGETS} >= {"numeric", "choose-many", "order", "scenario", "reflection",
                                              "choose-one"}


@pytest.mark.parametrize("spec", WIDGETS, ids=[ex["id"] for ex in WIDGETS])
def test_widget_wrong_then_right(page, spec, request):
    from playwright.sync_api import expect
    ex = page.exercise(spec["id"])
    ex.scroll_into_view_if_needed()
    if spec["kind"] == "buckets":  # long item texts: wait until every label is drawn before reading them
        for i in range(len(spec["items"])):
            expect(ex.locator(f".ck-item-{i} .ck-item-text")).to_have_text(re.compile(r"\S"), timeout=FEEDBACK_MS)
    try:
        said = answer_wrong(ex, spec)
        # a person grades reflections: a short one is saved and flagged, never failed
        wrong = ["incorrect", "partial"] + (["submitted"] if spec["kind"] in MANUAL_KINDS else [])
        expect_feedback(ex, wrong, said if spec["kind"] not in MANUAL_KINDS else None)
        answer_right(ex, spec)
        expect_feedback(ex, [RIGHT_STATUS.get(spec["kind"], "correct")])
        assert page.problems() == []
    except Exception:
        page.screenshot(f"{MODULE}-{request.node.name}")
        raise
