"""Browser tests (Playwright + Debian chromium). A package, so its package-scoped fixtures
(chromium, the JupyterLab and Voila servers) stop before the rest of the suite runs:
a live Playwright sync loop would break asyncio.run() in later tests."""
