"""Module 6 (contact centre) in JupyterLab: every widget exercise is clicked, wrongly and then rightly.

The generic widget tests try one exercise of each kind (mostly from 00-start-here); this file
answers each of module 6's own widgets as a trainee would: the Erlang C limits, the heads slider,
the hold-etiquette order, the difficult-call role-play, the reflection and the occupancy quiz.
"""
import pytest

from .module_widgets import answer_wrong_then_right, open_and_run, widget_exercises

pytestmark = pytest.mark.browser
MODULE = "06-contact-centre"
WIDGETS = widget_exercises(MODULE)


@pytest.fixture(scope="module")
def page(lab, browser):
    nb = open_and_run(lab, browser, MODULE)
    yield nb
    nb.context.close()


def test_every_widget_of_the_module_is_shown(page):
    for spec in WIDGETS:
        assert page.exercise(spec["id"]).count() == 1, spec["id"]
    assert {ex["kind"] for ex in WIDGETS} >= {"numeric", "choose-many", "order", "scenario", "reflection",
                                              "choose-one"}


@pytest.mark.parametrize("spec", WIDGETS, ids=[ex["id"] for ex in WIDGETS])
def test_widget_wrong_then_right(page, spec, request):
    answer_wrong_then_right(page, spec, f"{MODULE}-{request.node.name}")
