"""Warm kernel processes kept ready in the trainee's Jupyter server.

A warm process (`warm_kernel.py`) has imported pandas, matplotlib, seaborn and
ipywidgets before a notebook asks for a kernel; handing it over takes a line of
JSON, so the first Run All after opening a module waits only for the notebook's
own work.  One is kept ready (about 130 MB); taking it starts the next a few
seconds later, so that its imports do not compete with the notebook's first Run All.

A warm process is used only for the ordinary Python kernel of this environment
(`python -m ipykernel_launcher`) and only when Jupyter asks for the environment
it was started with, apart from the variables Jupyter and Voila set per kernel;
anything else starts the usual way.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from jupyter_client.launcher import launch_kernel

WARM_KERNEL = Path(__file__).with_name("warm_kernel.py")
LAUNCHER = ["-m", "ipykernel_launcher"]
# Set per kernel and read by nothing a warm process imports.
PER_KERNEL = ("JPY_SESSION_NAME", "JPY_PARENT_PID", "VOILA_", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
              "SERVER_SOFTWARE", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING")

log = logging.getLogger(__name__)


def _same_python(exe: str) -> bool:
    return exe == sys.executable or (os.path.exists(exe) and os.path.samefile(exe, sys.executable))


def _import_relevant(env: dict) -> dict:
    return {k: v for k, v in env.items() if not k.startswith(PER_KERNEL)}


class WarmPool:
    def __init__(self, size: int = 1, refill_delay_s: float = 5.0):
        self.size, self.refill_delay_s = size, refill_delay_s
        self._ready: list[tuple[subprocess.Popen, dict]] = []

    def fill(self, env: dict | None = None) -> None:
        """Start warm processes until `size` are ready (env: that of the kernels to come)."""
        self._ready = [(p, e) for p, e in self._ready if p.poll() is None]
        env = _import_relevant(os.environ if env is None else env)
        while len(self._ready) < self.size:
            proc = launch_kernel([sys.executable, str(WARM_KERNEL)], stdin=subprocess.PIPE, env=dict(env),
                                 cwd=os.getcwd())
            self._ready.append((proc, env))

    def refill_later(self, env: dict) -> None:
        try:
            asyncio.get_running_loop().call_later(self.refill_delay_s, self.fill, env)
        except RuntimeError:  # no event loop (not in a server): now
            self.fill(env)

    def take(self, cmd: list[str], env: dict, cwd: str) -> subprocess.Popen | None:
        """A warm process turned into the kernel `cmd` would start, or None if none fits."""
        if len(cmd) < 3 or cmd[1:3] != LAUNCHER or not _same_python(cmd[0]):
            return None
        wanted = _import_relevant(env)
        for i, (proc, warm_env) in enumerate(self._ready):
            if proc.poll() is None and warm_env == wanted:
                del self._ready[i]
                break
        else:
            if self._ready:  # kernels to come are likely to look like this one: warm the pool for them
                have = self._ready[0][1]
                log.info("No warm kernel fits (environment differs in %s); starting one the usual way",
                         sorted(k for k in have.keys() | wanted.keys() if have.get(k) != wanted.get(k))[:5])
                self.stop()
                self.refill_later(wanted)
            return None
        env = {**env, "JPY_PARENT_PID": str(os.getpid())}  # as launch_kernel sets it
        try:
            proc.stdin.write(json.dumps({"argv": cmd[3:], "cwd": str(cwd), "env": env}).encode() + b"\n")
            proc.stdin.close()
        except OSError:  # it died meanwhile
            return None
        return proc

    def stop(self) -> None:
        for proc, _ in self._ready:
            if proc.poll() is None:
                proc.stdin.close()  # a warm process exits when its stdin closes
        self._ready = []


POOL = WarmPool()
