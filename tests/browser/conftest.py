"""Browser-suite fixtures: one chromium, one JupyterLab and one Voila server for the whole suite.

They are package-scoped (tests/browser is a package) so they stop as soon as the
browser tests are done: Playwright's sync API keeps an event loop running, which
would make asyncio.run() fail in any test that came after.

Chromium is Debian's (`/usr/bin/chromium`, or $CHROMIUM); it is never downloaded.
If it is missing the tests FAIL with the command that installs it; they are
skipped only when SKIP_BROWSER=1 is set.  Screenshots of failures go to
build/screenshots/.
"""
from __future__ import annotations

import os

import pytest

from .labpage import LabPage
from .server import Server, chromium_problem, launch_browser, release


def _skip_or_fail_without_chromium():
    if os.environ.get("SKIP_BROWSER") == "1":
        pytest.skip("SKIP_BROWSER=1: browser tests skipped on purpose")
    problem = chromium_problem()
    if problem:
        pytest.fail(problem, pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Remember each phase's report on the test item, so fixtures can tell a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def failed(request) -> bool:
    rep = getattr(request.node, "rep_call", None)
    return rep is None or rep.failed


@pytest.fixture(scope="package")
def browser():
    _skip_or_fail_without_chromium()
    from playwright.sync_api import sync_playwright
    pw = sync_playwright().start()
    try:
        b = launch_browser(pw)
    except Exception:
        pw.stop()
        raise
    yield b
    b.close()
    pw.stop()


def _serve(kind: str, tmp_path_factory) -> Server:
    """A server of `kind` over its own fresh trainee release (answers files never shared)."""
    base = tmp_path_factory.mktemp(kind)
    release(base / "root")
    extra = ["--template=course-en"] if kind == "voila" else []  # the course's Voila template, as `make lab` uses
    return Server(kind, base, base / "root", extra=extra).start()


@pytest.fixture(scope="package")
def lab(tmp_path_factory, browser):
    """JupyterLab on 127.0.0.1 (free port, random token) over a fresh trainee release."""
    server = _serve("lab", tmp_path_factory)
    yield server
    server.stop()


@pytest.fixture(scope="package")
def voila(tmp_path_factory, browser):
    """Voila on 127.0.0.1 over its own fresh trainee release."""
    server = _serve("voila", tmp_path_factory)
    yield server
    server.stop()


@pytest.fixture
def open_notebook(request, lab, browser):
    """open_notebook(name) -> an opened LabPage; closed (and screenshot on failure) afterwards."""
    pages = []

    def _open(name: str) -> LabPage:
        page = LabPage(lab, browser, name)
        pages.append(page)
        return page.open()

    yield _open
    for page in pages:
        if failed(request):
            page.screenshot(request.node.name)
        page.close()
