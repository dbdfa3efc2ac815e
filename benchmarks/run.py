"""Engine benchmarks: prints figures, asserts nothing (targets from issue 2).

    python benchmarks/run.py

- `import grading` in a fresh interpreter (target <= 0.3 s)
- Run All of each master and its trainee release in a fresh kernel (start-here target <= 10 s,
  module notebooks <= 15 s)
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def import_time(runs: int = 7) -> list[float]:
    code = "import time; t = time.perf_counter(); import grading; print(time.perf_counter() - t)"
    return [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(runs)]


def run_all(nb, folder: Path) -> float:
    from grading.authoring.record_keys import execute
    with tempfile.TemporaryDirectory() as answers:
        start = time.perf_counter()
        execute(nb, folder, env={"GRADING_ANSWERS_DIR": answers})
        return time.perf_counter() - start


def main() -> None:
    import nbformat
    from grading.authoring.release import masters, release_notebook

    times = import_time()
    print(f"import grading: median {statistics.median(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms (target <= 300 ms)")
    for path in masters(ROOT / "notebooks"):
        target = 10 if path.stem.startswith("00") else 15
        master = nbformat.read(path, as_version=4)
        m = run_all(master, path.parent)
        t = run_all(release_notebook(nbformat.read(path, as_version=4), path.stem), path.parent)
        print(f"{path.stem}: Run All master {m:.1f} s, trainee {t:.1f} s (target <= {target} s, "
              f"fresh kernel included)")


if __name__ == "__main__":
    main()
