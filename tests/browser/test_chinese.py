"""The course in Chinese, as a trainee opens it: `COURSE_LANG=zh-CN make lab`.

A JupyterLab over a zh-CN release, with the settings a zh-CN workspace gets
(`python -m grading workspace --lang zh-CN`): JupyterLab's own menus in Chinese,
the lesson text, widget feedback and check() output in Chinese, and a plot whose
Chinese title is drawn with the course's CJK font (a missing glyph would print a
"Glyph … missing from font" warning as a stderr output, which `problems()` reports).
"""
import re

import pytest

from grading.authoring.release import release_course
from grading.core.keys import exercise

from .conftest import failed
from .drivers import answer_right, answer_wrong, expect_feedback
from .labpage import LabPage
from .server import ROOT, Server, shown_exercises

pytestmark = pytest.mark.browser
CJK = re.compile(r"[\u4e00-\u9fff]")
NOTEBOOK = "01-service-blueprints"  # widgets, check cells and a blueprint plot with a translated title


@pytest.fixture(scope="module")
def lab_zh(tmp_path_factory, browser):
    base = tmp_path_factory.mktemp("lab-zh")
    release_course(ROOT, base / "root", "zh-CN")
    server = Server("lab", base, base / "root", lang="zh-CN")  # the settings `make lab` gives a zh-CN workspace
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(request, lab_zh, browser):
    opened = LabPage(lab_zh, browser, NOTEBOOK).open()
    yield opened
    opened.close()


def test_jupyterlab_menus_are_chinese(page):
    labels = page.page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
    assert "文件" in labels and "编辑" in labels, labels


def test_module_runs_in_chinese_with_chinese_plots(request, page, lab_zh):
    try:
        page.run_all(expect_widgets=len(shown_exercises(lab_zh.root / f"{NOTEBOOK}.ipynb")))
        assert page.problems() == []  # no errors, no stderr (a missing CJK glyph warns there)
        body = page.page.locator(".jp-Notebook").text_content()
        assert "服务蓝图" in body and "Run the setup cell" not in body
        assert page.page.locator(".jp-Notebook .jp-RenderedImage img").count() >= 1
        checks = [t for t in page.page.locator(".jp-Notebook .ck-check").all_text_contents() if t.strip()]
        assert checks and all(CJK.search(t) for t in checks), checks[:2]
    finally:
        if failed(request):
            page.screenshot("zh-run-all")


def test_widget_feedback_in_chinese(request, page):
    notebook, spec = exercise(_first_choice_exercise(page))
    ex = page.exercise(spec["id"])
    try:
        answer_wrong(ex, spec)
        wrong = expect_feedback(ex, ["incorrect", "partial"])
        assert CJK.search(wrong.inner_text()), wrong.inner_text()
        answer_right(ex, spec)
        right = expect_feedback(ex, ["correct"])
        assert CJK.search(right.inner_text()), right.inner_text()
        page.screenshot("zh-widget-feedback")
    finally:
        if failed(request):
            page.screenshot("zh-widget")


def _first_choice_exercise(page) -> str:
    for eid in shown_exercises(page.server.root / f"{NOTEBOOK}.ipynb"):
        if exercise(eid)[1]["kind"] in ("choose-one", "choose-many"):
            return eid
    raise AssertionError(f"{NOTEBOOK} shows no choice exercise")


@pytest.fixture(scope="module")
def voila_zh(tmp_path_factory, browser):
    """Voila over a zh-CN release with the course's Chinese page template (as `make lab` configures it)."""
    base = tmp_path_factory.mktemp("voila-zh")
    release_course(ROOT, base / "root", "zh-CN")
    server = Server("voila", base, base / "root", extra=["--template=course-zh-CN", "--classic-tree"]).start()
    yield server
    server.stop()


def test_voila_page_in_chinese(request, voila_zh, browser):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(voila_zh.url(""))  # the file list
        assert "选择要用" in page.inner_text("body")
        notebook, spec = exercise("start.silent-customers")
        page.goto(voila_zh.url(f"voila/render/{notebook}.ipynb"), timeout=180_000)
        assert "正在执行第" in page.content() or "正在运行" in page.content()  # the spinner's words
        ex = page.locator(".ck-ex").first
        ex.wait_for(timeout=180_000)
        answer_wrong(page.locator("." + _css(spec["id"])), spec)
        feedback = expect_feedback(page.locator("." + _css(spec["id"])), ["incorrect", "partial"])
        assert CJK.search(feedback.inner_text()), feedback.inner_text()
    finally:
        if failed(request):
            from .labpage import screenshot
            screenshot(page, "zh-voila")
        context.close()


def _css(eid: str) -> str:
    from grading.trainee.widgets import css_id
    return css_id(eid)
