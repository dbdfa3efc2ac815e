"""Opening a notebook is not changing it: a fresh release opens clean, and `make lab`
again finds nothing of the trainee's to keep aside (no `.new-release` copies)."""
import pytest

from grading.authoring.workspace import sync

from .server import release

pytestmark = pytest.mark.browser


def test_opening_and_saving_is_not_a_change(lab, open_notebook, tmp_path):
    from grading.authoring.workspace import MANIFEST
    fresh = tmp_path / "release"
    release(fresh)
    # The server's folder as a workspace whose files are exactly this release: what earlier tests
    # ran and saved there (and their kernels) must not count as the trainee's own work.
    lab.shutdown_sessions()
    for path in [lab.root / MANIFEST, *(lab.root / p.relative_to(fresh) for p in fresh.rglob("*.ipynb"))]:
        path.unlink(missing_ok=True)
    sync(fresh, lab.root)
    page = open_notebook("00-start-here")
    dirty = page.page.evaluate("""path => { for (const w of window.jupyterapp.shell.widgets('main'))
        if (w.context && w.context.path === path) return w.context.model.dirty; return null; }""", page.path)
    assert dirty is False, "JupyterLab marks a freshly released notebook as modified on opening"
    page.command("docmanager:save", 30)
    assert sync(fresh, lab.root) == []  # `make lab` again: nothing updated, nothing kept aside


def test_a_notebook_reopened_later_shows_its_widgets_not_an_error(lab, browser, request):
    """Run, answer, save, close (kernel stopped); open again the next day: the widgets are there."""
    from grading.core.keys import exercise
    from .conftest import failed
    from .drivers import answer_right, expect_feedback
    from .labpage import LabPage
    from .server import shown_exercises
    eid = "start.silent-customers"
    notebook, spec = exercise(eid)
    first = LabPage(lab, browser, notebook).open()
    try:
        first.run_all(expect_widgets=len(shown_exercises(lab.root / f"{notebook}.ipynb")))
        answer_right(first.exercise(eid), spec)
        expect_feedback(first.exercise(eid), ["correct"])
        first.command("docmanager:save", 30)
    finally:
        first.close()
    again = LabPage(lab, browser, notebook).open()
    try:
        again.page.locator(".jp-Notebook .ck-ex").first.wait_for(timeout=30_000)
        assert again.problems() == []  # no "Error displaying widget: model not found"
    finally:
        if failed(request):
            again.screenshot("reopened")
        again.close()


def test_a_lesson_opens_as_a_page_with_its_title(lab, browser, request):
    """Double-click lessons/NN.md: the rendered page (no YAML, a title, a link to the notebook)."""
    from .conftest import failed
    from .server import VIEWPORT
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(lab.url("lab/tree/lessons"), timeout=60_000)
        page.locator(".jp-DirListing-item", has_text="01-service-blueprints.md").dblclick(timeout=60_000)
        rendered = page.locator(".jp-RenderedMarkdown h1").first
        rendered.wait_for(timeout=30_000)
        assert "Service blueprints" in rendered.inner_text()
        body = page.locator(".jp-RenderedMarkdown").first.inner_text()
        assert "teaching:" not in body and "01-service-blueprints.ipynb" in body
    finally:
        if failed(request):
            from .labpage import screenshot
            screenshot(page, "lesson-page")
        context.close()
