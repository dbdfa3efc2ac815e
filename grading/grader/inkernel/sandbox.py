"""Kernel launcher with resource limits, used by the batch grader.

Run as a script (never imported by trainee code), in one of two ways:

    python sandbox.py --memory-mb 2048 -- -f CONNECTION_FILE [ipykernel options]
    python sandbox.py --zygote pandas seaborn ...      (a kernel factory, see below)

Each kernel lowers its limits (address space, file size, core dumps), then
starts ipykernel in the same process.  A memory bomb then fails with
MemoryError inside its cell instead of taking the machine down; a runaway file
write fails with OSError (EFBIG).

The zygote imports ipykernel and the libraries the notebooks use once, then
forks one child per kernel on request (one JSON line on stdin: argv, cwd, env,
memory limit, log file; it answers with the child's pid).  A child starts in
milliseconds with everything already imported, yet is its own process: its own
session, limits, working directory and environment, killed on its own.

Walls (`$CK_WALLS`, set by the grader): before the kernel starts, it enters its own
mount namespace in which the answer keys, the masters, the course's own data, the
submissions, the output folder and the other kernels' folders are empty read-only
folders, and the package's keys folder shows the exam version of the keys (no right
answers).  It then enters a second, less privileged user and mount namespace, in which
those mounts are locked: the kernel cannot unmount them to see what is underneath.
Where namespaces are not allowed, the kernel starts without walls (`--probe` tells).
"""
from __future__ import annotations

import json
import os
import resource
import sys

FILE_LIMIT_MB = 1024  # no single file written by a submission grows beyond this
WALLS_ENV = "CK_WALLS"
CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
HIDDEN = MS_NOSUID | MS_NODEV | MS_NOEXEC


def _limit(which, value: int) -> None:
    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    try:
        resource.setrlimit(which, (value, hard))
    except (ValueError, OSError):  # a platform without this limit: run without it
        pass


def apply_limits(memory_mb: int) -> None:
    if memory_mb > 0:
        _limit(resource.RLIMIT_AS, memory_mb * 1024 * 1024)
    _limit(resource.RLIMIT_FSIZE, FILE_LIMIT_MB * 1024 * 1024)
    _limit(resource.RLIMIT_CORE, 0)


def _libc():
    import ctypes
    return ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        import ctypes
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def _unshare(libc, flags: int) -> None:
    _check(libc.unshare(flags), "unshare")


def _mount(libc, source, target: str, fstype, flags: int, data=None) -> None:
    def b(text):
        return None if text is None else os.fsencode(text)
    _check(libc.mount(b(source), b(target), b(fstype), flags, b(data)), f"mount {target}")


def _map_ids(inside_uid: int, inside_gid: int) -> None:
    """In a new user namespace: be `inside_uid`/`inside_gid` here, the caller's ids outside."""
    outside_uid, outside_gid = _outside_ids()
    with open("/proc/self/setgroups", "w") as fh:
        fh.write("deny")
    with open("/proc/self/uid_map", "w") as fh:
        fh.write(f"{inside_uid} {outside_uid} 1")
    with open("/proc/self/gid_map", "w") as fh:
        fh.write(f"{inside_gid} {outside_gid} 1")


_OUTSIDE = {}


def _outside_ids() -> tuple[int, int]:
    return _OUTSIDE.get("ids", (os.getuid(), os.getgid()))


def _under(path: str, folders) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def raise_walls(spec: dict) -> None:
    """Enter a mount namespace where `spec["hide"]` are empty and read-only, `spec["views"]`
    ([source, target]) show `source` read-only at `target`, and `spec["keep"]` (the kernel's
    own folder) stays as it is; then lock it all (see the module's docstring)."""
    libc = _libc()
    uid, gid = os.getuid(), os.getgid()
    _unshare(libc, CLONE_NEWNS | (0 if uid == 0 else CLONE_NEWUSER))
    if uid != 0:
        _OUTSIDE["ids"] = (uid, gid)
        _map_ids(0, 0)  # root in here, to mount
    _OUTSIDE["ids"] = (0, 0)  # from now on the ids one level up are root's
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    # Open what must stay visible before anything is covered up.
    shown = [(os.open(spec["keep"], os.O_PATH | os.O_DIRECTORY), spec["keep"], False)]
    for source, target in spec.get("views", []):
        if os.path.isdir(source) and os.path.isdir(target):
            shown.append((os.open(source, os.O_PATH | os.O_DIRECTORY), target, True))
    hidden = []
    for path in sorted(set(spec.get("hide", [])), key=len):  # parents first; a child of a hidden one is gone
        if os.path.isdir(path) and not _under(path, hidden):
            _mount(libc, "ck-hidden", path, "tmpfs", HIDDEN, "size=256k,mode=755")
            hidden.append(path)
    for fd, target, read_only in shown:
        os.makedirs(target, exist_ok=True)  # inside a hidden folder: its path, and nothing else
        _mount(libc, f"/proc/self/fd/{fd}", target, None, MS_BIND | MS_REC)
        if read_only:
            _mount(libc, None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
        os.close(fd)
    for path in hidden:
        _mount(libc, None, path, None, MS_REMOUNT | MS_RDONLY | HIDDEN)
    # A less privileged namespace inherits those mounts locked together: they cannot be undone.
    _unshare(libc, CLONE_NEWUSER | CLONE_NEWNS)
    _map_ids(uid, gid)


def _walls_from_env() -> None:
    spec = os.environ.pop(WALLS_ENV, None)
    if not spec:
        return
    try:
        raise_walls(json.loads(spec))
    except (OSError, ValueError, KeyError) as exc:  # the grader probed first; say why in the kernel's log
        print(f"sandbox: no walls ({exc})", file=sys.stderr)


def probe() -> int:
    """Exit 0 if walls can be raised here (the grader asks once per run)."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        keep, hide = os.path.join(tmp, "keep"), os.path.join(tmp, "hide")
        os.makedirs(keep)
        os.makedirs(hide)
        open(os.path.join(hide, "secret"), "w").close()
        pid = os.fork()
        if pid == 0:
            try:
                raise_walls({"keep": keep, "hide": [hide]})
                os._exit(0 if not os.listdir(hide) and os.path.isdir(keep) else 1)
            except BaseException:
                os._exit(1)
        return 0 if os.waitpid(pid, 0)[1] == 0 else 1


def _unshadow() -> None:
    """This script's folder (inside the grading package) must not shadow the trainee's imports."""
    if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
        del sys.path[0]


def _no_debugger() -> None:
    """A grading kernel is never debugged: without debugpy (ipykernel's debugger is off when it
    cannot import it) a kernel starts 0.4 s sooner and its cells run faster."""
    sys.modules["debugpy"] = None


def main(argv: list[str]) -> None:
    memory_mb = 0
    if argv[:1] == ["--memory-mb"]:
        memory_mb, argv = int(argv[1]), argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    _walls_from_env()
    apply_limits(memory_mb)
    _unshadow()
    _no_debugger()
    sys.argv = ["ipykernel_launcher", *argv]
    from ipykernel import kernelapp
    kernelapp.launch_new_instance()


def _child(request: dict) -> None:
    """In the forked child: become an ordinary, limited kernel process."""
    import random
    import signal
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.dup2(log, 2)
    os.environ.clear()
    os.environ.update(request["env"])
    _walls_from_env()
    os.chdir(request["cwd"])
    parent = os.getppid()
    random.seed()  # as a fresh process would be
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    apply_limits(int(request.get("memory_mb", 0)))
    # ipykernel exits if the zygote goes away (with the grader or a cluster worker that died);
    # told on the command line: it read JPY_PARENT_PID when the zygote imported it, before the fork.
    sys.argv = ["ipykernel_launcher", *request["argv"], f"--IPKernelApp.parent_handle={parent}"]
    from ipykernel import kernelapp
    kernelapp.launch_new_instance()


def _warm_renderer() -> None:
    """A throwaway figure drawn on Agg (no pyplot state): every kernel inherits loaded fonts and a
    renderer instead of loading them for its first chart.  (grading/kernels/warm_kernel.py has the
    same few lines: each is a script run by path, and neither may import the other's package.)"""
    if "matplotlib" not in sys.modules:
        return
    from io import BytesIO
    from matplotlib.figure import Figure
    fig = Figure(figsize=(2, 2))
    ax = fig.subplots()
    ax.bar(["a", "b"], [1, 2])
    ax.set_title("Warm")
    fig.savefig(BytesIO(), format="png")


def zygote(modules: list[str]) -> None:
    import signal
    import threading
    _unshadow()
    _no_debugger()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the grader, which stops us
    for name in modules:
        try:
            __import__(name)
        except Exception:
            pass
    from ipykernel import kernelapp  # noqa: F401  (imported once, here)
    # What each kernel's start would import after the fork: once, here.
    for name in ("ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "IPython.core.debugger",
                 "sqlite3", "psutil", "faulthandler"):
        try:
            __import__(name)
        except Exception:
            pass
    _warm_renderer()
    threads = threading.active_count()
    # Everything imported so far is shared by every kernel: out of the garbage collector's sight
    # (no kernel spends time walking it, nor copies its pages by touching their counts).
    import gc
    gc.collect()
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    out = sys.stdout
    out.write(json.dumps({"ready": threads == 1, "threads": threads}) + "\n")
    out.flush()
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _child(request)
            except BaseException:
                import traceback
                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--zygote"]:
        zygote(sys.argv[2:])
    elif sys.argv[1:2] == ["--probe"]:
        sys.exit(probe())
    else:
        main(sys.argv[1:])
