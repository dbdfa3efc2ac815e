"""Grading runs: byte-identical re-runs, resuming after an interruption, the command line."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grading.grader import Limits, Options, grade
from tests.support import ROOT, TINY
from tests.support import submissions as S
from tests.support.tiny import tiny_answers, tiny_keys

LIMITS = Limits(cell_timeout=5, timeout=20, memory_mb=1024, max_output_kb=256)
ROOMY = Limits(cell_timeout=30, timeout=90, memory_mb=1024, max_output_kb=256)


def tiny_class(root: Path, keys: Path, n: int = 4, sleep: float = 0.0) -> Path:
    subs = root / "subs"
    answers, wrong = tiny_answers(keys), tiny_answers(keys, right=False)
    for i in range(n):
        nb = S.code_notebook(f"import time\ntime.sleep({sleep})", f"x = {42 if i % 2 == 0 else 41}",
                             "y = 7" if i % 3 else "y = 'seven'", "print('✔ Correct')")
        S.write(subs, f"t{i:02d}", TINY, nb, answers if i % 2 == 0 else wrong)
    return subs


def test_two_runs_give_a_byte_identical_gradebook(tmp_path, monkeypatch):
    keys = tiny_keys(tmp_path)
    subs = tiny_class(tmp_path, keys)
    first = grade(Options(subs, tmp_path / "a", [TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    assert first.graded == 4 and first.cached == 0
    busy = sum(seconds for _n, seconds in first.workers.values())
    assert 0 < first.startup_seconds < busy, "the kernel factory's one start is part of the workers' time"
    again = grade(Options(subs, tmp_path / "a", [TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    assert again.graded == 0 and again.cached == 4
    with monkeypatch.context() as patch:  # the same, with kernels started one by one (no kernel factory)
        from grading.grader import execute

        async def no_factory(self):
            return False

        patch.setattr(execute.Zygote, "start", no_factory)
        fresh = grade(Options(subs, tmp_path / "b", [TINY], jobs=1, limits=LIMITS, keys=keys, quiet=True,
                              force=True))
    assert fresh.graded == 4 and fresh.startup_seconds == 0
    book = (tmp_path / "a" / "gradebook.csv").read_bytes()
    assert book == (tmp_path / "b" / "gradebook.csv").read_bytes()
    assert b"t00,1,0,1,2,2,3," in book  # x right, y is text, pick right; totals; max
    # a changed submission is graded again; the others come from the cache
    S.write(subs, "t01", TINY, S.code_notebook("x = 42", "y = 7"))
    third = grade(Options(subs, tmp_path / "a", [TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    assert third.graded == 1 and third.cached == 3


def test_a_deep_temporary_folder_still_grades(tmp_path, monkeypatch):
    # A Unix socket's path holds 107 bytes: kernels in a deep TMPDIR talk over local TCP instead.
    import tempfile

    keys = tiny_keys(tmp_path)
    subs = tiny_class(tmp_path, keys, n=2)
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    forked = grade(Options(subs, tmp_path / "a", [TINY], jobs=1, limits=LIMITS, keys=keys, quiet=True))
    from grading.grader import execute

    async def no_factory(self):
        return False

    monkeypatch.setattr(execute.Zygote, "start", no_factory)
    started = grade(Options(subs, tmp_path / "b", [TINY], jobs=1, limits=LIMITS, keys=keys, quiet=True))
    assert forked.graded == started.graded == 2
    for out in ("a", "b"):
        book = (tmp_path / out / "gradebook.csv").read_text(encoding="utf-8")
        assert "t00,1,0,1,2,2,3," in book and "could not start" not in (tmp_path / out / "results.csv").read_text(
            encoding="utf-8"), book


def _kernels_under(folder: Path) -> list[int]:
    """Processes (kernels, the kernel factory) whose working directory is inside `folder`."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cwd = os.readlink(proc / "cwd")
            except OSError:
                continue
            if cwd.startswith(str(folder)):
                pids.append(int(proc.name))
    return pids


@pytest.mark.slow
def test_an_interrupted_run_resumes_and_leaves_no_kernels(tmp_path):
    # Roomy limits: this test is about resuming, and a busy machine (the other test worker) must not
    # turn a 1.5 s cell into a time-out in one of the two runs compared.
    keys = tiny_keys(tmp_path)
    subs = tiny_class(tmp_path, keys, n=5, sleep=1.5)
    out, scratch = tmp_path / "out", tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    cmd = [sys.executable, "-m", "grading", "grade", str(subs), "--out", str(out), "--jobs", "1",
           "--notebooks", TINY, "--keys", str(keys), "--cell-timeout", "30", "--timeout", "90",
           "--memory", "1024", "--max-output", "256"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not [p for p in (out / "cache").rglob("*.json") if not p.name.endswith(".run.json")] \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _kernels_under(scratch)  # the check below can see kernels
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    time.sleep(0.5)
    assert _kernels_under(scratch) == []
    done = len([p for p in (out / "cache").rglob("*.json")  # results a re-run reuses (not a kernel that failed to start)
                if not p.name.endswith(".run.json") and json.loads(p.read_text(encoding="utf-8"))["hash"]])
    assert 1 <= done < 5, (err, [p.read_text(encoding="utf-8")[:3000] for p in (out / "cache").rglob("*.json")])
    resumed = grade(Options(subs, out, [TINY], jobs=2, limits=ROOMY, keys=keys, quiet=True))
    assert resumed.cached == done and resumed.graded == 5 - done
    clean = grade(Options(subs, tmp_path / "clean", [TINY], jobs=2, limits=ROOMY, keys=keys, quiet=True))
    assert clean.graded == 5
    resumed_book, clean_book = ((folder / "gradebook.csv").read_text(encoding="utf-8") for folder in (out, tmp_path / "clean"))
    assert resumed_book == clean_book, (resumed_book, clean_book, (out / "results.csv").read_text(encoding="utf-8"))


def test_command_line_errors_are_clear(tmp_path):
    (tmp_path / "subs").mkdir()
    run = subprocess.run([sys.executable, "-m", "grading", "grade", str(tmp_path / "subs"), "--out",
                          str(tmp_path / "out"), "--notebooks", "99-nothing"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 2 and "no answer key for 99-nothing" in run.stderr
    run = subprocess.run([sys.executable, "-m", "grading", "rubric", "merge", str(tmp_path / "out")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "filled CSV" in run.stderr
    run = subprocess.run([sys.executable, "-m", "grading", "rubric", "export", str(tmp_path / "out")],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "run `python -m grading grade` first" in run.stderr


def test_widget_only_notebooks_are_graded_without_a_kernel(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "91-quiz.yml").write_text(
        "notebook: 91-quiz\nexercises:\n  - id: quiz.one\n    kind: choose-one\n    points: 2\n"
        "    prompt: Pick\n    options: [{text: A, correct: true}, {text: B}]\n", encoding="utf-8")
    subs = tmp_path / "subs"
    for i in range(30):
        S.write(subs, f"q{i:02d}", "91-quiz", S.code_notebook("print('hello')"),
                S.widget_answers("91-quiz", right=i % 3 != 0, keys_dir=keys))
    start = time.monotonic()
    summary = grade(Options(subs, tmp_path / "out", ["91-quiz"], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    assert summary.graded == 30 and max(summary.seconds.values()) < 0.5
    book = (tmp_path / "out" / "gradebook.csv").read_text(encoding="utf-8").splitlines()
    assert book[1].startswith("q00,0,0,0,2,") and book[2].startswith("q01,2,2,2,2,")
    assert time.monotonic() - start < 20


def test_unusable_keys_are_refused_before_anything_runs(tmp_path):
    """A --keys folder without its recorded expected values, or a key with an empty `hidden:`, would make
    answers `invalid` for everyone: refused with what to fix, nothing graded, no output folder."""
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "00-start-here.yml").write_text((ROOT / "grading" / "keys" / "00-start-here.yml").read_text(
        encoding="utf-8"), encoding="utf-8")  # the .yml only, as an instructor might copy it
    (keys / f"{TINY}.yml").write_text((ROOT / "tests" / "support" / "keys" / f"{TINY}.yml").read_text(
        encoding="utf-8").replace("  - {id: tiny.y, title: y, kind: code, points: 1, answer: y, rule: {type: number}, "
                                  "expected: 7}", "  - id: tiny.y\n    kind: code\n    points: 1\n    answer: y\n"
                                  "    rule: {type: number}\n    expected: 7\n    hidden:\n"), encoding="utf-8")
    S.write(tmp_path / "subs", "ana", "00-start-here", S.code_notebook("x = 1"), None)
    run = subprocess.run([sys.executable, "-m", "grading", "grade", str(tmp_path / "subs"), "--out",
                          str(tmp_path / "out"), "--keys", str(keys), "--notebooks", f"00-start-here,{TINY}"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "the answer keys cannot be used" in run.stderr and "nothing was graded" in run.stderr
    assert "00-start-here.yml: no recorded expected value for start.attitude-share" in run.stderr
    assert f"{TINY}.yml: exercise tiny.y: 'hidden' must be a list of rules (it is empty)" in run.stderr
    assert not (tmp_path / "out").exists()


def test_a_rule_change_is_judged_again_without_running_anything(tmp_path):
    import shutil

    import yaml
    keys = tiny_keys(tmp_path)
    subs = tiny_class(tmp_path, keys)
    out = tmp_path / "out"
    first = grade(Options(subs, out, [TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    assert first.executed == 4
    relaxed = tmp_path / "relaxed"
    shutil.copytree(keys, relaxed)
    key = yaml.safe_load((relaxed / f"{TINY}.yml").read_text(encoding="utf-8"))
    key["exercises"][0]["rule"] = {"type": "number", "tol": 1.5}  # 41 now counts as 42
    (relaxed / f"{TINY}.yml").write_text(yaml.safe_dump(key), encoding="utf-8")
    again = grade(Options(subs, out, [TINY], jobs=2, limits=LIMITS, keys=relaxed, quiet=True))
    assert again.graded == 4 and again.executed == 0  # judged again, no kernel started
    rows = (out / "results.csv").read_text(encoding="utf-8")
    assert "t01,90-tiny,tiny.x,code,correct" in rows


def test_a_changed_notebook_does_not_run_the_trainees_other_notebooks_again(tmp_path):
    from tests.support.tiny import COURSE
    keys = tiny_keys(tmp_path)
    subs = tmp_path / "subs"
    S.write(subs, "ana", TINY, S.code_notebook("x = 42", "y = 7"), tiny_answers(keys))
    S.write(subs, "ana", COURSE, S.release(COURSE))
    out = tmp_path / "out"
    grade(Options(subs, out, [TINY, COURSE], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    S.write(subs, "ana", COURSE, S.master(COURSE))  # only the start page changes
    again = grade(Options(subs, out, [TINY, COURSE], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    assert again.cached == 1 and again.graded == 1 and again.executed == 1
