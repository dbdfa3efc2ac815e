"""Warm kernels for the trainee's Jupyter server (a server extension).

With SERVER_CONFIG (`make lab` passes it as SERVER_ARGS; postBuild writes it into
the hub image's server config) the server loads this extension and makes
`course-warm-kernel` (provisioner.py) its default provisioner: a kernel with the
course's heavy libraries already imported waits for each notebook or Voila page
opened (pool.py), so the first Run All costs little more than a second one.  Voila
pages share their compiled templates (templates.py), and the next module's app-mode
page is rendered while the trainee is on this one (pages.py).
"""
from __future__ import annotations

EXTENSION = "grading.kernels"
PROVISIONER = "course-warm-kernel"  # pyproject's jupyter_client.kernel_provisioners entry
KERNEL_MANAGER = "grading.kernels.pages.ReadAheadKernelManager"
SERVER_CONFIG = {
    "ServerApp": {"jpserver_extensions": {EXTENSION: True}, "kernel_manager_class": KERNEL_MANAGER},
    "KernelProvisionerFactory": {"default_provisioner_name": PROVISIONER},
}
SERVER_ARGS = [f"--ServerApp.jpserver_extensions={EXTENSION}=True", f"--ServerApp.kernel_manager_class={KERNEL_MANAGER}",
               f"--KernelProvisionerFactory.default_provisioner_name={PROVISIONER}"]


def _jupyter_server_extension_points():
    return [{"module": EXTENSION}]


def _load_jupyter_server_extension(server_app) -> None:
    from .pool import POOL
    from .templates import share_compiled_templates
    POOL.fill()
    share_compiled_templates()
    server_app.log.info("Course kernels: %d warm kernel(s) starting", POOL.size)
