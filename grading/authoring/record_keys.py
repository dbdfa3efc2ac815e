"""For course authors: run the masters, record expected answers, keep outputs current.

`python -m grading keys` executes each master in a fresh kernel with
GRADING_RECORD_TO set, so every check() call stores the master's answer as the
expected value, then saves the executed master (outputs are what nbval compares).
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from ..core import keys
from ..core.assess import RECORD_ENV


def execute(nb, cwd: Path, timeout: int = 120, env: dict | None = None):
    """Run a notebook in a fresh python3 kernel in `cwd`; returns the executed notebook."""
    from nbclient import NotebookClient
    old = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb


def normalise(nb) -> None:
    """Drop what changes from run to run without meaning anything (widget model state)."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)


def record_expected(master: Path) -> Path:
    """Execute one master, write `<name>.expected.json` and save the executed master."""
    import nbformat
    nb = nbformat.read(master, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        record = Path(tmp) / "expected.json"
        execute(nb, master.parent, env={RECORD_ENV: str(record), "GRADING_ANSWERS_DIR": tmp,
                                        "PYTHONHASHSEED": "0"})
        recorded = json.loads(record.read_text(encoding="utf-8")) if record.exists() else {}
    key = keys.notebook_key(master.stem)
    code_ids = [ex["id"] for ex in key["exercises"] if ex["kind"] == "code" and "expected" not in ex]
    missing = [i for i in code_ids if i not in recorded]
    if missing:
        raise SystemExit(f"{master.name}: no check() call recorded an answer for {', '.join(missing)}")
    out = keys.expected_path(master.stem)
    out.write_text(json.dumps({i: recorded[i] for i in code_ids}, ensure_ascii=False, indent=1,
                              sort_keys=True) + "\n", encoding="utf-8")
    normalise(nb)
    nbformat.write(nb, master)
    keys.clear_caches()
    return out
