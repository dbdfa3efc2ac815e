"""A submission cannot damage the course data: each grading kernel has its own copy."""
from __future__ import annotations

import csv
import hashlib
import shutil

import pytest

from grading.grader import Limits, Options, grade
from tests.support import ROOT, TINY
from tests.support import submissions as S
from tests.support.tiny import tiny, tiny_answers, tiny_keys

LIMITS = Limits(cell_timeout=10, timeout=30, memory_mb=1024, max_output_kb=256)
VANDAL = ("import os, pathlib\n"
          "for p in pathlib.Path(os.environ['COURSE_ROOT'], 'datasets').rglob('*.csv'):\n"
          "    p.write_text('wiped')")
READER = ("import os, pathlib\n"
          "p = next(pathlib.Path(os.environ['COURSE_ROOT'], 'datasets').rglob('*.csv'))\n"
          "assert p.read_text() != 'wiped', 'the data was damaged by an earlier submission'")


def digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_vandal_changes_only_its_own_copy_of_the_data(tmp_path, jobs):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "datasets" / "servqual", course / "datasets" / "servqual")
    before = digest(course)
    keys = tiny_keys(tmp_path)
    subs = tmp_path / "subs"
    answers = tiny_answers(keys)
    S.write(subs, "a-vandal", TINY, tiny(VANDAL), answers)  # graded first (names sort)
    for i in range(3):
        S.write(subs, f"b-honest{i}", TINY, tiny(READER), answers)
    grade(Options(subs, tmp_path / "out", [TINY], jobs=jobs, limits=LIMITS, keys=keys, course=course, quiet=True))
    assert digest(course) == before  # the instructor's data is unchanged
    with open(tmp_path / "out" / "gradebook.csv", encoding="utf-8") as fh:
        book = {row["trainee"]: row for row in csv.DictReader(fh)}
    totals = {name: row["total"] for name, row in book.items()}
    assert len(set(totals.values())) == 1, totals  # the honest ones lose nothing to the vandal
    assert "damaged" not in (tmp_path / "out" / "results.csv").read_text(encoding="utf-8")
