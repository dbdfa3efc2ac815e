"""What the per-module browser tests share: open a module's trainee notebook once, and answer one of
its widget exercises wrongly and then rightly, as a trainee would."""
import re

from grading.core.keys import MANUAL_KINDS, notebook_key

from .drivers import RIGHT_STATUS, answer_right, answer_wrong, expect_feedback
from .labpage import LabPage
from .server import FEEDBACK_MS, shown_exercises


def widget_exercises(module):
    return [ex for ex in notebook_key(module)["exercises"] if ex["kind"] != "code"]


def open_and_run(lab, browser, module):
    """The trainee notebook, opened and run (answers file removed first: a first visit)."""
    (lab.root / f"{module}.answers.json").unlink(missing_ok=True)
    nb = LabPage(lab, browser, module).open()
    nb.run_all(expect_widgets=len(shown_exercises(lab.root / f"{module}.ipynb")))
    return nb


def answer_wrong_then_right(page, spec, screenshot_name):
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
        page.screenshot(screenshot_name)
        raise
