"""`LabPage`: one notebook open in JupyterLab, run through JupyterLab's own commands.

Nothing here uses menu wording: commands go through the app (`window.jupyterapp`,
exposed only on the test server) and widgets are found by the kit's own CSS classes.
Every wait is bounded.
"""
from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from grading.trainee.widgets import css_id

from .server import OPEN_S, RUN_ALL_S, SHOTS, STDERR, VIEWPORT, WIDGET_ERROR, Server


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
        self.page.wait_for_function(f"""path => {{ if (!window.jupyterapp || !window.jupyterapp.shell) return false;
            const w = {_PANEL}(path);
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
