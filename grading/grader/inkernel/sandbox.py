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
"""
from __future__ import annotations

import resource
import sys

FILE_LIMIT_MB = 1024  # no single file written by a submission grows beyond this


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


def _unshadow() -> None:
    """This script's folder (inside the grading package) must not shadow the trainee's imports."""
    if sys.path and sys.path[0] and __file__.startswith(sys.path[0]):
        del sys.path[0]


def main(argv: list[str]) -> None:
    memory_mb = 0
    if argv[:1] == ["--memory-mb"]:
        memory_mb, argv = int(argv[1]), argv[2:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    apply_limits(memory_mb)
    _unshadow()
    sys.argv = ["ipykernel_launcher", *argv]
    from ipykernel import kernelapp
    kernelapp.launch_new_instance()


def _child(request: dict) -> None:
    """In the forked child: become an ordinary, limited kernel process."""
    import os
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
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
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


def zygote(modules: list[str]) -> None:
    import json
    import os
    import signal
    import threading
    _unshadow()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the grader, which stops us
    for name in modules:
        try:
            __import__(name)
        except Exception:
            pass
    from ipykernel import kernelapp  # noqa: F401  (imported once, here)
    threads = threading.active_count()
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
    else:
        main(sys.argv[1:])
