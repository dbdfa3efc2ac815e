"""Grading on a Dask cluster (`grade --scheduler ADDRESS`): the same runs, on many machines.

The instructor's process reads every submission, sends each notebook to the cluster
as one task, and judges the `RunLog` that comes back; it alone writes the cache and
the outputs, so a cluster run's gradebook is byte-identical to a local run's.

- What a task carries: the notebook (JSON), the submission's other files and the
  course data, as paths when the workers see the instructor's files (checked once,
  `_stamps`), else as bytes (the course data once per worker, as a task's result).
- On a worker: each worker process keeps warm `KernelPool`s of its own, per run
  (`_Kernels`), on an event loop thread of its own (Dask runs tasks in threads).
  A worker refuses work when its grading code differs from the instructor's.
- Faults: a worker that dies takes its running notebooks along; the scheduler runs
  them again elsewhere (`distributed.scheduler.allowed-failures` times, then the
  submission gets a note).  Each result is cached as it arrives, so nothing finished
  is lost; Ctrl-C cancels the rest, stops this run's kernels, and a re-run resumes.
"""
from __future__ import annotations

import asyncio
import atexit
import contextlib
import hashlib
import io
import json
import os
import secrets
import shutil
import tarfile
import tempfile
import threading
import time
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..core import i18n
from ..core.i18n import _
from .execute import KernelPool, Limits, RunLog, kernel_env, run_notebook, walls, walls_available
from .executors import ExecutorLost, record
from .gradebook import GradeError

COURSE_DATA = "datasets"
SLOTS_PER_THREAD = 4    # submissions in flight per worker thread (read, sent, running, judged)
MIN_SLOTS = 64          # so that workers joining later (an adaptive cluster) find work queued


# -- what both sides agree on -------------------------------------------------------------

_ENGINE: str | None = None


def engine_digest() -> str:
    """A digest of the code a run depends on (runs.execution_files): the instructor's and every
    worker's must match, or the same notebook could give another RunLog there."""
    global _ENGINE
    if _ENGINE is None:
        from ..core.paths import PACKAGE_DIR
        from .runs import execution_files
        h = hashlib.sha256()
        for path in execution_files():
            h.update(path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
        _ENGINE = h.hexdigest()
    return _ENGINE


def _data_files(course: Path) -> list[Path]:
    """The course data a kernel gets a copy of (what `execute._copy_data` copies)."""
    root = course / COURSE_DATA
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and "generator" not in p.relative_to(root).parts
                  and "__pycache__" not in p.parts and p.suffix not in (".py", ".md"))


def course_archive(course: Path) -> tuple[str, bytes]:
    """(digest, the course data as a compressed tar): the same bytes for the same data."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for path in _data_files(course):
            info = tarfile.TarInfo(path.relative_to(course).as_posix())
            data = path.read_bytes()
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    data = buffer.getvalue()
    return hashlib.sha256(data).hexdigest(), zlib.compress(data, 6)


def _stamps(paths) -> list:
    """(path, size, mtime) of each file: a worker that sees the same stamps shares our files."""
    out = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            continue
        out.append((str(path), st.st_size, st.st_mtime_ns))
    return out


def _sees(stamps: list) -> bool:
    return bool(stamps) and _stamps(p for p, _size, _mtime in stamps) == stamps


class NotShared(FileNotFoundError):
    """A worker does not see a file the instructor's process does (the task is sent again as bytes)."""


class WrongEngine(RuntimeError):
    """A worker's grading code is not the instructor's."""


@dataclass
class Job:
    """One notebook to run, as it travels to a worker."""
    run_id: str
    label: str
    nb: str                      # the notebook as JSON
    files: list                  # (path or bytes, name in the scratch folder)
    names: list
    limits: Limits
    profile: tuple
    lang: str
    course: str                  # a course folder the worker sees, or "" (its data comes as an archive)
    engine: str


# -- the worker side ------------------------------------------------------------------------

class _Kernels:
    """This worker process's kernels: warm pools per (run, course data, limits), on a loop thread."""

    def __init__(self, spare: int):
        self.spare = max(1, spare)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="ck-kernels", daemon=True)
        self.thread.start()
        self.scratch = Path(tempfile.mkdtemp(prefix="ck-"))
        self.pools: dict = {}          # (run, course, limits) -> KernelPool
        self.made = 0                  # pools made (each has its own folder)
        self.seen: set = set()         # (pool key, profile) already kept warm
        self.courses: dict = {}        # data digest -> folder
        self.running: dict = {}        # run -> its tasks on the loop
        self.lock = asyncio.Lock()
        self.exam_keys: Path | None = None  # for the walls (execute.walls), made once

    def execute(self, job: Job, data) -> tuple:
        """In a Dask task thread: run the job on the loop thread and wait for it."""
        return asyncio.run_coroutine_threadsafe(self._execute(job, data), self.loop).result()

    async def _execute(self, job: Job, data) -> tuple:
        task = asyncio.current_task()
        self.running.setdefault(job.run_id, set()).add(task)
        try:
            if job.engine != engine_digest():
                raise WrongEngine(_("this worker runs another version of the grading kit; install the "
                                    "instructor's version on every worker"))
            files = job.files
            if any(isinstance(src, str) for src, _name in files):
                if not all(isinstance(src, bytes) or os.path.isfile(src) for src, _name in files):
                    raise NotShared(job.label)
                files = [(src if isinstance(src, bytes) else Path(src), name) for src, name in files]
            course = await self._course(job.course, data)
            pool = self._pool(job.run_id, course, job.limits, tuple(job.profile), await self._walls(course))
            import nbformat
            nb = nbformat.from_dict(json.loads(job.nb))
            started = time.monotonic()
            with i18n.use(job.lang):  # the run's messages in the submission's language, as locally
                log = await run_notebook(pool, nb, files, job.names, job.limits, tuple(job.profile))
            return log, time.monotonic() - started
        finally:
            self.running[job.run_id].discard(task)

    async def _course(self, folder: str, data) -> Path:
        if folder:
            if not os.path.isdir(folder):
                raise NotShared(folder)
            return Path(folder)
        digest, archive = data
        async with self.lock:
            if digest not in self.courses:
                target = self.scratch / f"course-{digest[:16]}"
                await asyncio.to_thread(_unpack, archive, target)
                self.courses[digest] = target
        return self.courses[digest]

    async def _walls(self, course: Path) -> dict | None:
        """As on the instructor's machine: kernels see neither the keys nor the course folder nor
        this worker's other kernels (nothing else of the instructor's is here)."""
        if not await asyncio.to_thread(walls_available):
            return None
        async with self.lock:
            if self.exam_keys is None:
                from ..authoring.handout import copy_keys
                from ..core.paths import KEYS_DIR
                exam = self.scratch / "exam-keys"
                await asyncio.to_thread(copy_keys, exam, False, True, KEYS_DIR)
                self.exam_keys = exam
        from ..core.paths import KEYS_DIR
        return walls(course, [KEYS_DIR, self.scratch], self.exam_keys)

    def _pool(self, run_id: str, course: Path, limits: Limits, profile: tuple, walled: dict | None) -> KernelPool:
        key = (run_id, course, limits)
        if key not in self.pools:
            self.made += 1
            folder = self.scratch / str(self.made)  # short: kernels' socket paths are limited
            folder.mkdir()
            self.pools[key] = KernelPool(limits, kernel_env(course), folder, spare=self.spare, walled=walled)
        pool = self.pools[key]
        # The worker does not know what comes next: it guesses "more like this one", keeping
        # `spare` kernels of each profile it has seen warm, and replacing each one it hands out.
        first = (key, profile) not in self.seen
        self.seen.add((key, profile))
        pool.want([profile] * (self.spare + 1 if first else 1))
        return pool

    async def finish(self, run_id: str) -> None:
        """The run is over (or stopped): cancel its notebooks still running, close its kernels."""
        for task in list(self.running.pop(run_id, ())):
            task.cancel()
        for key in [k for k in self.pools if k[0] == run_id]:
            await self.pools.pop(key).close()
        self.seen = {s for s in self.seen if s[0][0] != run_id}

    async def close(self) -> None:
        for run_id in {k[0] for k in self.pools} | set(self.running):
            await self.finish(run_id)


def _unpack(archive: bytes, target: Path) -> None:
    partial = target.with_name(target.name + ".part")
    shutil.rmtree(partial, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(zlib.decompress(archive))) as tar:
        tar.extractall(partial, filter="data")
    partial.rename(target)


_WORKER: _Kernels | None = None
_WORKER_LOCK = threading.Lock()


def _kernels() -> _Kernels:
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            from distributed import get_worker
            _WORKER = _Kernels(get_worker().state.nthreads)
            atexit.register(_shutdown)
        return _WORKER


def _shutdown() -> None:
    kernels = _WORKER
    if kernels is None:
        return
    with contextlib.suppress(Exception):
        asyncio.run_coroutine_threadsafe(kernels.close(), kernels.loop).result(30)
    kernels.loop.call_soon_threadsafe(kernels.loop.stop)
    shutil.rmtree(kernels.scratch, ignore_errors=True)


def run_job(job: Job, data) -> tuple:
    """The Dask task: (RunLog, seconds of execution, the worker's address)."""
    from distributed import get_worker
    log, seconds = _kernels().execute(job, data)
    return log, seconds, get_worker().address


async def finish_run(run_id: str) -> None:
    """On every worker when a run ends: its kernels stop (nothing if the worker never ran one)."""
    if _WORKER is not None:
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(_WORKER.finish(run_id), _WORKER.loop))


# -- the instructor's side ------------------------------------------------------------------------

def _address(scheduler) -> tuple[dict, str]:
    """Client arguments and a printable name for `--scheduler`: an address, a scheduler file,
    or an object: a `distributed.Client`, a `LocalCluster`, a Dask Gateway cluster."""
    if isinstance(scheduler, (str, os.PathLike)):
        text = str(scheduler)
        if os.path.isfile(text):
            return {"scheduler_file": text}, text
        return {"address": text}, text
    security = getattr(scheduler, "security", None)
    address = getattr(scheduler, "scheduler_address", None)
    if address is None and getattr(scheduler, "scheduler", None) is not None:
        address = scheduler.scheduler.address  # a Client
    if not address:
        raise GradeError(_("--scheduler takes a Dask scheduler's address, a scheduler file, a Client or "
                           "a cluster (got {value})").format(value=type(scheduler).__name__))
    return {"address": address, **({"security": security} if security is not None else {})}, address


class DaskExecutor:
    """Notebooks run on a Dask cluster's workers (see the module's docstring)."""

    def __init__(self, client, name: str, share_files: bool):
        self.client, self.name, self.share_files = client, name, share_files
        self.run_id = secrets.token_hex(8)
        threads = sum(w["nthreads"] for w in client.scheduler_info()["workers"].values())
        self.slots = max(MIN_SLOTS, SLOTS_PER_THREAD * threads)
        self.busy: dict = {}
        self.courses: dict = {}     # course folder -> what a task gets for its data
        self.futures: set = set()
        self.engine = engine_digest()

    @classmethod
    async def connect(cls, scheduler, probe=(), share_files: bool | None = None) -> "DaskExecutor":
        """Connect; `probe`: files whose stamps tell whether the workers share our file system
        (`share_files` True or False decides it instead)."""
        from distributed import Client
        kwargs, name = _address(scheduler)
        try:
            client = await Client(asynchronous=True, **kwargs)  # waits distributed.comm.timeouts.connect
        except (OSError, ValueError, asyncio.TimeoutError) as exc:
            raise GradeError(_("cannot reach the Dask scheduler at {address} ({error})")
                             .format(address=name, error=f"{type(exc).__name__}: {exc}")) from None
        try:
            if share_files is None:
                stamps = _stamps(probe)
                seen = await client.run(_sees, stamps, on_error="return")
                share_files = bool(seen) and all(v is True for v in seen.values())
            return cls(client, name, share_files)
        except BaseException:
            await client.close()
            raise

    def plan(self, profiles, course_dir: Path) -> None:
        """Nothing to do: each worker keeps kernels warm for what it has been running."""

    async def _course_data(self, course_dir: Path):
        course_dir = Path(course_dir)
        if course_dir not in self.courses:
            if self.share_files:
                self.courses[course_dir] = (str(course_dir), None)
            else:
                # A task that returns the data, rather than scattered data: the scheduler keeps the
                # task, so data lost with a worker that dies is made again on another.
                digest, archive = await asyncio.to_thread(course_archive, course_dir)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # "large object in the graph": meant, sent once
                    future = self.client.submit(_course_data, (digest, archive), key=f"ck-course-{digest}")
                self.courses[course_dir] = ("", future)
        return self.courses[course_dir]

    async def run(self, sub, nb, files, names, limits, profile, course_dir) -> RunLog:
        label = f"{sub.trainee} {sub.notebook}" if sub is not None else "master"
        folder, data = await self._course_data(course_dir)
        job = Job(self.run_id, label, json.dumps(nb), [], list(names), limits, tuple(profile),
                  i18n.language(), folder, self.engine)
        job.files = [(str(src), name) for src, name in files] if self.share_files else \
            await asyncio.to_thread(_contents, files)
        try:
            log, seconds, where = await self._submit(job, data)
        except NotShared:  # this worker does not see our files: send them as bytes from now on
            self.share_files, self.courses = False, {}
            folder, data = await self._course_data(course_dir)
            job.course, job.files = folder, await asyncio.to_thread(_contents, files)
            log, seconds, where = await self._submit(job, data)
        record(self.busy, where, seconds)
        return log

    async def _submit(self, job: Job, data) -> tuple:
        from distributed import KilledWorker
        future = self.client.submit(run_job, job, data, key=f"grade-{job.label}-{secrets.token_hex(4)}",
                                    pure=False, retries=1)
        self.futures.add(future)
        try:
            return await future
        except KilledWorker:
            return RunLog(start_error=_("every grading worker that ran this notebook stopped (it may need more "
                                        "memory than a worker has); it was not run again")), 0.0, "lost"
        except (NotShared, asyncio.CancelledError):
            raise
        except WrongEngine as exc:
            raise ExecutorLost(str(exc)) from None
        except Exception as exc:  # the cluster failed, not the submission: stop rather than cache it
            raise ExecutorLost(_("the Dask cluster at {address} failed ({error}); what was graded is kept: run the "
                                 "same command again to continue").format(
                address=self.name, error=f"{type(exc).__name__}: {exc}")) from None
        finally:
            self.futures.discard(future)
            future.release()

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            if self.futures:
                await self.client.cancel(list(self.futures), force=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.run(finish_run, self.run_id, on_error="ignore"), 10)
        with contextlib.suppress(Exception):
            await self.client.close()


def _course_data(data: tuple) -> tuple:
    return data


def _contents(files) -> list:
    """The submission's files as bytes (their number and sizes are bounded by `submissions`)."""
    return [(Path(src).read_bytes(), name) for src, name in files]
