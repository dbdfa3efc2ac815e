"""App mode: the trainee notebooks served by Voila (no code shown) and their widget exercises work there."""
import json

import pytest

from grading.core.keys import exercise
from grading.trainee.widgets import css_id

from .drivers import answer_right, answer_wrong, expect_feedback
from .labpage import screenshot
from .server import RUN_ALL_S, STDERR, VIEWPORT, WIDGET_ERROR, module_notebooks, shown_exercises

pytestmark = pytest.mark.browser
MODULES = module_notebooks()


@pytest.fixture
def voila_page(request, voila, browser):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    rep = getattr(request.node, "rep_call", None)
    if rep is None or rep.failed:
        screenshot(page, f"voila-{request.node.name}")
    context.close()


def render(page, voila, stem: str, widgets: int) -> None:
    """Voila runs the whole notebook while rendering the page; bounded wait for every widget."""
    page.goto(voila.url(f"voila/render/{stem}.ipynb"), timeout=RUN_ALL_S * 1000)
    page.wait_for_function("n => document.querySelectorAll('.ck-ex').length >= n", arg=widgets,
                           timeout=RUN_ALL_S * 1000)


def problems(page) -> list[str]:
    return page.evaluate("""([sel, bad]) => {
        const found = [], re = new RegExp(bad, 'i');
        for (const el of document.querySelectorAll(sel)) found.push('stderr/error: ' + el.innerText.slice(0, 400));
        for (const el of document.querySelectorAll('.jp-OutputArea-output'))
            if (re.test(el.innerText)) found.push('widget error: ' + el.innerText.slice(0, 200));
        return found; }""", [STDERR, WIDGET_ERROR])


def test_widget_exercise_answered_in_voila(voila, voila_page):
    eid = "start.silent-customers"
    notebook, spec = exercise(eid)
    render(voila_page, voila, notebook, len(shown_exercises(voila.root / f"{notebook}.ipynb")))
    assert 'show("' not in voila_page.inner_text("body"), "Voila shows code to the trainee"

    ex = voila_page.locator("." + css_id(eid))
    expect_feedback(ex, ["incorrect", "partial"], answer_wrong(ex, spec))
    answer_right(ex, spec)
    expect_feedback(ex, ["correct"])
    saved = json.loads((voila.root / f"{notebook}.answers.json").read_text())["exercises"][eid]
    assert saved["status"] == "correct" and saved["attempts"] == 2
    assert problems(voila_page) == []


@pytest.mark.parametrize("master", MODULES, ids=[p.stem for p in MODULES])
def test_module_widgets_render_in_voila(master, voila, voila_page):
    widgets = shown_exercises(master)
    render(voila_page, voila, master.stem, len(widgets))
    for eid in widgets:
        ex = voila_page.locator("." + css_id(eid))
        assert ex.count() == 1, f"{eid} did not render in Voila"
        assert ex.locator(".ck-check-btn").count() == 1
    assert problems(voila_page) == []


def test_leaving_a_page_shuts_its_kernel_down(voila, browser):
    """Each visit must not leave a 150 MB kernel behind (Voila's shutdown needs the _xsrf cookie)."""
    import time
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        before = voila.log_path.read_text().count("Kernel shutdown")
        render(page, voila, "00-start-here", 1)
        page.goto("about:blank")
        deadline = time.monotonic() + 15
        while voila.log_path.read_text().count("Kernel shutdown") == before and time.monotonic() < deadline:
            time.sleep(0.25)
        log = voila.log_path.read_text()
        assert log.count("Kernel shutdown") > before, log[-800:]
        assert "'_xsrf' argument missing" not in log
    finally:
        context.close()


def test_a_page_rendered_ahead_in_jupyterlab_answers_its_widgets(lab, browser):
    """`make lab`'s server renders the next module's page while the trainee is on this one; that page's
    widgets must talk to the kernel that ran it ahead, like any other page's."""
    import time
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        render(page, lab, "00-start-here", len(shown_exercises(lab.root / "00-start-here.ipynb")))
        deadline = time.monotonic() + RUN_ALL_S
        while "App page 01-service-blueprints.ipynb rendered ahead in" not in lab.log_path.read_text():
            assert time.monotonic() < deadline, lab.log_tail()
            time.sleep(0.25)
        shown = shown_exercises(lab.root / "01-service-blueprints.ipynb")
        render(page, lab, "01-service-blueprints", len(shown))
        assert "App page 01-service-blueprints.ipynb served as rendered ahead" in lab.log_path.read_text()
        eid = shown[0]
        ex = page.locator("." + css_id(eid))
        spec = exercise(eid)[1]
        expect_feedback(ex, ["incorrect", "partial"], answer_wrong(ex, spec))
        answer_right(ex, spec)
        expect_feedback(ex, ["correct"])
        saved = json.loads((lab.root / "01-service-blueprints.answers.json").read_text())["exercises"][eid]
        assert saved["status"] == "correct"
        assert problems(page) == []
    except Exception:
        screenshot(page, "voila-rendered-ahead")
        raise
    finally:
        context.close()
