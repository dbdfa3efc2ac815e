"""Does the code that runs inside a submission's kernel stand on its own?

`grader/inkernel/sandbox.py` starts as a script and `inkernel/extract.py` with
`core/canon.py` is sent as source text: the trainee's notebook may have replaced
anything in `grading`, so none of them may import from it.
"""
import ast

import pytest

from grading.core.paths import PACKAGE_DIR
from grading.grader.execute import DRIVER_SOURCE, EXTRACT_SOURCES, SANDBOX, _extract_code
from grading.grader.inkernel import driver

INKERNEL = [SANDBOX, DRIVER_SOURCE, *EXTRACT_SOURCES]


def imported_modules(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


@pytest.mark.parametrize("path", INKERNEL, ids=lambda p: p.relative_to(PACKAGE_DIR).as_posix())
def test_in_kernel_code_imports_nothing_from_grading(path):
    found = imported_modules(path)
    assert not [m for m in found if m.startswith(".") or m.split(".")[0] == "grading"], found


def test_the_in_kernel_folder_holds_exactly_that_code():
    folder = SANDBOX.parent
    assert {p.name for p in folder.glob("*.py")} == {"__init__.py", "sandbox.py", "driver.py", "extract.py"}
    assert EXTRACT_SOURCES[1].parent == folder


def test_extraction_code_runs_in_a_bare_namespace(tmp_path):
    """What the grader sends works with nothing from `grading` importable."""
    out = tmp_path / "answers.jsonl"
    namespace = {"x": 42, "shares": [0.5, 0.5], "__builtins__": __builtins__}
    exec(_extract_code(["x", "missing_one"], out), namespace)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert '"name":"x","found":true,"data":{"kind":"number","value":42}' in lines[1]
    assert lines[2] == '{"name":"missing_one","found":false}' and lines[-1] == '{"done":true}'


class FakeShell:
    """Just enough of IPython's shell for the driver: run_cell results and display messages."""

    class Result:
        def __init__(self, error=None):
            self.error_before_exec, self.error_in_exec = None, error

    def __init__(self):
        self.ran, self.shown = [], []
        self.display_pub = self

    def publish(self, data, metadata):
        self.shown.append(data)

    def transform_cell(self, source):
        return source

    def should_run_async(self, source, transformed_cell, preprocessing_exc_tuple):
        return source.startswith("await")

    def run_cell(self, source, store_history, silent):
        assert silent and not store_history
        self.ran.append(source)
        if source == "boom":
            return self.Result(ValueError('bad "value"\nsecond line'))
        if source == "late interrupt":  # the cell finished; the interrupt meant for it lands afterwards
            raise KeyboardInterrupt
        return self.Result()


def test_the_driver_runs_every_cell_and_reports_each_ending(tmp_path):
    import json
    shell, progress = FakeShell(), tmp_path / "progress.jsonl"
    driver.run(shell, [(1, "x = 1"), (3, "boom"), (4, "late interrupt"), (6, "y = 2")], str(progress))
    assert shell.ran == ["x = 1", "boom", "late interrupt", "y = 2"]  # none twice, none left out
    assert [d[driver.MARKER] for d in shell.shown] == ["1", "3", "4", "6"]
    lines = [json.loads(line) for line in progress.read_text(encoding="utf-8").splitlines()]
    assert lines[:4] == [{"start": 1}, {"end": 1}, {"start": 3},
                         {"end": 3, "ename": "ValueError", "evalue": 'bad "value"\nsecond line'}]
    assert {"end": 4} in lines and lines[-3:] == [{"start": 6}, {"end": 6}, {"cells_done": True}]


def test_the_driver_stops_before_a_cell_that_needs_the_event_loop(tmp_path):
    import json
    shell, progress = FakeShell(), tmp_path / "progress.jsonl"
    assert driver.run(shell, [(0, "x = 1"), (2, "await something()"), (3, "y = 2")], str(progress)) is False
    assert shell.ran == ["x = 1"]
    lines = [json.loads(line) for line in progress.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"start": 0}, {"end": 0}, {"alone": 2}]
