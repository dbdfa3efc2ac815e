"""Figures in a trainee's notebook: drawn once per cell and sent once (issue 21: a fast first Run All)."""
import os

import nbformat
import pytest
from nbclient import NotebookClient

from tests.support import ROOT

COUNT_DRAWS = '''
from matplotlib.figure import Figure
draws = []
_draw = Figure.draw
def counted(self, renderer):
    draws.append(1)
    return _draw(self, renderer)
Figure.draw = counted
'''


@pytest.mark.slow
def test_a_figure_is_drawn_once_and_shown_once(tmp_path, monkeypatch):
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the inline backend, as in JupyterLab and Voila
    monkeypatch.setenv("COURSE_ROOT", str(ROOT))
    monkeypatch.setenv("GRADING_ANSWERS_DIR", str(tmp_path))
    cell = nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(cells=[
        cell("%matplotlib inline\nimport matplotlib.pyplot as plt\nimport seaborn as sns\nimport grading"),
        cell(COUNT_DRAWS),
        cell("fig, ax = plt.subplots()\nsns.barplot(x=['a', 'b'], y=[1, 2], ax=ax)\nax.set_title('t')"),
        cell("print(len(draws))"),
    ])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = [o for o in nb.cells[2].outputs if "image/png" in o.get("data", {})]
    assert len(shown) == 1
    # sending a PNG with a tight bounding box draws twice; pyplot's own redraw after the cell is gone
    assert int(nb.cells[3].outputs[0]["text"]) <= 2, nb.cells[3].outputs
