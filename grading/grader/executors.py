"""Where the notebooks run: one interface, a local and a cluster engine.

`run.py` reads each submission, hands its notebook to an executor and judges the
`RunLog` that comes back; the executor only runs notebooks.  `LocalExecutor` runs
them in this machine's warm `KernelPool`s; `cluster.DaskExecutor` on the workers of
a Dask cluster, each with pools of its own.  Both return the same `RunLog` for the
same submission, so the gradebook never depends on where a notebook ran.

    executor.plan(profiles, course_dir)     # the notebooks to come (kernels start ahead)
    log = await executor.run(sub, nb, files, names, limits, profile, course_dir)
    await executor.close()

`course_dir` is the course folder whose `datasets/` the kernels see as COURSE_ROOT:
the course itself, or a variant of its data.
"""
from __future__ import annotations

import collections
import time
from pathlib import Path
from typing import Protocol

from .execute import KernelPool, Limits, RunLog, kernel_env, run_notebook
from .submissions import Submission


class ExecutorLost(Exception):
    """The engine itself failed (the cluster went away, a worker runs other code): the run stops
    with this message, and no submission gets a result from it; what was graded stays cached."""


class Executor(Protocol):
    slots: int                          # submissions worth having in flight at once
    busy: dict                          # where -> [notebooks run, seconds of execution]

    def plan(self, profiles, course_dir: Path) -> None: ...

    async def run(self, sub: Submission | None, nb, files: list, names: list[str], limits: Limits,
                  profile: tuple, course_dir: Path) -> RunLog: ...

    async def close(self) -> None: ...


def record(busy: dict, where: str, seconds: float) -> None:
    entry = busy.setdefault(where, [0, 0.0])
    entry[0] += 1
    entry[1] += seconds


class LocalExecutor:
    """This machine: `jobs` notebooks at once, in one warm kernel pool per course folder, each
    kernel behind `walled` (execute.walls) when the machine allows it."""

    def __init__(self, limits: Limits, jobs: int, scratch: Path, walled: dict | None = None):
        self.limits, self.slots, self.scratch, self.walled = limits, max(1, jobs), scratch, walled
        self.pools: dict = {}
        self.busy: dict = collections.OrderedDict()

    def _pool(self, course_dir: Path, limits: Limits) -> KernelPool:
        key = (Path(course_dir), limits)
        if key not in self.pools:
            # Kernels' socket paths must stay short (about 100 characters): the first pool in the
            # scratch folder itself, any other in a one-character subfolder.
            folder = self.scratch / str(len(self.pools)) if self.pools else self.scratch
            folder.mkdir(parents=True, exist_ok=True)
            self.pools[key] = KernelPool(limits, kernel_env(Path(course_dir)), folder, spare=self.slots,
                                         walled=self.walled)
        return self.pools[key]

    def plan(self, profiles, course_dir: Path) -> None:
        self._pool(course_dir, self.limits).want(profiles)

    async def run(self, sub, nb, files, names, limits, profile, course_dir) -> RunLog:
        started = time.monotonic()
        try:
            return await run_notebook(self._pool(course_dir, limits), nb, files, names, limits, profile)
        finally:
            record(self.busy, "local", time.monotonic() - started)

    @property
    def startup_seconds(self) -> float:
        """Of the busy seconds, the first kernels' wait for the kernel factories' imports (once per run)."""
        return sum(p.startup_wait for p in self.pools.values())

    async def close(self) -> None:
        for pool in self.pools.values():
            await pool.close()
