"""Where the course lives: datasets, answer keys, notebooks, the trainee workspace."""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the `grading` package
KEYS_DIR = PACKAGE_DIR / "keys"


def course_root() -> Path:
    """The folder holding `datasets/` (repo checkout, a release folder, or $COURSE_ROOT)."""
    env = os.environ.get("COURSE_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), PACKAGE_DIR):
        for folder in (start, *start.parents):
            if (folder / "datasets").is_dir():
                return folder
    return PACKAGE_DIR.parent


def datasets_dir() -> Path:
    return course_root() / "datasets"
