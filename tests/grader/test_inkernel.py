"""Does the code that runs inside a submission's kernel stand on its own?

`grader/inkernel/sandbox.py` starts as a script and `inkernel/extract.py` with
`core/canon.py` is sent as source text: the trainee's notebook may have replaced
anything in `grading`, so none of them may import from it.
"""
import ast

import pytest

from grading.core.paths import PACKAGE_DIR
from grading.grader.execute import EXTRACT_SOURCES, SANDBOX, _extract_code

INKERNEL = [SANDBOX, *EXTRACT_SOURCES]


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
    assert {p.name for p in folder.glob("*.py")} == {"__init__.py", "sandbox.py", "extract.py"}
    assert EXTRACT_SOURCES[1].parent == folder


def test_extraction_code_runs_in_a_bare_namespace(tmp_path):
    """What the grader sends works with nothing from `grading` importable."""
    out = tmp_path / "answers.jsonl"
    namespace = {"x": 42, "shares": [0.5, 0.5], "__builtins__": __builtins__}
    exec(_extract_code(["x", "missing_one"], out), namespace)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert '"name":"x","found":true,"data":{"kind":"number","value":42}' in lines[1]
    assert lines[2] == '{"name":"missing_one","found":false}' and lines[-1] == '{"done":true}'
