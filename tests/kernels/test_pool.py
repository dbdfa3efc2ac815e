"""Warm kernels: a kernel handed over from the pool is the kernel Jupyter would have started,
with the course's libraries already imported; anything else starts the usual way."""
import asyncio
import json
import os
import re
import sys
import time
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager

from grading.kernels import PROVISIONER, SERVER_ARGS
from grading.kernels.pool import POOL, WarmPool

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = [sys.executable, "-m", "ipykernel_launcher", "-f", "kernel.json"]
# What a notebook's kernel looks like from inside, before the notebook imports anything.
FINGERPRINT = r"""
import json, os, sys
print(json.dumps({"cwd": os.getcwd(), "path": sys.path, "argv0": sys.argv[0], "name": __name__,
    "env": {k: v for k, v in os.environ.items() if k != "JPY_PARENT_PID"},
    "hooks": {k: len(v) for k, v in get_ipython().events.callbacks.items()},
    "preloaded": [m for m in ("pandas", "seaborn", "ipywidgets") if m in sys.modules]}))
"""
FIRST_CELL = """
import ipywidgets, matplotlib.pyplot as plt
plt.plot([1, 2])
print(sorted(get_ipython().kernel.comm_manager.targets))
"""


async def _run(km_dir: Path, provisioner: str, cwd: Path) -> tuple[dict, list]:
    """Start a kernel through `provisioner`, as Jupyter starts a notebook's; its fingerprint and outputs."""
    spec = km_dir / provisioner
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "Python 3",
        "language": "python", "metadata": {"kernel_provisioner": {"provisioner_name": provisioner}}}))
    km = AsyncKernelManager(kernel_name=provisioner, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(km_dir)]))
    await km.start_kernel(cwd=str(cwd), env={**os.environ, "JPY_SESSION_NAME": str(cwd / "01-x.ipynb")})
    kc = km.client()
    kc.start_channels()
    try:
        await kc.wait_for_ready(timeout=120)
        outputs = []
        for code in (FINGERPRINT, FIRST_CELL):
            msg_id = kc.execute(code)
            while True:
                msg = await kc.get_iopub_msg(timeout=120)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
                if msg["msg_type"] in ("stream", "display_data", "error"):
                    outputs.append(msg["content"].get("text") or sorted(msg["content"].get("data", {}))
                                   or msg["content"])
        return json.loads(outputs[0]), outputs[1:]
    finally:
        kc.stop_channels()
        await km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def kernels(tmp_path_factory):
    """One kernel from the warm pool, one started the usual way, in the same folder."""
    base = tmp_path_factory.mktemp("kernels")
    cwd = base / "notebooks"
    cwd.mkdir()
    POOL.fill()
    delay, POOL.refill_delay_s = POOL.refill_delay_s, 0
    try:
        warm = asyncio.run(_run(base / "specs-warm", PROVISIONER, cwd))
        assert len(POOL._ready) == 1 and POOL._ready[0][0].poll() is None, "the pool did not refill"
    finally:
        POOL.stop()
        POOL.refill_delay_s = delay
    plain = asyncio.run(_run(base / "specs-plain", "local-provisioner", cwd))
    return warm, plain


def test_a_warm_kernel_has_the_course_libraries_imported(kernels):
    (warm, _), (plain, _) = kernels
    assert warm["preloaded"] == ["pandas", "seaborn", "ipywidgets"]
    assert plain["preloaded"] == []


def test_a_warm_kernel_is_the_kernel_jupyter_would_start(kernels):
    (warm, _), (plain, _) = kernels
    warm.pop("preloaded"), plain.pop("preloaded")
    assert warm == plain
    assert Path(warm["cwd"]).name == "notebooks" and warm["env"]["JPY_SESSION_NAME"].endswith("01-x.ipynb")


def test_figures_and_widgets_work_in_a_warm_kernel(kernels):
    (_, warm), (_, plain) = kernels
    assert warm == plain  # the widget comm targets printed, then the figure shown inline
    assert "'jupyter.widget'" in warm[0] and warm[1] == ["image/png", "text/plain"]


def test_only_the_plain_python_kernel_in_the_same_environment_is_taken_warm(tmp_path):
    pool = WarmPool()
    pool.fill()
    try:
        env = dict(os.environ)
        assert pool.take([sys.executable, "-m", "other_kernel", "-f", "k.json"], env, str(tmp_path)) is None
        assert pool.take(["/usr/bin/python3.9", *LAUNCH[1:]], env, str(tmp_path)) is None
        assert pool.take(LAUNCH, {**env, "MPLBACKEND": "agg"}, str(tmp_path)) is None  # read on import
        assert pool._ready[0][1]["MPLBACKEND"] == "agg", "the pool is not warmed for the kernels now asked for"
        per_kernel = {"JPY_SESSION_NAME": "a.ipynb", "VOILA_BASE_URL": "/"}
        proc = pool.take(LAUNCH, {**env, "MPLBACKEND": "agg", **per_kernel}, str(tmp_path))
        assert proc is not None and pool._ready == []
        proc.kill()  # it was told to read a connection file that does not exist
        proc.wait(timeout=30)
    finally:
        pool.stop()


def test_a_warm_process_nobody_took_exits_with_its_server():
    pool = WarmPool()
    pool.fill()
    proc = pool._ready[0][0]
    pool.stop()
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.returncode == 0


def test_make_lab_and_the_browser_tests_turn_warm_kernels_on():
    makefile = (ROOT / "Makefile").read_text()
    flags = re.search(r"^WARM_KERNELS := (.*?)\n(?=\S)", makefile, re.S | re.M).group(1)
    assert flags.replace("\\\n", " ").split() == SERVER_ARGS
    assert "$(WARM_KERNELS)" in makefile.split("\nlab:", 1)[1].split("\n\n", 1)[0]
