"""Every module notebook, as a trainee gets it, opens in JupyterLab and Runs All without an error."""
import pytest

from .server import checked_exercises, module_notebooks, shown_exercises

pytestmark = pytest.mark.browser
MODULES = module_notebooks()


@pytest.mark.parametrize("master", MODULES, ids=[p.stem for p in MODULES])
def test_module_runs_all_without_errors(master, open_notebook, record_property):
    widgets, checks = shown_exercises(master), checked_exercises(master)
    nb = open_notebook(master.stem)
    seconds = nb.run_all(expect_widgets=len(widgets))
    record_property("run_all_seconds", round(seconds, 1))

    assert nb.problems() == [], f"{master.stem}: error output after Run All"
    shown = nb.page.locator(".jp-Notebook .ck-ex")
    assert shown.count() == len(widgets), f"{master.stem}: {shown.count()} of {len(widgets)} widgets rendered"
    for eid in widgets:
        assert nb.exercise(eid).count() == 1, f"{eid} did not render"
        assert nb.exercise(eid).locator(".ck-check-btn").count() == 1
    # Nothing is answered yet: every check cell says so, none fails to run.
    results = nb.page.locator(".jp-Notebook .ck-check")
    statuses = results.evaluate_all("els => els.map(e => e.className)")
    assert len(statuses) >= len(checks), f"{master.stem}: {len(statuses)} check outputs for {len(checks)} checks"
    assert not [s for s in statuses if "ck-check--error" in s]
