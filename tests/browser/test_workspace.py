"""Opening a notebook is not changing it: a fresh release opens clean, and `make lab`
again finds nothing of the trainee's to keep aside (no `.new-release` copies)."""
import pytest

from grading.authoring.workspace import sync

from .server import release

pytestmark = pytest.mark.browser


def test_opening_and_saving_is_not_a_change(lab, open_notebook, tmp_path):
    fresh = tmp_path / "release"
    release(fresh)
    sync(fresh, lab.root)  # the server's folder as a workspace: its files are this release
    page = open_notebook("00-start-here")
    dirty = page.page.evaluate("""path => { for (const w of window.jupyterapp.shell.widgets('main'))
        if (w.context && w.context.path === path) return w.context.model.dirty; return null; }""", page.path)
    assert dirty is False, "JupyterLab marks a freshly released notebook as modified on opening"
    page.command("docmanager:save", 30)
    assert sync(fresh, lab.root) == []  # `make lab` again: nothing updated, nothing kept aside
