"""Benchmark grading on a Dask cluster against grading on this machine, side by side.

    python benchmarks/cluster.py [--n 200] [--notebook 01-service-blueprints] [--workers 2]

N generated submissions of one module notebook (correct / partial / empty, cycling:
`tests/support/submissions.py`) are graded twice from cold: `grade --jobs W` on this
machine, and on a `LocalCluster` of W worker processes (one thread each; the cluster
is started before the clock runs, as a real one would already be up).  Printed: both
times, the overhead of the cluster path (target <= 10 % on this machine), whether the
two gradebooks are byte-identical, and, from the workers' own timings, the projected
time for 10,000 submissions on 64 cores (one worker thread per core), bounded below
by the instructor's process, which judges every result and writes the cache.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grading.grader import Limits, Options, grade  # noqa: E402
from tests.support import submissions as S  # noqa: E402

TARGET_N, TARGET_CORES = 10_000, 64


def first_module() -> str:
    keys = {p.stem for p in (ROOT / "grading" / "keys").glob("*.yml")}
    return next(p.stem for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
                if p.stem in keys and not p.stem.startswith("00-"))


def timed(opts: Options):
    wall, cpu = time.perf_counter(), time.process_time()
    summary = grade(opts)
    return summary, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200, help="submissions (default 200)")
    parser.add_argument("--notebook", help="a module notebook (default: the first one)")
    parser.add_argument("--workers", type=int, default=2, help="local jobs = cluster workers (default 2)")
    args = parser.parse_args()
    from distributed import LocalCluster
    notebook = args.notebook or first_module()
    work = Path(tempfile.mkdtemp(prefix="cluster-bench-"))
    try:
        subs = S.class_folder(work / "subs", notebook, args.n)
        print(f"{args.n} submissions of {notebook}; {args.workers} workers; {os.cpu_count()} cores")
        local, t_local, cpu_local = timed(Options(subs, work / "local", [notebook], jobs=args.workers,
                                                  limits=Limits(), quiet=True))
        started = time.perf_counter()
        with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                          dashboard_address=None, silence_logs=40) as cluster:
            t_start = time.perf_counter() - started
            dask, t_dask, cpu_dask = timed(Options(subs, work / "dask", [notebook], limits=Limits(), quiet=True,
                                                   scheduler=cluster))
        same = (work / "local" / "gradebook.csv").read_bytes() == (work / "dask" / "gradebook.csv").read_bytes()
        n = local.graded
        print(f"{'':28}{'wall':>9}{'per notebook':>14}{'instructor CPU':>16}")
        print(f"{f'local --jobs {args.workers}':28}{t_local:8.1f}s{t_local / n:13.2f}s{cpu_local:15.1f}s")
        print(f"{f'LocalCluster, {args.workers} workers':28}{t_dask:8.1f}s{t_dask / n:13.2f}s{cpu_dask:15.1f}s"
              f"   (starting the cluster: {t_start:.1f} s, not counted)")
        overhead = 100 * (t_dask / t_local - 1)
        print(f"overhead of the cluster path: {overhead:+.1f} %   target <= +10 %")
        print(f"gradebooks byte-identical: {'yes' if same else 'NO'}")
        for where, (count, seconds) in sorted(dask.workers.items()):
            print(f"  worker {where}: {count} notebooks, {seconds:.1f} s executing, {seconds / count:.2f} s each")
        runs = sum(c for c, _s in dask.workers.values())
        per_notebook = sum(s for _c, s in dask.workers.values()) / max(1, runs)
        judging = cpu_dask / n  # the instructor's process: reading, sending, judging, caching, per notebook
        workers_bound = TARGET_N * per_notebook / TARGET_CORES
        instructor_bound = TARGET_N * judging
        projected = max(workers_bound, instructor_bound)
        print(f"projection, {TARGET_N:,} submissions on {TARGET_CORES} cores: {projected / 60:.1f} min "
              f"(workers: {TARGET_N:,} x {per_notebook:.2f} s / {TARGET_CORES} = {workers_bound / 60:.1f} min; "
              f"instructor: {TARGET_N:,} x {judging * 1000:.0f} ms = {instructor_bound / 60:.1f} min)")
        print("  (per-notebook times measured here, where 2 cores carry the workers, their kernels and the "
              "instructor: a core of its own per worker is faster)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
