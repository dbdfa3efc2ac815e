"""Helpers shared by the browser tests and `benchmarks/browser.py`.

A JupyterLab (or Voila) server on 127.0.0.1 with a random token, a free port and
isolated Jupyter config/data/runtime folders, serving a throwaway folder that
holds a fresh trainee release; and a `LabPage` that opens a notebook, runs it
through JupyterLab's own `runmenu:run-all` command and reads what the trainee
sees.  Every wait is bounded.  Nothing here uses menu wording: commands go
through the app (`window.jupyterapp`, exposed only on this test server) and
widgets are found by the kit's own CSS classes.
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

from grading import _keys
from grading._views import css_id

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
    from grading._release import build
    return build(ROOT, dest)


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
    env["PYTHONHASHSEED"] = "0"
    return env


class Server:
    """A JupyterLab or Voila server process; `url(path)` adds the token."""

    def __init__(self, kind: str, base: Path, root: Path):
        assert kind in ("lab", "voila")
        self.kind, self.base, self.root = kind, base, root
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.log_path = base / f"{kind}.log"
        self.env = isolated_env(base)
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        if self.kind == "lab":
            cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
                   f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                   "--LabApp.expose_app_in_browser=True"]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                cmd.append("--allow-root")  # CI containers run as root; Lab refuses without it
            return cmd
        voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
        return [voila, str(self.root), "--no-browser", "--Voila.ip=127.0.0.1", f"--Voila.port={self.port}",
                "--Voila.port_retries=0", f"--Voila.token={self.token}", "--show_tracebacks=True"]

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


def screenshot(page, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name).strip('_')}.png"
    page.wait_for_timeout(400)  # JupyterLab paints cells scrolled into view a frame or two later
    page.screenshot(path=str(path))
    return path


# The notebook panel of a path, found through the app (never through menu wording).
_PANEL = """(path => Array.from(window.jupyterapp.shell.widgets('main'))
              .find(w => w.context && w.context.path === path && w.content && w.sessionContext))"""


class LabPage:
    """One notebook open in JupyterLab, in a workspace of its own."""

    def __init__(self, server: Server, browser, notebook: str):
        self.server, self.notebook, self.path = server, notebook, f"{notebook}.ipynb"
        self.context = browser.new_context(viewport=VIEWPORT)
        self.page = self.context.new_page()
        self.page.on("dialog", lambda d: d.accept())  # a "leave the page?" prompt on reload
        self.page.set_default_timeout(30_000)
        self.workspace = re.sub(r"[^a-z0-9]+", "-", f"{notebook}-{secrets.token_hex(3)}")

    # -- opening and running --------------------------------------------------------
    def open(self) -> "LabPage":
        self.page.goto(self.server.url(f"lab/workspaces/{self.workspace}/tree/{self.path}"),
                       timeout=OPEN_S * 1000)
        self.wait_idle(OPEN_S)
        return self

    def reload(self) -> None:
        """Save, then reload the browser page (the kernel keeps running)."""
        self.command("docmanager:save", OPEN_S)
        self.page.reload(timeout=OPEN_S * 1000)
        self.wait_idle(OPEN_S)

    def wait_idle(self, seconds: float) -> None:
        """Bounded wait until the notebook is loaded and its kernel is connected and idle."""
        self.page.wait_for_function(f"""path => {{ const w = {_PANEL}(path);
            const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
            return !!(w && w.context.isReady && k && k.connectionStatus === 'connected'
                      && k.status === 'idle'); }}""", arg=self.path, timeout=seconds * 1000)

    def command(self, name: str, seconds: float, accept_dialog: bool = False) -> None:
        """Run a JupyterLab command on this notebook through the app; bounded wait for its promise."""
        self.page.evaluate(f"""([path, name]) => {{
            window.jupyterapp.shell.activateById({_PANEL}(path).id);
            window.__ck = window.__ck || {{}};
            window.__ck[name] = 'running';
            window.jupyterapp.commands.execute(name).then(
                r => {{ window.__ck[name] = 'done'; }}, e => {{ window.__ck[name] = 'error: ' + e; }}); }}""",
                           [self.path, name])
        if accept_dialog:
            self.page.locator(".jp-Dialog .jp-Dialog-button.jp-mod-accept").click(timeout=seconds * 1000)
        self.page.wait_for_function("name => window.__ck[name] !== 'running'", arg=name,
                                    timeout=seconds * 1000)
        state = self.page.evaluate("name => window.__ck[name]", name)
        if state != "done":
            raise AssertionError(f"JupyterLab command {name} failed: {state}")

    def run_all(self, expect_widgets: int = 0, seconds: float = RUN_ALL_S) -> float:
        """Run ▸ Run All Cells (the `runmenu:run-all` command); returns the seconds it took."""
        start = time.monotonic()
        self.command("runmenu:run-all", seconds)
        self.wait_idle(seconds)
        missed = self.unexecuted_cells()
        if missed:
            raise AssertionError(f"{self.notebook}: Run All stopped; code cells {missed} did not run. "
                                 f"Outputs: {self.problems()}")
        if expect_widgets:
            self.page.wait_for_function("n => document.querySelectorAll('.jp-Notebook .ck-ex').length >= n",
                                        arg=expect_widgets, timeout=seconds * 1000)
        return time.monotonic() - start

    def unexecuted_cells(self) -> list[int]:
        """Code cells with source but no execution count (1-based positions)."""
        return self.page.evaluate(f"""path => {{ const cells = {_PANEL}(path).content.model.cells, out = [];
            for (let i = 0; i < cells.length; i++) {{ const c = cells.get(i);
                if (c.type === 'code' && c.sharedModel.getSource().trim() && c.executionCount == null)
                    out.push(i + 1); }}
            return out; }}""", self.path)

    def restart_kernel(self) -> None:
        """Kernel ▸ Restart Kernel… (the `kernelmenu:restart` command), confirming the dialog."""
        self.command("kernelmenu:restart", OPEN_S, accept_dialog=True)
        self.wait_idle(OPEN_S)

    # -- reading ------------------------------------------------------------------------
    def problems(self) -> list[str]:
        """Error and stderr outputs, and widgets that failed to display."""
        return self.page.evaluate("""([sel, bad]) => {
            const found = [], re = new RegExp(bad, 'i');
            for (const el of document.querySelectorAll('.jp-Notebook ' + sel))
                found.push('stderr/error output: ' + el.innerText.slice(0, 400));
            for (const el of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output'))
                if (re.test(el.innerText)) found.push('widget error: ' + el.innerText.slice(0, 200));
            return found; }""", [STDERR, WIDGET_ERROR])

    def exercise(self, exercise_id: str):
        return self.page.locator(".jp-Notebook ." + css_id(exercise_id))

    def screenshot(self, name: str) -> Path:
        return screenshot(self.page, name)

    def close(self) -> None:
        try:
            self.server.shutdown_sessions()
        finally:
            self.context.close()


# -- answering widget exercises in the page, by kind --------------------------------------------
# Each driver works from the exercise's key entry, so the tests follow the key
# when an author rewords an option. `ex` is the Locator of the exercise's `.ck-ex` box.

def expect_feedback(ex, statuses, text: str | None = None, timeout: float = FEEDBACK_MS):
    """Bounded wait until the feedback has one of `statuses` (and contains `text`)."""
    from playwright.sync_api import expect
    fb = ex.locator(".ck-feedback")
    expect(fb).to_have_class(re.compile(r"\bck-feedback--(%s)\b" % "|".join(statuses)), timeout=timeout)
    if text:
        expect(fb).to_contain_text(text, timeout=timeout)
    return fb


def click_check(ex) -> None:
    ex.locator(".ck-check-btn").click()


def _radio(ex, i):
    return ex.locator(".ck-options input[type=radio]").nth(i)


def _box(ex, i):
    return ex.locator(f".ck-option-{i} input[type=checkbox]")


def _bucket_rows(ex, spec) -> dict[str, int]:
    texts = [ex.locator(f".ck-item-{i} .ck-item-text").inner_text() for i in range(len(spec["items"]))]
    return {t.strip(): i for i, t in enumerate(texts)}


def _set_steps(ex, target: list[str]) -> None:
    """Move steps with the up arrows until they read `target` (the view redraws after each move)."""
    from playwright.sync_api import expect
    for pos, step in enumerate(target):
        for _ in range(len(target)):
            now = [t.strip() for t in ex.locator(".ck-step-text").all_inner_texts()]
            i = now.index(step)
            if i <= pos:
                break
            ex.locator(f".ck-step-{i} .ck-up").click()
            expect(ex.locator(f".ck-step-{i - 1} .ck-step-text")).to_have_text(step, timeout=FEEDBACK_MS)


def _set_number(ex, value: float) -> None:
    """Type into the slider's editable read-out, as a trainee can (Enter commits)."""
    readout = ex.locator(".ck-number .widget-readout")
    readout.click()
    readout.press("Control+A")
    readout.type(f"{value:g}")
    readout.press("Enter")


def _paths(spec) -> list[tuple[float, list[int]]]:
    """Every (points, reply indexes) path through a scenario."""
    out = []

    def walk(node_id, points, path):
        replies = spec["nodes"][node_id].get("replies") or []
        if not replies:
            out.append((points, path))
        for i, r in enumerate(replies):
            walk(r["next"], points + r.get("points", 0), path + [i])
    walk(spec["start"], 0, [])
    return out


def _play(ex, path: list[int]) -> None:
    from playwright.sync_api import expect
    ex.locator(".ck-check-btn").click()  # "Start again"
    expect(ex.locator(".ck-transcript .ck-say-you")).to_have_count(0, timeout=FEEDBACK_MS)
    for turn, i in enumerate(path, 1):
        ex.locator(f".ck-reply-{i}").click()
        expect(ex.locator(".ck-transcript .ck-say-you")).to_have_count(turn, timeout=FEEDBACK_MS)


def _words(n: int) -> str:
    return " ".join(["The repair came late and nobody called me back about it."] * (n // 11 + 1)).split()[:n]


def answer_wrong(ex, spec) -> str:
    """Give a wrong answer through the page; returns the specific feedback text to expect."""
    kind = spec["kind"]
    if kind == "choose-one":
        i = max(i for i, o in enumerate(spec["options"]) if not o.get("correct"))
        _radio(ex, i).check()
        click_check(ex)
        return spec["options"][i].get("feedback", "Not this one.")
    if kind == "choose-many":
        wrong = next(i for i, o in enumerate(spec["options"]) if not o.get("correct") and o.get("feedback"))
        for i, o in enumerate(spec["options"]):
            _box(ex, i).set_checked(bool(o.get("correct")) or i == wrong)
        click_check(ex)
        return spec["options"][wrong]["feedback"]
    if kind == "buckets":
        rows = _bucket_rows(ex, spec)
        misplaced = next(it for it in spec["items"] if it.get("feedback"))
        for it in spec["items"]:
            bucket = it["bucket"] if it is not misplaced else next(b for b in spec["buckets"] if b != it["bucket"])
            ex.locator(f".ck-item-{rows[it['text']]} select").select_option(label=bucket)
        click_check(ex)
        return misplaced["feedback"]
    if kind == "order":
        click_check(ex)  # the view never starts in the right order
        return "Look again at position"
    if kind == "numeric":
        lo, hi, want = float(spec["min"]), float(spec["max"]), float(spec["expected"])
        step = float(spec.get("step", 1))
        far = max(float(spec.get("tol", 0)), float(spec.get("partial_tol", 0)))
        value = next(v for v in (lo + round((want - lo) / 2 / step) * step, hi, lo)
                     if abs(v - want) > far and v != float(spec.get("start", lo)))
        _set_number(ex, value)
        click_check(ex)
        side = spec.get("feedback_low" if value < want else "feedback_high", "Too low." if value < want else "Too high.")
        return side[1:]
    if kind == "scenario":
        points, path = min(_paths(spec), key=lambda p: (p[0], -len(p[1])))
        _play(ex, path)
        first = spec["nodes"][spec["start"]]["replies"][path[0]]
        return first.get("feedback", "")
    if kind == "reflection":
        need = int(spec.get("min_words", 2))
        ex.locator(".ck-text textarea").fill(" ".join(_words(max(1, need // 3))))
        click_check(ex)
        return f"aim for at least {need}"
    if kind == "form":  # only the first part filled in
        first = spec["fields"][0]
        ex.locator(".ck-field-0 textarea").fill(" ".join(_words(int(first.get("min_words", 1)) + 2)))
        click_check(ex)
        return "still missing or too short"
    raise ValueError(f"no browser driver for widget kind {kind!r}: add one to tests/browser/labkit.py")


# Kinds a person grades: the right answer is "submitted", not "correct".
RIGHT_STATUS = {kind: "submitted" for kind in getattr(_keys, "MANUAL_KINDS", {"reflection"})}


def answer_right(ex, spec) -> None:
    kind = spec["kind"]
    if kind == "choose-one":
        _radio(ex, next(i for i, o in enumerate(spec["options"]) if o.get("correct"))).check()
    elif kind == "choose-many":
        for i, o in enumerate(spec["options"]):
            _box(ex, i).set_checked(bool(o.get("correct")))
    elif kind == "buckets":
        rows = _bucket_rows(ex, spec)
        for it in spec["items"]:
            ex.locator(f".ck-item-{rows[it['text']]} select").select_option(label=it["bucket"])
    elif kind == "order":
        _set_steps(ex, list(spec["steps"]))
    elif kind == "numeric":
        _set_number(ex, float(spec["expected"]))
    elif kind == "scenario":
        _play(ex, max(_paths(spec), key=lambda p: p[0])[1])
        return  # the last reply ends the conversation and saves it
    elif kind == "reflection":
        ex.locator(".ck-text textarea").fill(" ".join(_words(int(spec.get("min_words", 0)) + 10)))
    elif kind == "form":
        for i, f in enumerate(spec["fields"]):
            ex.locator(f".ck-field-{i} textarea").fill(" ".join(_words(int(f.get("min_words", 1)) + 2)))
    else:
        raise ValueError(f"no browser driver for widget kind {kind!r}: add one to tests/browser/labkit.py")
    click_check(ex)


def assert_restored(ex, spec) -> None:
    """The right answer given earlier is back in the inputs (bounded waits)."""
    from playwright.sync_api import expect
    kind, t = spec["kind"], FEEDBACK_MS
    if kind == "choose-one":
        i = next(i for i, o in enumerate(spec["options"]) if o.get("correct"))
        expect(_radio(ex, i)).to_be_checked(timeout=t)
    elif kind == "choose-many":
        for i, o in enumerate(spec["options"]):
            expect(_box(ex, i)).to_be_checked(checked=bool(o.get("correct")), timeout=t)
    elif kind == "buckets":
        rows = _bucket_rows(ex, spec)
        for it in spec["items"]:
            sel = ex.locator(f".ck-item-{rows[it['text']]} select")
            shown = sel.evaluate("s => s.options[s.selectedIndex].textContent")
            assert " ".join(shown.split()) == it["bucket"], (it["text"], shown)  # ipywidgets uses &nbsp;
    elif kind == "order":
        expect(ex.locator(".ck-step-text")).to_have_text(list(spec["steps"]), timeout=t)
    elif kind == "numeric":
        got = float(ex.locator(".ck-number .widget-readout").inner_text())
        assert abs(got - float(spec["expected"])) <= float(spec.get("tol", 0)), got
    elif kind == "scenario":
        best = max(_paths(spec), key=lambda p: p[0])[1]
        expect(ex.locator(".ck-transcript .ck-say-you")).to_have_count(len(best), timeout=t)
    elif kind == "reflection":
        assert len(ex.locator(".ck-text textarea").input_value().split()) >= int(spec.get("min_words", 0))
    elif kind == "form":
        for i, f in enumerate(spec["fields"]):
            got = ex.locator(f".ck-field-{i} textarea").input_value()
            assert len(got.split()) >= int(f.get("min_words", 1)), (f["name"], got)
    expect_feedback(ex, [RIGHT_STATUS.get(kind, "correct")], "Your saved answer is back.")
