"""The kernel provisioner that takes kernels from the warm pool (`pool.py`).

Registered as `course-warm-kernel` (pyproject's jupyter_client.kernel_provisioners);
the server uses it for every kernel spec without a provisioner of its own when
`KernelProvisionerFactory.default_provisioner_name` names it.  A kernel it cannot
take warm starts as LocalProvisioner starts it.
"""
from __future__ import annotations

import os
import pathlib

from jupyter_client.provisioning import LocalProvisioner

from .pool import POOL


class WarmProvisioner(LocalProvisioner):
    async def launch_kernel(self, cmd: list[str], **kwargs):
        cwd, env = kwargs.get("cwd") or os.getcwd(), kwargs.get("env") or dict(os.environ)
        proc = POOL.take(cmd, env, cwd)
        if proc is None:
            return await super().launch_kernel(cmd, **kwargs)
        POOL.refill_later(env)
        self.process, self.pid, self.cwd = proc, proc.pid, pathlib.Path(cwd)
        self.pgid = os.getpgid(proc.pid) if hasattr(os, "getpgid") else None
        return self.connection_info
