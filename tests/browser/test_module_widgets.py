"""Modules 5 and 6 in JupyterLab: every widget exercise of the module is clicked, wrongly and then rightly.

The generic widget tests try one exercise of each kind (mostly from 00-start-here); here each of a
module's own widgets is answered as a trainee would. Module 5: the service-level buckets, the CLV
slider, the Reichheld & Sasser claims, the key-account role-play, the reflection and the quiz.
Module 6: the Erlang C limits, the heads slider, the hold-etiquette order, the difficult-call
role-play, the reflection and the occupancy quiz.
"""
import re

import pytest

from grading.core.keys import MANUAL_KINDS, notebook_key

from .drivers import RIGHT_STATUS, answer_right, answer_wrong, expect_feedback
from .labpage import LabPage
from .server import FEEDBACK_MS, shown_exercises

pytestmark = pytest.mark.browser
# each module, and the kinds of widget it must show at least
MODULES = {
    "05-customer-value": {"buckets", "numeric", "choose-many", "scenario", "reflection", "choose-one"},
    "06-contact-centre": {"numeric", "choose-many", "order", "scenario", "reflection", "choose-one"},
}


def widget_exercises(module):
    return [ex for ex in notebook_key(module)["exercises"] if ex["kind"] != "code"]


CASES = [(module, spec) for module in MODULES for spec in widget_exercises(module)]


@pytest.fixture(scope="module")
def pages(lab, browser):
    """Each module's trainee notebook, opened and run once (answers file removed first: a first visit)."""
    opened = {}

    def page(module):
        if module not in opened:
            (lab.root / f"{module}.answers.json").unlink(missing_ok=True)
            nb = LabPage(lab, browser, module).open()
            nb.run_all(expect_widgets=len(shown_exercises(lab.root / f"{module}.ipynb")))
            opened[module] = nb
        return opened[module]

    yield page
    for nb in opened.values():
        nb.context.close()


@pytest.mark.parametrize("module", MODULES)
def test_every_widget_of_the_module_is_shown(pages, module):
    page, widgets = pages(module), widget_exercises(module)
    for spec in widgets:
        assert page.exercise(spec["id"]).count() == 1, spec["id"]
    assert {ex["kind"] for ex in widgets} >= MODULES[module]


@pytest.mark.parametrize("module, spec", CASES, ids=[spec["id"] for _m, spec in CASES])
def test_widget_wrong_then_right(pages, module, spec, request):
    from playwright.sync_api import expect
    page = pages(module)
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
        page.screenshot(f"{module}-{request.node.name}")
        raise
