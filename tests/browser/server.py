"""A JupyterLab (or Voila) server for the browser tests and `benchmarks/browser.py`.

It listens on 127.0.0.1 with a random token, a free port and isolated Jupyter
config/data/runtime folders, serving a throwaway folder that holds a fresh
trainee release.  Every wait is bounded.  `labpage` drives a notebook in it and
`drivers` answers widget exercises.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from grading.kernels import SERVER_ARGS

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 1000}
SHOTS = ROOT / "build" / "screenshots"
SERVER_READY_S = 90      # bound on a server answering
OPEN_S = 60              # bound on a notebook opening with a connected, idle kernel
RUN_ALL_S = 180          # bound on Run All of one module
FEEDBACK_MS = 15_000     # bound on one widget answer reaching the page
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
WIDGET_ERROR = r"Error displaying widget|model not found|Failed to load model class"


def chromium_problem() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return None
    return (f"Debian's chromium is not installed ({CHROMIUM} is missing). The browser tests drive it and never "
            "download a browser. Install it with `make chromium` (or `apt-get install -y chromium`, as root), "
            "or set SKIP_BROWSER=1 to skip these tests on a machine that cannot have it.")


def module_notebooks() -> list[Path]:
    """Every module master in notebooks/ (new modules are picked up automatically)."""
    return sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))


def release(dest: Path) -> list[Path]:
    """A fresh trainee release (notebooks and lesson pages), as `python -m grading release` makes it."""
    from grading.authoring.release import release_course
    return release_course(ROOT, dest)


def _code(notebook: Path) -> list[str]:
    import nbformat
    return [c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"]


def shown_exercises(notebook: Path) -> list[str]:
    """The widget exercise ids a notebook shows, in order."""
    return [m for src in _code(notebook) for m in re.findall(r'show\("([^"]+)"\)', src)]


def checked_exercises(notebook: Path) -> list[str]:
    return [m for src in _code(notebook) for m in re.findall(r'^check\("([^"]+)"', src.strip())]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def isolated_env(base: Path) -> dict:
    """Jupyter folders of our own, so a developer's settings or extensions never leak in (or get changed)."""
    env = dict(os.environ)
    dirs = {"JUPYTER_CONFIG_DIR": base / "config", "JUPYTER_DATA_DIR": base / "data",
            "JUPYTER_RUNTIME_DIR": base / "runtime", "IPYTHONDIR": base / "ipython",
            "JUPYTERLAB_SETTINGS_DIR": base / "config" / "lab" / "user-settings",
            "JUPYTERLAB_WORKSPACES_DIR": base / "config" / "lab" / "workspaces"}
    for name, path in dirs.items():
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    # Same effect as `jupyter labextension disable --level=user "@jupyterlab/apputils-extension:announcements"`
    # (which takes 6 s): no "get notified about Jupyter news?" toast over the notebook.
    labconfig = base / "config" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}, indent=1))
    # Answers go beside the notebook (the kernel's cwd), as for a trainee; the
    # repo-wide conftest points GRADING_ANSWERS_DIR at a scratch folder.
    env.pop("GRADING_ANSWERS_DIR", None)
    env["COURSE_ROOT"] = str(ROOT)  # the datasets, wherever the release folder is
    env["JUPYTER_PATH"] = str(ROOT / "share" / "jupyter")  # the course's Voila template, as `make lab` sets it
    env["PYTHONHASHSEED"] = "0"
    return env


class Server:
    """A JupyterLab or Voila server process; `url(path)` adds the token."""

    def __init__(self, kind: str, base: Path, root: Path, extra: list[str] = (), lang: str = "en"):
        assert kind in ("lab", "voila")
        self.kind, self.base, self.root, self.extra = kind, base, root, list(extra)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = base / f"{kind}.log"
        self.env = isolated_env(base)
        # JupyterLab's settings as a workspace made by `make lab` has them (menus' language, widget state saved).
        from grading.authoring.workspace import write_lab_settings
        write_lab_settings(Path(self.env["JUPYTERLAB_SETTINGS_DIR"]), lang)
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        if self.kind == "lab":
            cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                   "--LabApp.expose_app_in_browser=True", *SERVER_ARGS]  # warm kernels, as `make lab` has them
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")  # CI containers run as root; Lab refuses without it
            return cmd + self.extra
        voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
        return [voila, str(self.root), "--no-browser", "--Voila.ip=127.0.0.1", f"--Voila.port={self.port}",
                "--Voila.port_retries=0", f"--Voila.token={self.token}", "--show_tracebacks=True", *self.extra]

    def url(self, path: str = "") -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{sep}token={self.token}"

    def start(self) -> "Server":
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(self.command(), cwd=self.root, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        ready = "api/status" if self.kind == "lab" else ""  # voila: its file tree page
        deadline = time.monotonic() + SERVER_READY_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url(ready), timeout=5) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"{self.kind} did not answer within {SERVER_READY_S} s:\n{self.log_tail()}")

    def api(self, method: str, path: str, timeout: float = 30):
        req = urllib.request.Request(self.url(path), method=method)
        with urllib.request.urlopen(req, timeout=timeout) as r:
            body = r.read()
        return json.loads(body) if body else None

    def shutdown_sessions(self) -> None:
        """Stop every kernel the tests started (keeps memory flat between modules)."""
        if self.kind != "lab":
            return
        for s in self.api("GET", "api/sessions"):
            try:
                self.api("DELETE", f"api/sessions/{s['id']}")
            except urllib.error.HTTPError:
                pass

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        if self.kind == "lab":
            try:  # a clean shutdown also stops the kernels
                self.api("POST", "api/shutdown", timeout=10)
                self.proc.wait(timeout=20)
            except Exception:
                pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.log.close()

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def launch_browser(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
