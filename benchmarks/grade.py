"""Benchmark the batch grader against bare nbclient execution and nbgrader autograde.

    python benchmarks/grade.py [--n 6] [--notebooks 01-service-blueprints,...] [--nbgrader /tmp/nbg]

For every module notebook that exists (a master with a key), N generated
submissions (correct / partial / empty, cycling) are:

1. executed bare: one fresh nbclient kernel per notebook, one after the other;
   and the floors: the same cells in one warm process, with and without rendering
   every figure to PNG (what any executor must at least do);
2. graded with `python -m grading grade` logic, 1 worker and 2 workers, and with 2 workers
   and `--fresh-data` (its extra cost printed);
3. graded by nbgrader 0.9 `autograde` (if a throwaway venv with nbgrader is
   given; the notebooks run on this project's interpreter through a kernelspec,
   the check cells become nbgrader test cells `assert check(...).passed`).

Targets (printed, never asserted): grading overhead <= 10 % over bare
execution (1 worker), per-worker cost <= 1.3x the no-render floor, and >= 3x
nbgrader's throughput (default workers).  The per-worker cost leaves out, as the floor
leaves out its imports, the first kernel's one wait per run for the kernel factory's
imports; that wait is printed beside it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from grading.grader import Limits, Options, grade  # noqa: E402
from tests.support import submissions as S  # noqa: E402


def module_notebooks() -> list[str]:
    keys = {p.stem for p in (ROOT / "grading" / "keys").glob("*.yml")}
    return [p.stem for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
            if p.stem in keys and not p.stem.startswith("00-")]


def make_class(folder: Path, notebooks: list[str], n: int) -> list[tuple[str, str, Path]]:
    for nb in notebooks:
        S.class_folder(folder, nb, n)
    return [(t.name, nb, t / f"{nb}.ipynb") for t in sorted(folder.iterdir()) for nb in notebooks]


def bare(items) -> float:
    """Execute each notebook in a fresh kernel with plain nbclient, sequentially."""
    from nbclient import NotebookClient
    env_before = dict(os.environ)
    os.environ["COURSE_ROOT"] = str(ROOT)
    start = time.perf_counter()
    try:
        for _, _, path in items:
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copytree(path.parent, tmp, dirs_exist_ok=True)
                os.environ["GRADING_ANSWERS_DIR"] = tmp
                nb = nbformat.read(path, as_version=4)
                NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                               resources={"metadata": {"path": tmp}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    return time.perf_counter() - start


FLOOR = r"""
import io, json, os, shutil, sys, tempfile, time
import matplotlib
matplotlib.use("agg")
import matplotlib.pyplot as plt
import nbformat, numpy, pandas, seaborn, ipywidgets, grading  # warm: imported before the clock starts
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
render = sys.argv[1] == "render"
total = 0.0
for path in sys.argv[2:]:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(os.path.dirname(path), tmp, dirs_exist_ok=True)
        os.chdir(tmp)
        os.environ["GRADING_ANSWERS_DIR"] = tmp
        shell.reset(new_session=False)
        start = time.perf_counter()
        for cell in nb.cells:
            if cell.cell_type == "code":
                shell.run_cell(cell.source, store_history=False, silent=True)
                if render:
                    for n in plt.get_fignums():
                        plt.figure(n).savefig(io.BytesIO(), format="png")
                plt.close("all")
        total += time.perf_counter() - start
print(json.dumps(total))
"""


def floor(items, render: bool) -> float:
    """The same cells executed in one warm process (imports done): what any grader must at least
    spend, with every figure rendered to PNG or with none."""
    env = {**os.environ, "COURSE_ROOT": str(ROOT), "MPLBACKEND": "agg", "PYTHONWARNINGS": "ignore"}
    run = subprocess.run([sys.executable, "-c", FLOOR, "render" if render else "none",
                          *(str(path) for _t, _nb, path in items)],
                         capture_output=True, text=True, env=env, check=True)
    return float(run.stdout.strip().splitlines()[-1])


def ours(subs: Path, out: Path, jobs: int, notebooks: list[str], fresh: str | None = None) -> tuple[float, float, float, float]:
    """(seconds for the whole grade run, of which writing gradebook/feedback/report; the seconds the
    workers spent on notebooks: waiting for a kernel, running the cells, reading the answers; and of
    those, the first kernel's wait for the kernel factory's imports, once per run)."""
    start = time.perf_counter()
    summary = grade(Options(subs, out, notebooks, jobs=jobs, limits=Limits(), quiet=True, force=True, fresh=fresh,
                            fresh_seed=7 if fresh else None))
    return (time.perf_counter() - start, summary.output_seconds, sum(s for _n, s in summary.workers.values()),
            summary.startup_seconds)


# -- nbgrader, side by side ---------------------------------------------------------------------

def _nbgrader_cells(nb, key: dict):
    """Answer cells become nbgrader solution cells, check cells test cells; the rest stays as it is."""
    points = {ex["id"]: ex["points"] for ex in key["exercises"]}
    for n, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "answer" in cell.metadata.get("tags", []):
            cell.metadata["nbgrader"] = {"grade": False, "grade_id": f"answer_{n}", "locked": False,
                                         "schema_version": 3, "solution": True, "task": False}
        if cell.cell_type == "code" and "check" in cell.metadata.get("tags", []) and "check(" in cell.source:
            eid = cell.source.split('"')[1]
            cell.source = f"assert {cell.source.strip()}.passed"
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"test_{n}", "locked": True,
                                         "points": points.get(eid, 1), "schema_version": 3,
                                         "solution": False, "task": False}
    return nb


def nbgrader(venv: Path, items, notebooks: list[str], work: Path) -> float | None:
    course = work / "nbg"
    (course / "source" / "bench").mkdir(parents=True)
    kspec = work / "jupyter" / "kernels" / "python3"
    kspec.mkdir(parents=True)
    (kspec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.course_id = 'bench'\nc.CourseDirectory.root = %r\n"
        "c.IncludeHeaderFooter.header = ''\nc.ExecutePreprocessor.timeout = 600\n" % str(course))
    for nb in notebooks:
        key = S.key(nb)
        nbformat.write(_nbgrader_cells(S.master(nb), key), course / "source" / "bench" / f"{nb}.ipynb")
    env = {**os.environ, "PATH": f"{venv / 'bin'}:{os.environ['PATH']}", "JUPYTER_PATH": str(work / "jupyter"),
           "PYTHONPATH": str(ROOT), "COURSE_ROOT": str(ROOT), "GRADING_ANSWERS_DIR": str(work / "answers")}
    (work / "answers").mkdir()
    run = subprocess.run([str(venv / "bin" / "nbgrader"), "generate_assignment", "bench", "--force"],
                         cwd=course, env=env, capture_output=True, text=True)
    if run.returncode:
        print("nbgrader generate_assignment failed:\n" + run.stderr[-2000:])
        return None
    for trainee, nb, path in items:
        target = course / "submitted" / trainee / "bench"
        target.mkdir(parents=True, exist_ok=True)
        nbformat.write(_nbgrader_cells(nbformat.read(path, as_version=4), S.key(nb)), target / f"{nb}.ipynb")
    start = time.perf_counter()
    run = subprocess.run([str(venv / "bin" / "nbgrader"), "autograde", "bench", "--force"],
                         cwd=course, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode:
        print("nbgrader autograde failed:\n" + run.stderr[-2000:])
        return None
    graded = len(list((course / "autograded").rglob("*.ipynb")))
    if graded != len(items):
        print(f"nbgrader autograded {graded} of {len(items)} notebooks")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=6, help="submissions per notebook (default 6)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure the no-render floor and one worker's cost this many times, alternately, "
                             "and print the median ratio (the machine's speed drifts between measurements)")
    parser.add_argument("--notebooks", help="comma-separated (default: every module notebook 01-…)")
    parser.add_argument("--nbgrader", default="/tmp/nbg", help="a venv with nbgrader installed (skipped if absent)")
    args = parser.parse_args()
    notebooks = args.notebooks.split(",") if args.notebooks else module_notebooks()
    if not notebooks:
        sys.exit("no module notebooks with keys yet")
    work = Path(tempfile.mkdtemp(prefix="grade-bench-"))
    try:
        items = make_class(work / "subs", notebooks, args.n)
        count = len(items)
        print(f"{count} submissions: {args.n} each of {', '.join(notebooks)} on {os.cpu_count()} cores")
        t_bare = bare(items)
        print(f"bare nbclient, sequential      {t_bare:7.1f} s   {t_bare / count:5.2f} s/notebook")
        f_none, f_png = floor(items, render=False), floor(items, render=True)
        print(f"floor: one warm process        {f_none:7.1f} s   {f_none / count:5.2f} s/notebook without rendering, "
              f"{f_png / count:5.2f} s/notebook with every figure as PNG")
        t1, o1, w1, s1 = ours(work / "subs", work / "out1", 1, notebooks)
        print(f"grade --jobs 1                 {t1:7.1f} s   {t1 / count:5.2f} s/notebook "
              f"(of which writing outputs {o1:.1f} s)")
        t2, o2, _w2, _s2 = ours(work / "subs", work / "out2", 2, notebooks)
        print(f"grade --jobs 2                 {t2:7.1f} s   {t2 / count:5.2f} s/notebook "
              f"(of which writing outputs {o2:.1f} s)")
        print(f"overhead over bare execution (1 worker): {100 * (t1 / t_bare - 1):+.1f} % "
              f"(execution only: {100 * ((t1 - o1) / t_bare - 1):+.1f} %)   target <= +10 %")
        print(f"speed-up 1 -> 2 workers: {t1 / t2:.2f}x")
        # The floor's process imports before its clock starts; the workers' first kernel waits once
        # for the kernel factory's imports: left out alike, and printed.
        print(f"per-worker cost against the no-render floor: {(w1 - s1) / f_none:.2f}x   target <= 1.3x "
              f"({(w1 - s1) / count:.2f} s/notebook in the worker: waiting for a kernel, the cells, reading the answers; "
              f"with the kernel factory's one start, {s1:.1f} s for the run: {w1 / f_none:.2f}x; "
              f"the whole run without writing outputs: {(t1 - o1) / f_none:.2f}x)")
        if args.repeat > 1:
            ratios, with_start = [(w1 - s1) / f_none], [w1 / f_none]
            for n in range(1, args.repeat):
                f_again = floor(items, render=False)
                _t, _o, w_again, s_again = ours(work / "subs", work / f"out1-{n}", 1, notebooks)
                ratios.append((w_again - s_again) / f_again)
                with_start.append(w_again / f_again)
            print(f"per-worker cost, {args.repeat} alternate measurements: median {statistics.median(ratios):.2f}x "
                  f"({', '.join(f'{r:.2f}' for r in ratios)}); with the factory's start: median "
                  f"{statistics.median(with_start):.2f}x")
        tf, of, _wf, _sf = ours(work / "subs", work / "out-fresh", 2, notebooks, fresh="flag")
        print(f"grade --jobs 2 --fresh-data    {tf:7.1f} s   {tf / count:5.2f} s/notebook "
              f"(of which writing outputs {of:.1f} s)")
        print(f"cost of fresh-data grading: {100 * (tf / t2 - 1):+.1f} % ({tf - t2:+.1f} s: a second run of each "
              "submission with a right code answer, one master run per notebook, drawing the data)")
        venv = Path(args.nbgrader)
        if (venv / "bin" / "nbgrader").exists():
            t_nbg = nbgrader(venv, items, notebooks, work)
            if t_nbg:
                print(f"nbgrader autograde             {t_nbg:7.1f} s   {t_nbg / count:5.2f} s/notebook")
                print(f"throughput vs nbgrader: {t_nbg / t2:.2f}x with 2 workers, {t_nbg / t1:.2f}x with 1"
                      "   target >= 3x")
        else:
            print(f"(nbgrader not measured: no {venv}/bin/nbgrader; create a throwaway venv to compare)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
