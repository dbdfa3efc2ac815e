"""App-mode pages rendered ahead: the next module's Voila page is ready before it is asked for.

A Voila page runs its whole notebook, charts included, before its last widget shows:
about 4 s per module on two cores, behind a spinner.  Voila's own cure, pre-heated
kernels, exists only in the standalone `voila` server and keeps a rendered page of
every notebook (a kernel each), which the course's 1 GB hub servers cannot afford.

This kernel manager (the server's `ServerApp.kernel_manager_class`, with SERVER_CONFIG)
reads ahead instead: when a module's page is served, the pages of the next `read_ahead`
modules (`NN-slug.ipynb` in the same folder, in course order) are rendered in the
background, one at a time, each in its own kernel, once no kernel has been busy for a
few seconds (the page asked for has rendered, and the trainee is reading it).  Voila's
handler in JupyterLab's server asks the kernel manager for such a page (`get_pool_size`,
`get_rendered_notebook`, the interface of Voila's pre-heating kernel manager) and serves
it at once.

A page is served only as fresh as what it ran on: if the notebook or its answers file
has changed since it was rendered (the trainee answered in JupyterLab meanwhile), it is
dropped and the page runs on request as usual.  Pages further than `read_ahead` from the
last one served are shut down, so at most `read_ahead` kernels wait.
"""
from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float, Int

MODULE_PAGE = re.compile(r"^\d\d-[^/]+\.ipynb$")


@dataclass
class _Page:
    stamp: tuple
    task: asyncio.Task  # -> {"renderer", "task", "kernel_id"}, as Voila's pool items
    data: dict | None = None  # template and theme, once the renderer knows them


class ReadAheadKernelManager(AsyncMappingKernelManager):
    read_ahead = Int(1, config=True, help="How many following module pages to render ahead "
                     "of the trainee (a kernel of about 150 MB each); 0 turns it off.")
    read_ahead_quiet = Float(3.0, config=True, help="Seconds without a busy kernel (the page asked for has "
                             "rendered, no Run All is going on) before the next page is rendered ahead.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pages: dict[str, _Page] = {}
        self._queue: list[str] = []
        self._worker: asyncio.Task | None = None

    # -- the interface Voila's handler looks for ------------------------------------------
    @property
    def notebook_data(self) -> dict:
        return {path: page.data for path, page in self._pages.items() if page.data}

    def get_pool_size(self, notebook_path: str) -> int:
        """1 if a fresh rendered page of `notebook_path` waits; also: the trainee is on it now."""
        page = self._pages.get(notebook_path)
        usable = page is not None and page.data is not None and self._fresh(notebook_path, page)
        if page is not None and not usable:
            self._drop(notebook_path, "it is out of date" if page.data else "it was not ready")
        self._read_ahead_of(notebook_path)
        return int(usable)

    async def get_rendered_notebook(self, notebook_name: str, **_):
        page = self._pages.pop(notebook_name)
        item = await page.task
        item["renderer"].stop_generator = True
        self.log.info("App page %s served as rendered ahead (kernel %s)", notebook_name, item["kernel_id"])
        return item["task"], item["renderer"].rendered_cache, item["kernel_id"]

    # -- which pages, and when --------------------------------------------------------------
    def _read_ahead_of(self, notebook_path: str) -> None:
        folder, name = os.path.split(notebook_path)
        if self.read_ahead <= 0 or not MODULE_PAGE.match(name):
            return
        modules = sorted(p.name for p in self._os_path(folder).glob("[0-9][0-9]-*.ipynb") if MODULE_PAGE.match(p.name))
        after = modules[modules.index(name) + 1:] if name in modules else []
        wanted = [os.path.join(folder, n) if folder else n for n in after[:self.read_ahead]]
        for path in [p for p in self._pages if p not in wanted and p != notebook_path]:
            self._drop(path, "the trainee moved elsewhere")
        self._queue = [p for p in wanted if p not in self._pages]
        if self._queue and (self._worker is None or self._worker.done()):
            self._worker = asyncio.get_running_loop().create_task(self._render_queue())

    async def _render_queue(self) -> None:
        while self._queue:  # one at a time: on two cores, two pages at once would slow the trainee's own
            await self._quiet()
            if not self._queue:
                return
            path, started = self._queue.pop(0), time.monotonic()
            self.log.info("App page %s: rendering it ahead", path)
            page = _Page(self._stamp(path), asyncio.get_running_loop().create_task(self._render(path)))
            self._pages[path] = page
            # Until it is rendered, or no longer ours (served to a request, or dropped: a dropped page's
            # rendering may never end, as its kernel is shut down under it).
            while self._pages.get(path) is page and (outcome := _settled(page)) is None:
                await asyncio.sleep(0.2)
            if self._pages.get(path) is not page:
                continue
            if outcome is True:
                self.log.info("App page %s rendered ahead in %.1f s", path, time.monotonic() - started)
            else:
                self.log.warning("App page %s could not be rendered ahead: %s", path, outcome)
                self._drop(path, "it failed")

    async def _quiet(self, longest: float = 60.0) -> None:
        """Until no kernel has been busy for `read_ahead_quiet` seconds (or `longest` have passed): the
        page being opened renders first, and a Run All in JupyterLab keeps both cores."""
        loop = asyncio.get_running_loop()
        deadline, quiet_since = loop.time() + longest, None
        while loop.time() < deadline:
            busy = any(getattr(self._kernels.get(k), "execution_state", None) in ("busy", "starting")
                       for k in list(self._kernels))
            now = loop.time()
            if busy:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = now
            elif now - quiet_since >= self.read_ahead_quiet:
                return
            await asyncio.sleep(0.1)

    async def _render(self, path: str) -> dict:
        from voila.utils import ENV_VARIABLE
        renderer = self._renderer(path)
        await renderer.initialize()
        env = {**os.environ, ENV_VARIABLE.VOILA_PREHEAT: "True", ENV_VARIABLE.VOILA_BASE_URL: self.parent.base_url,
               ENV_VARIABLE.VOILA_SERVER_URL: self.parent.base_url, ENV_VARIABLE.VOILA_APP_PORT: str(self.parent.port)}
        kernel_id = await self.start_kernel(kernel_name=renderer.notebook.metadata.kernelspec.name,
                                            path=os.path.dirname(path), env=env)
        if path in self._pages:
            self._pages[path].data = {"template": renderer.template_name, "theme": renderer.theme}
        task = asyncio.get_running_loop().create_task(
            renderer.generate_content_hybrid(kernel_id, self.get_kernel(kernel_id)))
        return {"renderer": renderer, "task": task, "kernel_id": kernel_id}

    def _renderer(self, path: str):
        """A renderer made as Voila's handler in this server makes one for a request."""
        from voila.notebook_renderer import NotebookRenderer
        from voila.utils import get_page_config
        kwargs, settings = _voila_handler_kwargs(self.parent.web_app), self.parent.web_app.settings
        voila_configuration = kwargs["voila_configuration"]
        page_config_kwargs = {"base_url": self.parent.base_url, "settings": settings, "log": self.log,
                              "voila_configuration": voila_configuration}
        page_config = get_page_config(**page_config_kwargs)
        if voila_configuration.page_config_hook:
            page_config = voila_configuration.page_config_hook(page_config, **page_config_kwargs, notebook_path=path)
        return NotebookRenderer(
            voila_configuration=voila_configuration, traitlet_config=kwargs.get("config"), notebook_path=path,
            template_paths=kwargs.get("template_paths", []), config_manager=settings.get("config_manager"),
            contents_manager=self.parent.contents_manager, base_url=self.parent.base_url,
            kernel_spec_manager=self.kernel_spec_manager, page_config=page_config,
            mathjax_config=settings.get("mathjax_config"), mathjax_url=settings.get("mathjax_url"))

    # -- freshness and clean-up ---------------------------------------------------------------
    def _os_path(self, path: str) -> Path:
        return Path(self.root_dir, path)

    def _stamp(self, path: str) -> tuple:
        """What a rendered page depends on that the trainee can change: the notebook and its answers."""
        notebook = self._os_path(path)
        files = (notebook, notebook.with_name(notebook.name.removesuffix(".ipynb") + ".answers.json"))
        return tuple(f.stat().st_mtime_ns if f.exists() else None for f in files)

    def _fresh(self, path: str, page: _Page) -> bool:
        """Still rendering or rendered (not failed), from the files as they are now."""
        return _settled(page) in (None, True) and self._stamp(path) == page.stamp

    def _drop(self, path: str, why: str) -> None:
        page = self._pages.pop(path, None)
        if page is None:
            return
        self.log.info("App page %s rendered ahead is dropped: %s", path, why)
        asyncio.get_running_loop().create_task(self._discard(page))

    async def _discard(self, page: _Page) -> None:
        item = await _outcome(page.task)
        if isinstance(item, dict):
            item["task"].cancel()
            if item["kernel_id"] in self:
                await self.shutdown_kernel(item["kernel_id"])

    async def shutdown_all(self, now: bool = False) -> None:
        self._queue = []
        if self._worker is not None:
            self._worker.cancel()
        for page in self._pages.values():
            page.task.cancel()
        self._pages = {}
        await super().shutdown_all(now=now)


async def _outcome(task: asyncio.Task):
    """The task's result, or the exception (or cancellation) that ended it."""
    await asyncio.wait([task])
    if task.cancelled():
        return asyncio.CancelledError()
    return task.exception() or task.result()


def _settled(page: _Page):
    """None while the page is being rendered; True once it is; else the error that ended it."""
    for stage in ("kernel", "rendering"):
        task = page.task if stage == "kernel" else page.task.result()["task"]
        if not task.done():
            return None
        if task.cancelled():
            return asyncio.CancelledError()
        if task.exception() is not None:
            return task.exception()
    return True


def _voila_handler_kwargs(web_app) -> dict:
    """The arguments Voila's extension gave its page handler in this server (its configuration)."""
    from voila.handler import VoilaHandler

    def rules(router):
        for rule in getattr(router, "rules", []):
            yield rule
            yield from rules(rule.target)

    for rule in rules(web_app.default_router):
        if isinstance(rule.target, type) and issubclass(rule.target, VoilaHandler):
            return rule.target_kwargs
    raise LookupError("Voila's server extension is not loaded in this server")
