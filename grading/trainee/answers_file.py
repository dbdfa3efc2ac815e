"""The answers file beside each notebook: `<notebook>.answers.json`.

Every check and every widget answer is saved here at once, atomically (write a
temporary file, then rename), so a kernel restart or a closed browser loses
nothing and the grader can read widget answers without running any code.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

FORMAT = 1


def answers_path(notebook: str, folder: Path | None = None) -> Path:
    folder = Path(folder or os.environ.get("GRADING_ANSWERS_DIR") or Path.cwd())
    return folder / f"{notebook}.answers.json"


def read(path: Path) -> dict:
    """The saved answers, or an empty record.  A damaged file is kept aside, never deleted."""
    empty = {"format": FORMAT, "notebook": path.name.removesuffix(".answers.json"), "exercises": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return empty
    except (OSError, ValueError):
        _set_aside(path)
        return empty
    if not isinstance(data, dict) or not isinstance(data.get("exercises"), dict):
        _set_aside(path)
        return empty
    return data


def _set_aside(path: Path) -> Path:
    n = 1
    while (aside := path.with_name(f"{path.name}.damaged-{n}")).exists():
        n += 1
    os.replace(path, aside)
    return aside


def write(path: Path, data: dict) -> None:
    """Replace the file in one step: readers see the old or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def update(path: Path, exercise_id: str, **fields) -> dict:
    """Merge `fields` into one exercise's record and save; returns the record."""
    data = read(path)
    record = data["exercises"].setdefault(exercise_id, {})
    record.update(fields)
    record["saved_at"] = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    write(path, data)
    return record
