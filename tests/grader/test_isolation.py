"""A submission cannot damage the course data: each grading kernel has its own copy."""
from __future__ import annotations

import csv
import hashlib
import shutil

import pytest

from grading.grader import Limits, Options, grade
from grading.grader.execute import walls_available
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


# What a submission finds when it looks for the answers during grading (one check per place).
SPY = '''import os, pathlib, grading
found = []
keys = pathlib.Path(grading.__file__).parent / "keys"
found += [p.name for p in keys.rglob("*.expected.json")]
found += [p.name for p in keys.glob("*.yml") if "hidden:" in p.read_text() or "correct: true" in p.read_text()]
for folder in {places!r}:
    if os.path.isdir(folder) and os.listdir(folder):
        found.append(folder)
assert not found, "could read " + ", ".join(found)
'''


@pytest.mark.skipif(not walls_available(), reason="no mount namespaces on this machine")
def test_a_kernel_cannot_read_keys_masters_submissions_or_output(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(ROOT / "datasets" / "servqual", course / "datasets" / "servqual")
    keys = tiny_keys(tmp_path)
    subs, out = tmp_path / "subs", tmp_path / "out"
    places = [str(keys), str(subs), str(out), str(ROOT / "notebooks"), str(ROOT / "tests"),
              str(ROOT / "grading" / "keys" / "zh-CN"), str(course / "datasets")]
    S.write(subs, "a-spy", TINY, tiny(SPY.format(places=places)), tiny_answers(keys))
    S.write(subs, "b-honest", TINY, tiny(), tiny_answers(keys))
    grade(Options(subs, out, [TINY], jobs=2, limits=LIMITS, keys=keys, course=course, quiet=True))
    with open(out / "results.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["trainee"] for r in rows} == {"a-spy", "b-honest"}
    page = (out / "feedback" / "a-spy.html").read_text(encoding="utf-8")
    assert "could read" not in page and "raised" not in page, page  # it found nothing, and nothing broke
    assert (keys / f"{TINY}.yml").exists()  # the instructor's files are where they were


@pytest.mark.skipif(not walls_available(), reason="no mount namespaces on this machine")
def test_walls_hide_folders_and_cannot_be_taken_down(tmp_path):
    import ctypes
    import os
    from grading.grader.inkernel import sandbox
    hide, keep, view, target = (tmp_path / n for n in ("hide", "keep", "view", "hide/target"))
    for folder in (hide, keep, view, target):
        folder.mkdir()
    (hide / "secret.txt").write_text("answer")
    (target / "answers.json").write_text("{}")
    (view / "shown.txt").write_text("exam")
    pid = os.fork()
    if pid == 0:  # the child is the kernel
        try:
            sandbox.raise_walls({"keep": str(keep), "hide": [str(hide)], "views": [[str(view), str(target)]]})
            libc = ctypes.CDLL(None, use_errno=True)
            ok = (sorted(os.listdir(hide)) == ["target"] and os.listdir(target) == ["shown.txt"]
                  and libc.umount2(str(hide).encode(), 2) != 0 and not (hide / "secret.txt").exists())
            (keep / "mine.txt").write_text("ok")
            try:
                (target / "x").write_text("no")
                ok = False
            except OSError:
                pass
            os._exit(0 if ok else 1)
        except BaseException:
            os._exit(2)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert (hide / "secret.txt").read_text() == "answer" and (keep / "mine.txt").exists()
