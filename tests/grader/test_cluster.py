"""Grading on a Dask cluster: a LocalCluster of 2 worker processes grades a mixed class.

The class is graded once on this machine (module fixture); each cluster run must
write the same outputs byte for byte: once with the workers reading the
instructor's files, once with everything sent as bytes while a worker is killed
mid-run (its notebook runs again elsewhere; no row is lost, no kernel is left).
"""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from grading.grader import GradeError, Limits, Options, grade  # noqa: E402
from grading.grader import cluster  # noqa: E402
from tests.grader.test_runs import _kernels_under  # noqa: E402
from tests.support import TINY  # noqa: E402
from tests.support import submissions as S  # noqa: E402
from tests.support.tiny import tiny, tiny_answers, tiny_keys  # noqa: E402

LIMITS = Limits(cell_timeout=30, timeout=60, memory_mb=1024, max_output_kb=256)  # no run may hit a limit here


def mixed_class(root: Path, keys: Path) -> Path:
    subs = root / "subs"
    right, wrong = tiny_answers(keys), tiny_answers(keys, right=False)
    for i in range(6):  # a second each, so that a worker can be killed while it runs one
        nb = tiny("import time\ntime.sleep(1)", "y = 'seven'" if i % 3 == 0 else "z = 1")
        S.write(subs, f"t{i:02d}", TINY, nb, right if i % 2 == 0 else wrong)
    S.write(subs, "dies", TINY, tiny("import os\nos._exit(3)"), right)
    S.write(subs, "flood", TINY, tiny("print('x' * 1_000_000)"), right)
    S.write(subs, "badjson", TINY, raw='{"cells": [', answers=right)
    S.write(subs, "noanswers", TINY, tiny())
    (subs / "data").mkdir()
    S.write(subs, "data", TINY, tiny("x = int(open('mine.txt').read())"), right)  # a file beside the notebook
    (subs / "data" / "mine.txt").write_text("42", encoding="utf-8")
    return subs


def outputs(out: Path) -> dict:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("cluster")
    keys = tiny_keys(root)
    subs = mixed_class(root, keys)
    grade(Options(subs, root / "local", [TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    return {"root": root, "keys": keys, "subs": subs, "local": outputs(root / "local")}


@pytest.fixture(scope="module")
def local_cluster(graded):
    scratch = graded["root"] / "workers"
    scratch.mkdir()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  env={"TMPDIR": str(scratch)}, silence_logs=50) as c:
        yield c, scratch


def test_a_cluster_run_writes_what_a_local_run_writes(graded, local_cluster):
    c, _scratch = local_cluster
    out = graded["root"] / "shared"
    summary = grade(Options(graded["subs"], out, [TINY], limits=LIMITS, keys=graded["keys"], quiet=True,
                            scheduler=c))
    assert summary.graded == len(graded["local"]["gradebook.csv"].splitlines()) - 1
    assert len(summary.workers) == 2 and all(w.startswith("tcp://") for w in summary.workers)
    assert outputs(out) == graded["local"]
    again = grade(Options(graded["subs"], out, [TINY], limits=LIMITS, keys=graded["keys"], quiet=True,
                          scheduler=c))
    assert again.graded == 0 and outputs(out) == graded["local"]


def test_a_killed_worker_loses_no_row(graded, local_cluster, monkeypatch):
    c, scratch = local_cluster
    monkeypatch.setattr(cluster, "_stamps", lambda paths: [])  # no shared files: everything goes as bytes
    out = graded["root"] / "bytes"
    done: dict = {}
    run = threading.Thread(target=lambda: done.setdefault("summary", grade(Options(
        graded["subs"], out, [TINY], limits=LIMITS, keys=graded["keys"], quiet=True, scheduler=c))))
    run.start()
    deadline = time.monotonic() + 60
    while not list((out / "cache").glob(f"t*/{TINY}.json")) and time.monotonic() < deadline:  # one ran
        time.sleep(0.1)
    with distributed.Client(c) as client:
        victim = next(iter(client.run(os.getpid).values()))
    os.kill(victim, signal.SIGKILL)
    run.join(240)
    assert not run.is_alive() and done["summary"].graded
    assert outputs(out) == graded["local"]
    for _ in range(50):  # the dead worker's kernels follow it; the run's own were shut down
        if not _kernels_under(scratch):
            break
        time.sleep(0.2)
    assert _kernels_under(scratch) == []


def test_a_scheduler_that_is_not_there_is_a_clear_error(graded):
    import dask
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), \
            pytest.raises(GradeError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        grade(Options(graded["subs"], graded["root"] / "nowhere", [TINY], limits=LIMITS, keys=graded["keys"],
                      quiet=True, scheduler="tcp://127.0.0.1:9"))
