"""Shared test set-up (root level so nbval runs over notebooks/ get it too)."""
import os
import tempfile

import pytest

# Kernels started by nbval and nbclient inherit this environment: their answers
# files land in a scratch folder, never beside the committed masters.  Each
# pytest-xdist worker gets a folder of its own (workers inherit the first one).
os.environ.setdefault("GRADING_ANSWERS_DIR", tempfile.mkdtemp(prefix="answers-"))
if "PYTEST_XDIST_WORKER" in os.environ:
    os.environ["GRADING_ANSWERS_DIR"] = tempfile.mkdtemp(prefix=f"{os.environ['PYTEST_XDIST_WORKER']}-",
                                                         dir=os.environ["GRADING_ANSWERS_DIR"])
os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_collection_modifyitems(config, items):
    """With pytest-xdist (`-n`, `--dist loadgroup`): a file's tests stay on one worker, in order
    (module fixtures; a notebook's nbval cells share its kernel), and the browser tests all run on
    one worker, so they share one chromium, one JupyterLab and one Voila server."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        path = item.path.relative_to(config.rootpath)
        group = "browser" if path.parts[:2] == ("tests", "browser") else path.as_posix()
        item.add_marker(pytest.mark.xdist_group(group))
