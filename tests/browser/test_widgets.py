"""Every kind of widget exercise works for a person in JupyterLab.

Each kind the engine can show (grading.trainee.widgets.VIEWS) is tried on its first
exercise, taken from 00-start-here (one of each classic kind) or, for a kind it
lacks, from the first module that shows one.  Answer wrongly -> the specific
feedback shows; answer rightly -> "correct" (kinds a person grades:
"submitted").  Then reload the page, restart the kernel (Kernel ▸ Restart) and
Run All again -> every answer is back, restored from the answers file.

The tests share one open page per notebook and run in file order; the restore
test answers anything an earlier test did not, so it also passes alone.
"""
import json

import pytest

from grading.core.keys import AnswerKeyError, notebook_key
from grading.trainee.widgets import VIEWS
from .drivers import (RIGHT_STATUS, RIGHT_TEXT, WRONG_STATUSES, answer_right, answer_wrong, assert_restored,
                      expect_feedback)
from .labpage import LabPage
from .server import module_notebooks, shown_exercises

pytestmark = pytest.mark.browser
START = "00-start-here"


def first_of_each_kind() -> dict[str, tuple[str, dict]]:
    """kind -> (notebook, exercise spec), preferring 00-start-here."""
    found = {}
    masters = sorted(module_notebooks(), key=lambda p: (p.stem != START, p.stem))
    for master in masters:
        try:
            key = notebook_key(master.stem)
        except AnswerKeyError:
            continue
        shown = set(shown_exercises(master))
        for ex in key["exercises"]:
            if ex["kind"] in VIEWS and ex["id"] in shown:
                found.setdefault(ex["kind"], (master.stem, ex))
    return found


CASES = first_of_each_kind()
KINDS = list(CASES)  # 00-start-here's kinds first
NOTEBOOKS = sorted({nb for nb, _ in CASES.values()})


def right(kind: str) -> str:
    return RIGHT_STATUS.get(kind, "correct")


def test_every_widget_kind_is_shown_by_some_module():
    assert set(VIEWS) <= set(CASES), f"no module shows a {sorted(set(VIEWS) - set(CASES))} exercise"
    assert START in NOTEBOOKS


@pytest.fixture(scope="module")
def pages(lab, browser):
    """notebook -> an open LabPage, run once (answers files removed first: a trainee's first visit)."""
    opened = {}

    def get(notebook: str) -> LabPage:
        if notebook not in opened:
            (lab.root / f"{notebook}.answers.json").unlink(missing_ok=True)
            page = LabPage(lab, browser, notebook).open()
            opened[notebook] = page
            page.run_all(expect_widgets=len(shown_exercises(lab.root / f"{notebook}.ipynb")))
        return opened[notebook]

    yield get
    for page in opened.values():
        page.context.close()
    lab.shutdown_sessions()


@pytest.fixture
def page_for(request, pages):
    used = []

    def get(notebook):
        used.append(pages(notebook))
        return used[-1]

    yield get
    rep = getattr(request.node, "rep_call", None)
    if rep is None or rep.failed:
        for nb in used:
            nb.screenshot(f"{nb.notebook}-{request.node.name}")


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_then_right_answer(kind, page_for):
    notebook, spec = CASES[kind]
    nb = page_for(notebook)
    ex = nb.exercise(spec["id"])
    ex.scroll_into_view_if_needed()
    expected_text = answer_wrong(ex, spec)
    expect_feedback(ex, WRONG_STATUSES.get(kind, ["incorrect", "partial"]), expected_text)
    answer_right(ex, spec)
    expect_feedback(ex, [right(kind)], RIGHT_TEXT.get(kind))
    assert nb.problems() == []


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_answers_survive_reload_and_kernel_restart(notebook, page_for, lab):
    nb = page_for(notebook)
    cases = [(kind, spec) for kind, (n, spec) in CASES.items() if n == notebook]
    answers = lab.root / f"{notebook}.answers.json"
    saved = json.loads(answers.read_text())["exercises"] if answers.exists() else {}
    for kind, spec in cases:  # when run alone: answer first (a short text is "submitted" too: answer it again)
        if saved.get(spec["id"], {}).get("status") != right(kind) or kind in RIGHT_TEXT:
            ex = nb.exercise(spec["id"])
            answer_right(ex, spec)
            expect_feedback(ex, [right(kind)], RIGHT_TEXT.get(kind))

    saved = json.loads(answers.read_text())["exercises"]
    assert {spec["id"]: saved[spec["id"]]["status"] for _, spec in cases} == {
        spec["id"]: right(kind) for kind, spec in cases}

    nb.reload()
    nb.restart_kernel()
    nb.run_all(expect_widgets=len(shown_exercises(lab.root / f"{notebook}.ipynb")))
    for kind, spec in cases:
        ex = nb.exercise(spec["id"])
        ex.scroll_into_view_if_needed()
        assert_restored(ex, spec)
    assert nb.problems() == []


def test_replies_and_buckets_are_shown_in_full(page_for):
    """No role-play reply cut off with "…", no bucket name cut by its drop-down, no double-spaced labels."""
    for kind in ("scenario", "buckets"):
        notebook, spec = CASES[kind]
        ex = page_for(notebook).exercise(spec["id"])
        ex.scroll_into_view_if_needed()
        problems = ex.evaluate("""(box) => {
            const found = [];
            for (const b of box.querySelectorAll('.ck-reply'))
                if (b.scrollWidth > b.clientWidth + 1 || b.scrollHeight > b.clientHeight + 1)
                    found.push('reply cut off: ' + b.innerText.slice(0, 60));
            const probe = document.createElement('span');
            document.body.appendChild(probe);
            for (const s of box.querySelectorAll('.ck-bucket-select select')) {
                probe.style.font = getComputedStyle(s).font;
                for (const o of s.options) {
                    probe.textContent = o.text;
                    if (probe.getBoundingClientRect().width > s.clientWidth) found.push('bucket cut: ' + o.text);
                }
            }
            probe.remove();
            for (const l of box.querySelectorAll('.ck-item-label .widget-html-content'))
                if (parseFloat(getComputedStyle(l).lineHeight) > 1.6 * parseFloat(getComputedStyle(l).fontSize))
                    found.push('double-spaced label: ' + l.innerText.slice(0, 40));
            return [...new Set(found)]; }""")
        assert problems == [], f"{spec['id']}: {problems[:5]}"


def test_a_worked_solution_is_shown_as_code(page_for):
    """solution("…") in a cell: a code block (highlighted, copyable), not comments as giant headings."""
    from .labpage import _PANEL
    nb = page_for(START)
    nb.page.evaluate(f"""async path => {{ const panel = {_PANEL}(path);
        window.jupyterapp.shell.activateById(panel.id);
        const model = panel.content.model;
        model.sharedModel.insertCell(model.cells.length, {{cell_type: 'code', source: 'solution("start.shares")'}});
        panel.content.activeCellIndex = model.cells.length - 1;
        await window.jupyterapp.commands.execute('notebook:run-cell'); }}""", nb.path)
    last = nb.page.locator(".jp-Notebook .jp-Cell").last
    last.scroll_into_view_if_needed()
    code = last.locator(".jp-RenderedMarkdown pre code")
    code.wait_for(timeout=30_000)
    assert "sort_values(ascending=False)" in code.inner_text()
    assert last.locator(".jp-RenderedMarkdown h1").count() == 0
