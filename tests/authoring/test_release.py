"""Do the release transforms turn masters into clean trainee notebooks?"""
import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grading.authoring.release import (ReleaseError, release_lesson, release_notebook, strip_solution_code)


def test_solution_line_keeps_the_name():
    assert strip_solution_code("share = a / b  # SOLUTION\nshare") == "share = ...\nshare"
    assert strip_solution_code("df['x'] = 1  # SOLUTION") == "df['x'] = ..."
    assert strip_solution_code("if ok:\n    plot(x)  # SOLUTION") == "if ok:\n    ..."


def test_comparison_is_not_an_assignment():
    assert strip_solution_code("a == b  # SOLUTION") == "..."


def test_block_disappears_or_leaves_a_placeholder():
    src = "# BEGIN SOLUTION\nrunning = s.cumsum()\n# END SOLUTION\nfew = list(running)  # SOLUTION\nfew"
    assert strip_solution_code(src) == "few = ...\nfew"
    assert strip_solution_code("# BEGIN SOLUTION\nx = 1\n# END SOLUTION") == "..."
    nested = "def f():\n    # BEGIN SOLUTION\n    return 1\n    # END SOLUTION"
    assert strip_solution_code(nested) == "def f():\n    ..."


def test_stub_comment_becomes_the_trainee_line():
    src = "# BEGIN SOLUTION\nrunning = s.cumsum()\nfew = list(running)\n# END SOLUTION\n# STUB: few = ...\nfew"
    assert strip_solution_code(src) == "few = ...\nfew"
    assert strip_solution_code("if ok:\n    # STUB: x = ...") == "if ok:\n    x = ..."


@pytest.mark.parametrize("src, message", [
    ("# BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n# END SOLUTION", "without BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION", "inside another"),
    ("x = (1 +  # SOLUTION\n  2)", "does not parse"),
])
def test_broken_markers_are_named(src, message):
    with pytest.raises(ReleaseError, match=message):
        strip_solution_code(src, "m.ipynb, cell 3")


def make_master():
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Title"),
        new_code_cell("x = 41 + 1  # SOLUTION", metadata={"tags": ["answer"]},
                      outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "42"}, execution_count=1)],
                      execution_count=1),
        new_code_cell('check("m.x", x)', metadata={"tags": ["check"]}),
        new_markdown_cell("Model answer: 42", metadata={"tags": ["instructor"]}),
    ]
    nb.metadata["widgets"] = {"state": {}}
    return nb


def test_release_notebook_clears_drops_and_locks():
    master = make_master()
    trainee = release_notebook(master, "m")
    assert [c.source for c in trainee.cells] == ["# Title", "x = ...", 'check("m.x", x)']
    assert trainee.cells[1].outputs == [] and trainee.cells[1].execution_count is None
    assert trainee.cells[2].metadata["editable"] is False and trainee.cells[2].metadata["deletable"] is False
    assert "widgets" not in trainee.metadata and trainee.metadata["grading"]["release"] == "trainee"
    assert master.cells[1].source.endswith("# SOLUTION")  # the master is untouched


def test_markers_in_markdown_are_refused():
    nb = new_notebook(cells=[new_markdown_cell("# BEGIN SOLUTION\nsecret\n# END SOLUTION")])
    with pytest.raises(ReleaseError, match="tag the cell 'instructor'"):
        release_notebook(nb, "m")


def test_lesson_loses_instructor_notes_only():
    page = "# L\n\n## Key points\n- a\n\n## Instructor notes\nsecret findings\n"
    assert release_lesson(page) == "# L\n\n## Key points\n- a\n"
    middle = "## A\nx\n## Instructor notes\nsecret\n## References\nR\n"
    assert release_lesson(middle) == "## A\nx\n## References\nR\n"
