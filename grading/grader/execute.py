"""Run one submitted notebook in a sandboxed kernel, then take its answers out as data.

- Kernels are forked by a zygote (`inkernel/sandbox.py --zygote`) that imported
  ipykernel and the notebooks' libraries once; each child sets its own memory
  and file-size limits, session, working directory (a scratch copy of the
  notebook's folder) and environment.  If the zygote cannot be used, each
  kernel is started as a new `inkernel/sandbox.py` process instead.  A `KernelPool`
  keeps the next kernels starting while others run.
- The whole notebook runs in one request (`inkernel/driver.py`: no round trip
  per cell), continuing past errors, with a per-cell time limit (the cell is
  interrupted), a per-notebook limit (the kernel is killed), an output cap per
  cell (output is counted, never stored), and detection of a kernel that dies.  A cell that killed the kernel, ran past the
  notebook limit or ran out of memory is skipped on a fresh kernel (at most
  MAX_ATTEMPTS runs), so the answers after it still count.
- In the same request, after the cells, the grader's own code (`inkernel/extract.py`
  with a fresh copy of `core/canon.py`, shipped as source text) writes each answer
  variable as JSON to a file the grader chose.  Judging happens in the grader's process.
"""
from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import json
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core.assess import BATCH_ENV, RECORD_ENV
from ..core.i18n import _
from ..core.paths import PACKAGE_DIR
from .inkernel.driver import MARKER as DRIVER_MARKER
from .submissions import MAX_NOTEBOOK_BYTES

# The code that runs inside a submission's kernel: started as a script, or sent as source text.
INKERNEL = PACKAGE_DIR / "grader" / "inkernel"
SANDBOX = INKERNEL / "sandbox.py"
EXTRACT_SOURCES = (PACKAGE_DIR / "core" / "canon.py", INKERNEL / "extract.py")
DRIVER_SOURCE = INKERNEL / "driver.py"
MAX_ATTEMPTS = 3
# Libraries a kernel may import before the notebook runs, in a safe import order.
WALLS_ENV = "CK_WALLS"  # read by sandbox.py: what the kernel must not see

PRELOAD_ORDER = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "ipywidgets", "grading")
# What a notebook then imports anyway, on its first table or check: the kernel factory imports it too.
PRELOAD_ALSO = {"pandas": ("pandas.io.formats.html", "pandas.io.formats.string"),
                "grading": ("yaml", "grading.trainee.check", "grading.trainee.widgets", "grading.trainee.datasets")}


@dataclass(frozen=True)
class Limits:
    cell_timeout: float = 60.0   # seconds per cell; the cell is interrupted
    timeout: float = 600.0       # seconds per notebook; the kernel is killed
    memory_mb: int = 2048        # address space of the kernel process
    max_output_kb: int = 2048    # output kept per cell; the rest is discarded

    def as_dict(self) -> dict:
        return {"cell_timeout": float(self.cell_timeout), "timeout": float(self.timeout),
                "memory_mb": int(self.memory_mb), "max_output_kb": int(self.max_output_kb)}


@dataclass
class RunLog:
    """What happened while one notebook ran; turned into feedback by the grader."""
    errors: list = field(default_factory=list)       # [cell, ename, evalue]
    timeouts: list = field(default_factory=list)     # cells stopped at the per-cell limit
    overflow: list = field(default_factory=list)     # cells whose output passed the cap
    died: list = field(default_factory=list)         # cells during which the kernel died
    stalled: list = field(default_factory=list)      # cell running when the notebook limit hit
    skipped: list = field(default_factory=list)      # cells left out on a later attempt
    memory: list = field(default_factory=list)       # cells that raised MemoryError
    answers: dict = field(default_factory=dict)      # variable -> {"found", "data"|"error"}
    names: list = field(default_factory=list)        # the trainee's own variable names
    extract_error: str | None = None
    start_error: str | None = None
    attempts: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def preload_for(path: Path) -> tuple[str, ...]:
    """Libraries a notebook imports: its pre-started kernel imports them while waiting."""
    import re
    try:
        with open(path, "rb") as fh:
            text = fh.read(MAX_NOTEBOOK_BYTES + 1)
    except (OSError, TypeError):
        return ()
    if len(text) > MAX_NOTEBOOK_BYTES:  # not run anyway
        return ()
    found = set(re.findall(r"(?:import|from)\s+(pandas|numpy|matplotlib|seaborn|ipywidgets|grading)\b",
                           text.decode("utf-8", errors="replace")))
    if "seaborn" in found:
        found.add("matplotlib")
    if "matplotlib" in found:
        found.add("matplotlib.pyplot")
    return tuple(m for m in PRELOAD_ORDER if m in found)


# -- kernels --------------------------------------------------------------------------

def _kernel_manager_class():
    from jupyter_client.manager import AsyncKernelManager

    class SandboxKernelManager(AsyncKernelManager):
        memory_mb = 0

        def format_kernel_cmd(self, extra_arguments=None):
            return [sys.executable, str(SANDBOX), "--memory-mb", str(self.memory_mb), "--",
                    "-f", os.path.realpath(self.connection_file), *(extra_arguments or [])]

    return SandboxKernelManager


@dataclass
class Kernel:
    km: object
    kc: object
    root: Path   # private folder (connection file, extraction output)
    cwd: Path    # the notebook's scratch folder

    async def shutdown(self) -> None:
        with contextlib.suppress(Exception):
            self.kc.stop_channels()
        with contextlib.suppress(Exception):
            await self.km.shutdown_kernel(now=True)
        with contextlib.suppress(Exception):
            await self.km.cleanup_resources()
        shutil.rmtree(self.root, ignore_errors=True)


def kernel_env(course: Path) -> dict:
    """A grading kernel's environment.  Figures are drawn on matplotlib's Agg backend and never
    rendered to PNG: no answer is a picture, and rendering was half of a module's grading time."""
    env = {k: v for k, v in os.environ.items()
           if k not in (RECORD_ENV, WALLS_ENV, "GRADING_ANSWERS_DIR", "JPY_PARENT_PID")}
    env.update({"COURSE_ROOT": str(course), "PYTHONHASHSEED": "0", "OMP_NUM_THREADS": "1",
                "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYDEVD_DISABLE_FILE_VALIDATION": "1",
                "MPLBACKEND": "agg", "PYTHONWARNINGS": "ignore", BATCH_ENV: "1"})
    return env


class Zygote:
    """The kernel factory (`inkernel/sandbox.py --zygote`): forks ready-imported kernels on request."""

    def __init__(self, env: dict, scratch: Path, modules: tuple):
        self.env, self.scratch, self.modules = env, scratch, modules
        self.proc = None
        self.lock = asyncio.Lock()
        self.ready_at = None  # time.monotonic() when it could fork

    async def start(self) -> bool:
        log = open(self.scratch / "zygote.log", "wb")
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, str(SANDBOX), "--zygote", *self.modules, stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=log, env=self.env, cwd=str(self.scratch))
            line = await asyncio.wait_for(self.proc.stdout.readline(), 120)
            ready = json.loads(line or b"{}").get("ready", False)
        except (OSError, ValueError, asyncio.TimeoutError):
            ready = False
        finally:
            log.close()
        self.ready_at = time.monotonic()
        if not ready:
            await self.close()
        return ready

    async def fork(self, request: dict) -> int:
        async with self.lock:
            self.proc.stdin.write((json.dumps(request) + "\n").encode())
            await self.proc.stdin.drain()
            line = await asyncio.wait_for(self.proc.stdout.readline(), 30)
        return int(json.loads(line)["pid"])

    async def close(self) -> None:
        if self.proc is None or self.proc.returncode is not None:
            return
        with contextlib.suppress(Exception):
            self.proc.stdin.close()
            await asyncio.wait_for(self.proc.wait(), 5)
        if self.proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.kill()
            await self.proc.wait()


class _Forked:
    """Stands in for a KernelManager for a kernel forked by the zygote (not our child)."""

    def __init__(self, pid: int):
        self.pid = pid

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    async def is_alive(self) -> bool:
        return self.alive()

    async def interrupt_kernel(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGINT)

    async def shutdown_kernel(self, now: bool = True) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)  # the kernel and anything it started

    async def cleanup_resources(self) -> None:
        pass


def _pid_client(process: _Forked):
    from jupyter_client.asynchronous import AsyncKernelClient

    class PidClient(AsyncKernelClient):
        async def _async_is_alive(self) -> bool:
            return process.alive()

        is_alive = _async_is_alive

    return PidClient(context=_zmq_context())


def _zmq_context():
    """One ZeroMQ context for every kernel client of this process.  A client that makes its own
    destroys it when garbage-collected, and that can block forever (seen after Ctrl-C while kernels
    were starting); sockets are closed by `Kernel.shutdown` instead."""
    import zmq.asyncio
    return zmq.asyncio.Context.instance()


_WALLS: dict = {}


def walls_available() -> bool:
    """Whether kernels can be walled off here (Linux mount and user namespaces; asked once)."""
    if "ok" not in _WALLS:
        try:
            _WALLS["ok"] = subprocess.run([sys.executable, str(SANDBOX), "--probe"], timeout=30,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0
        except (OSError, subprocess.SubprocessError):
            _WALLS["ok"] = False
    return _WALLS["ok"]


def walls(course: Path, private: list[Path], exam_keys: Path) -> dict:
    """What a grading kernel sees of the machine's files, for sandbox.py: the course folder, the
    kit's folder and the `private` folders (keys, submissions, output, the grader's scratch) are
    empty, except the `grading` package and the Python environment, read-only; the package's
    keys folder shows `exam_keys` (the exam version: no right answers)."""
    def real(path) -> str:
        return os.path.realpath(path)
    shown = [(real(PACKAGE_DIR), real(PACKAGE_DIR)), (real(exam_keys), real(PACKAGE_DIR / "keys"))]
    kit = PACKAGE_DIR.parent  # a checkout of the kit (not site-packages): its masters, tests and history
    if (kit / "notebooks").is_dir() or (kit / ".git").exists():
        private = [*private, kit]
    hide = sorted({real(course), *(real(p) for p in private)})
    for prefix in {real(sys.prefix), real(sys.base_prefix)}:  # e.g. the kit's own .venv
        if any(prefix == h or prefix.startswith(h + os.sep) for h in hide):
            shown.insert(0, (prefix, prefix))
    return {"hide": hide, "views": shown}


def _copy_data(course: Path, target: Path) -> None:
    target.mkdir()
    if (course / "datasets").is_dir():
        shutil.copytree(course / "datasets", target / "datasets",
                        ignore=shutil.ignore_patterns("generator", "__pycache__", "*.py", "*.md"))


# A Unix socket's path holds at most 107 bytes; jupyter_client appends "-N" to the ipc name.
_MAX_IPC_PATH = 100


def _channels(root: Path) -> tuple[str, str]:
    """The kernel's transport: Unix sockets in its own folder (no ports to race for), or local TCP
    when that folder's path is too long for a socket (a deep TMPDIR)."""
    ipc = str(root / "ipc")
    return ("ipc", ipc) if len(os.fsencode(ipc)) + 2 <= _MAX_IPC_PATH else ("tcp", "127.0.0.1")


async def start_kernel(limits: Limits, env: dict, scratch: Path, preload=(), zygote: Zygote | None = None,
                       walled: dict | None = None) -> Kernel:
    root = Path(tempfile.mkdtemp(prefix="k-", dir=scratch))
    cwd = root / "work"
    cwd.mkdir()
    # The kernel's own copy of the course data: a submission that writes to the datasets changes
    # only its copy, never the instructor's files or the next trainee's (4–5 MB: a few ms, taken
    # while the kernel is a spare in the pool).
    own_course = root / "course"
    await asyncio.to_thread(_copy_data, Path(env.get("COURSE_ROOT", ".")), own_course)
    child_env = {**env, "GRADING_ANSWERS_DIR": str(cwd), "COURSE_ROOT": str(own_course)}
    if walled:  # it keeps its own folder (its work, its data, its connection files) and nothing else
        child_env[WALLS_ENV] = json.dumps({**walled, "keep": os.path.realpath(root)})
    args = ["--HistoryManager.hist_file=:memory:", "--quiet"]
    transport, ip = _channels(root)
    if zygote is not None:
        from jupyter_client.connect import write_connection_file
        connection, _port = write_connection_file(str(root / "connection.json"), transport=transport,
                                              ip=ip, key=secrets.token_hex(16).encode())
        pid = await zygote.fork({"argv": ["-f", connection, *args], "cwd": str(cwd), "env": child_env,
                                 "memory_mb": limits.memory_mb, "log": str(root / "kernel.log")})
        km = _Forked(pid)
        kc = _pid_client(km)
        kc.load_connection_file(connection)
    else:
        km = _kernel_manager_class()(kernel_name="python3", transport=transport, ip=ip)
        km.memory_mb = limits.memory_mb
        km.connection_file = str(root / "connection.json")
        with open(root / "kernel.log", "wb") as log:
            await km.start_kernel(cwd=str(cwd), env=child_env, extra_arguments=args,
                                  stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL)
        kc = km.client(context=_zmq_context())
    kc.start_channels()
    kc.allow_stdin = False  # input() fails at once (StdinNotImplementedError) instead of waiting
    kernel = Kernel(km, kc, root, cwd)
    try:
        await kc.wait_for_ready(timeout=60)
        if preload and zygote is None:
            code = "".join(f"try:\n    import {m}\nexcept Exception:\n    pass\n" for m in preload)
            await _run_silent(kernel, code, 120)
    except BaseException:
        await kernel.shutdown()
        raise
    return kernel


async def _run_silent(kernel: Kernel, code: str, timeout: float) -> dict | None:
    """Execute grader code (not a notebook cell); its reply, or None on timeout / death."""
    msg_id = kernel.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = await kernel.kc.get_shell_msg(timeout=min(0.5, max(0.01, deadline - time.monotonic())))
        except queue.Empty:  # no reply yet: check the kernel is still there
            if not await kernel.km.is_alive():
                return None
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    return None


class KernelPool:
    """Kernels started ahead of demand, each already importing what its notebook will import.

    `want(profiles)` announces the coming notebooks in order (a profile is the
    tuple of libraries to preload); up to `spare` kernels are kept starting or
    ready for the next ones.  `get(profile)` hands out a ready kernel, or starts
    one at once when none is on its way (a retry, or demand ahead of the plan).
    """

    def __init__(self, limits: Limits, env: dict, scratch: Path, spare: int, fork: bool = True,
                 walled: dict | None = None):
        self.limits, self.env, self.scratch, self.spare = limits, env, scratch, max(1, spare)
        self.walled = walled  # sandbox.py's walls for every kernel (`walls()`), or None
        self.fork, self.zygote, self.zygote_lock = fork, None, asyncio.Lock()
        self.modules: set = set()
        self.plan: collections.deque = collections.deque()
        self.ready: dict = collections.defaultdict(asyncio.Queue)
        self.starting: collections.Counter = collections.Counter()
        self.waiting: collections.Counter = collections.Counter()
        self.tasks: set = set()
        self.first_asked: float | None = None  # time.monotonic() of the first get()

    @property
    def startup_wait(self) -> float:
        """How long the first kernel asked for waited for the kernel factory's imports (once per run)."""
        if self.zygote is None or self.first_asked is None:
            return 0.0
        return max(0.0, self.zygote.ready_at - self.first_asked)

    def want(self, profiles) -> None:
        profiles = [tuple(p) for p in profiles]
        for p in profiles:
            self.modules |= set(p)
        self.plan.extend(profiles)
        self._fill()

    async def _factory(self) -> Zygote | None:
        """The zygote, started once with every library any planned notebook imports; None if unusable."""
        if not self.fork:
            return None
        async with self.zygote_lock:
            if self.zygote is None:
                wanted = [m for m in PRELOAD_ORDER if m in self.modules]
                zygote = Zygote(self.env, self.scratch,
                                tuple(wanted + [extra for m in wanted for extra in PRELOAD_ALSO.get(m, ())]))
                if await zygote.start():
                    self.zygote = zygote
                else:
                    self.fork = False  # fall back to starting each kernel as a new process
            return self.zygote

    def _in_flight(self) -> int:
        return sum(self.starting.values()) + sum(q.qsize() for q in self.ready.values())

    def _fill(self) -> None:
        while self.plan and self._in_flight() < self.spare:
            self._start(self.plan.popleft())

    def _start(self, profile: tuple) -> None:
        self.starting[profile] += 1
        self._spawn(self._start_one(profile))

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _start_one(self, profile: tuple) -> None:
        try:
            kernel = await start_kernel(self.limits, self.env, self.scratch, profile, await self._factory(),
                                        self.walled)
        except Exception as exc:
            kernel = exc
        self.starting[profile] -= 1
        self.ready[profile].put_nowait(kernel)

    async def get(self, profile=()) -> Kernel:
        profile = tuple(profile)
        if self.first_asked is None:
            self.first_asked = time.monotonic()
        self.waiting[profile] += 1
        try:
            if self.waiting[profile] > self.ready[profile].qsize() + self.starting[profile]:
                if profile in self.plan:  # start the planned one now rather than twice
                    self.plan.remove(profile)
                self._start(profile)
            kernel = await self.ready[profile].get()
        finally:
            self.waiting[profile] -= 1
        self._fill()
        if isinstance(kernel, Exception):
            raise RuntimeError(_("the grading kernel could not start ({error})")
                               .format(error=f"{type(kernel).__name__}: {kernel}"))
        return kernel

    def discard(self, kernel: Kernel) -> None:
        self._spawn(kernel.shutdown())

    async def close(self) -> None:
        self.plan.clear()
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)
        for queue in self.ready.values():
            while not queue.empty():
                kernel = queue.get_nowait()
                if isinstance(kernel, Kernel):
                    await kernel.shutdown()
        if self.zygote is not None:
            await self.zygote.close()


# -- executing a notebook ----------------------------------------------------------------

DONE = "__ck_cells_done"  # set by the driver's request: False when it stopped before an `await` cell


# The start of a request's function: `load` runs in-kernel code from its source text under a private
# module name, so a notebook that replaced parts of `grading` changes nothing in it.
_LOADER = ("    import types\n"
           "    def load(name, source):\n"
           "        module = types.ModuleType(name)\n"
           "        exec(compile(source, name, 'exec'), module.__dict__)\n"
           "        return module\n")


@functools.lru_cache(maxsize=None)
def _source(path: Path) -> str:
    """In-kernel code as text (read once per process, not once per notebook)."""
    return path.read_text(encoding="utf-8")


def _driver_code(cells: list[tuple[int, str]], progress: Path) -> str:
    """The request that runs a notebook's `cells` (index, source) in the kernel: inkernel/driver.py."""
    tag = secrets.token_hex(4)
    return (f"def __ck_run_{tag}():\n"
            + _LOADER
            + f"    driver = load('_ck_driver_{tag}', {_source(DRIVER_SOURCE)!r})\n"
            f"    return driver.run(get_ipython(), {cells!r}, {str(progress)!r})\n"
            f"try:\n"
            f"    {DONE} = __ck_run_{tag}()\n"
            f"except BaseException:\n"  # whatever the notebook did to the driver, its answers are read
            f"    {DONE} = True\n"
            f"del __ck_run_{tag}\n")


def _extract_code(names: list[str], out: Path, when: str | None = None) -> str:
    """The code that writes each of `names` to `out` as JSON lines (only if `when` is true, if given)."""
    canon, extract = (_source(path) for path in EXTRACT_SOURCES)
    tag = secrets.token_hex(4)
    return (
        f"def __ck_grade_{tag}(ns):\n"
        + _LOADER
        + f"    canon = load('_ck_canon_{tag}', {canon!r})\n"
        f"    extract = load('_ck_extract_{tag}', {extract!r})\n"
        f"    extract.extract(ns, {names!r}, canon.to_data, {str(out)!r})\n"
        + (f"if globals().pop({when!r}, True):\n    " if when else "")
        + f"__ck_grade_{tag}(globals())\n"
        f"del __ck_grade_{tag}\n")


class _Progress:
    """The driver's progress file, read as it grows: which cell runs, and how each one ended."""

    def __init__(self, path: Path):
        self.path, self.offset, self.rest = path, 0, b""
        self.current: int | None = None   # the cell running now
        self.last: int | None = None      # the last cell that started
        self.since = time.monotonic()     # when the current cell (or the extraction) started
        self.cells_done = False
        self.alone: int | None = None     # the driver stopped before this cell (a top-level `await`)
        self.ended: set = set()

    def read(self, log: RunLog) -> None:
        try:
            with open(self.path, "rb") as fh:
                fh.seek(self.offset)
                chunk = fh.read()
        except FileNotFoundError:
            return
        self.offset += len(chunk)
        *lines, self.rest = (self.rest + chunk).split(b"\n")
        for raw in lines:
            try:
                line = json.loads(raw)
            except ValueError:
                continue
            if "start" in line:
                self.current = self.last = int(line["start"])
                self.since = time.monotonic()
            elif "end" in line:
                index = int(line["end"])
                self.current = None
                if index in self.ended:
                    continue
                self.ended.add(index)
                if "ename" in line:
                    log.errors.append([index, str(line["ename"]), str(line.get("evalue", ""))[:300]])
                    if line["ename"] == "MemoryError" and index not in log.memory:
                        log.memory.append(index)
            elif "alone" in line:
                self.alone = int(line["alone"])
            elif line.get("cells_done"):
                self.cells_done, self.current, self.since = True, None, time.monotonic()


async def _count_output(kc, msg_id: str, cap: int, log: RunLog, cell: int | None = None) -> None:
    """Each cell's output size, from the kernel's messages (nothing is kept): cells past `cap` are
    noted.  `cell` is the one running until a driver marker names another.  Returns when the
    kernel says it is idle after the request."""
    sizes: dict = {}
    while True:
        try:
            msg = await kc.get_iopub_msg(timeout=0.5)
        except queue.Empty:
            continue
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        content = msg.get("content") or {}
        if msg.get("msg_type") == "status" and content.get("execution_state") == "idle":
            return
        data = content.get("data") or {}
        if DRIVER_MARKER in data:
            with contextlib.suppress(TypeError, ValueError):
                cell = int(data[DRIVER_MARKER])
            continue
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in data.values())
        sizes[cell] = sizes.get(cell, 0) + size
        if cell is not None and sizes[cell] > cap and cell not in log.overflow:
            log.overflow.append(cell)


def _read_answers(out: Path, names: list[str], reply: dict | None, log: RunLog) -> None:
    lines = []
    if out.exists():
        for text in out.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                lines.append(json.loads(text))
            except ValueError:
                break
    for line in lines:
        if "names" in line:
            log.names = [str(n) for n in line["names"]]
        elif "name" in line:
            log.answers[line["name"]] = {k: v for k, v in line.items() if k != "name"}
    if any(line.get("done") for line in lines):
        return
    if reply is None or reply["content"].get("status") != "error":
        missing = [n for n in names if n not in log.answers]
        log.extract_error = (_("reading the answers took too long or stopped the kernel (at `{name}`)")
                             .format(name=missing[0]) if missing
                             else _("reading the answers took too long or stopped the kernel"))
    else:
        content = reply["content"]
        log.extract_error = _("reading the answers failed ({error})").format(
            error=f"{content.get('ename', 'error')}: {str(content.get('evalue', ''))[:200]}")


class _Watch:
    """One attempt's clock: the notebook's time limit, and which cells were already interrupted."""

    def __init__(self, limits: Limits):
        self.limits, self.started, self.interrupted = limits, time.monotonic(), set()


async def _follow(kernel: Kernel, msg_id: str, progress: _Progress, watch: _Watch, log: RunLog,
                  cell: int | None = None) -> tuple[dict | None, bool]:
    """Wait for the reply to one request, enforcing the time limits from the progress file:
    (the reply or None, False if the kernel died or the notebook ran out of time)."""
    limits = watch.limits
    counting = asyncio.ensure_future(_count_output(kernel.kc, msg_id, limits.max_output_kb * 1024, log, cell))
    reply = None
    try:
        while True:
            try:
                msg = await kernel.kc.get_shell_msg(timeout=0.1)
            except queue.Empty:
                msg = None
            if msg is not None and msg["parent_header"].get("msg_id") == msg_id:
                reply = msg
            progress.read(log)
            if reply is not None:
                await asyncio.wait({counting}, timeout=2)  # the last output arrives just after the reply
                return reply, True
            now = time.monotonic()
            if not progress.cells_done:
                if now - watch.started > limits.timeout:
                    log.stalled.append(progress.current)
                    with contextlib.suppress(Exception):
                        await kernel.km.shutdown_kernel(now=True)
                    return None, False
                current = progress.current
                if current is not None and current not in watch.interrupted and now - progress.since > limits.cell_timeout:
                    watch.interrupted.add(current)
                    log.timeouts.append(current)
                    with contextlib.suppress(Exception):
                        await kernel.km.interrupt_kernel()
            elif now - progress.since > max(5.0, limits.cell_timeout):
                return None, True  # reading the answers hangs: what was read so far is kept
            if msg is None and not await kernel.km.is_alive():
                if not progress.cells_done:
                    log.died.append(progress.current if progress.current is not None else progress.last)
                    return None, False
                return None, True
    finally:
        counting.cancel()
        with contextlib.suppress(BaseException):
            await counting


async def _run_alone(kernel: Kernel, index: int, source: str, progress: _Progress, watch: _Watch,
                     log: RunLog) -> bool:
    """A cell with a top-level `await`, sent as its own request (the kernel runs it on its event loop);
    its start and end go into the progress file as the driver's would.  False as for `_follow`."""
    def note(line: dict) -> None:
        with open(progress.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line) + "\n")

    note({"start": index})
    msg_id = kernel.kc.execute(source, silent=True, store_history=False, allow_stdin=False)
    reply, alive = await _follow(kernel, msg_id, progress, watch, log, cell=index)
    if not alive:
        return False
    content = (reply or {}).get("content", {})
    note({"end": index, **({"ename": str(content.get("ename", "Error")), "evalue": str(content.get("evalue", ""))}
                           if content.get("status") == "error" else {})})
    progress.read(log)
    return True


async def _attempt(kernel: Kernel, nb, names, limits: Limits, log: RunLog, skip: set) -> bool:
    """Run every cell, then extract, in one request; False when the kernel died or ran out of time.

    A cell past `cell_timeout` is interrupted and the next one runs; past `timeout` for the
    whole notebook, or a kernel that dies, ends the attempt (the caller may retry without
    that cell).  A cell with a top-level `await` is sent on its own, then the rest."""
    cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if index in skip:
            log.skipped.append(index)
        else:
            cells.append((index, cell.source))
    token = secrets.token_hex(8)
    progress, out = _Progress(kernel.root / f"progress-{token}.jsonl"), kernel.root / f"answers-{token}.jsonl"
    watch = _Watch(limits)
    while True:
        msg_id = kernel.kc.execute(_driver_code(cells, progress.path) + _extract_code(names, out, when=DONE),
                                   silent=True, store_history=False, allow_stdin=False)
        reply, alive = await _follow(kernel, msg_id, progress, watch, log)
        if not alive:
            return False
        if progress.alone is None:
            break
        position = next(n for n, (index, _source) in enumerate(cells) if index == progress.alone)
        index, source = cells[position]
        progress.alone, cells = None, cells[position + 1:]
        if not await _run_alone(kernel, index, source, progress, watch, log):
            return False
    _read_answers(out, names, reply, log)
    return True


async def run_notebook(pool: KernelPool, nb, files: list[tuple[Path | bytes, str]], names: list[str],
                       limits: Limits, profile=()) -> RunLog:
    """Run `nb` (already read, v4) with `files` copied in; retry without cells that broke the kernel."""
    skip: set = set()
    log = RunLog()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        log.attempts = attempt
        log.errors, log.timeouts, log.overflow, log.skipped = [], [], [], []
        log.answers, log.names, log.extract_error = {}, [], None
        try:
            kernel = await pool.get(profile)
        except RuntimeError as exc:
            log.start_error = str(exc)
            return log
        try:
            for src, rel in files:
                dst = kernel.cwd / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(src, bytes):  # shipped to a cluster worker as content
                    dst.write_bytes(src)
                else:
                    shutil.copyfile(src, dst)
            finished = await _attempt(kernel, nb, names, limits, log, skip)
        finally:
            pool.discard(kernel)
        # After a MemoryError the kernel's state is suspect: run again without the first such cell.
        fatal = (set(log.died) | set(log.stalled) | set(log.memory[:1])) - {None}
        retry = (not finished or bool(log.memory)) and not fatal <= skip
        if not retry or attempt == MAX_ATTEMPTS:
            break
        skip |= fatal
    return log
