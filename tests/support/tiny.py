"""A tiny synthetic notebook (key `90-tiny`: two code answers and one choice) for fast grading runs."""
from __future__ import annotations

import shutil
from pathlib import Path

from . import FIXTURE_KEYS, ROOT, TINY
from . import submissions as S

COURSE = "00-start-here"  # graded beside the tiny notebook in the grader's class run


def tiny_keys(folder: Path) -> Path:
    """A keys folder with the tiny key and the course's start-here key (as `--keys` takes it)."""
    keys = folder / "keys"
    keys.mkdir()
    for name in (f"{COURSE}.yml", f"{COURSE}.expected.json"):
        shutil.copyfile(ROOT / "grading" / "keys" / name, keys / name)
    shutil.copyfile(FIXTURE_KEYS / f"{TINY}.yml", keys / f"{TINY}.yml")
    return keys


def tiny(*middle: str):
    """The tiny notebook with `middle` cells between its two right answers."""
    return S.code_notebook("x = 40 + 2", *middle, "y = 7")


def tiny_answers(keys: Path, right: bool = True) -> dict:
    return S.widget_answers(TINY, right=right, keys_dir=keys)
