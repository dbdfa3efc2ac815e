"""Shared test set-up (root level so nbval runs over notebooks/ get it too)."""
import os
import tempfile

# Kernels started by nbval and nbclient inherit this environment: their answers
# files land in a scratch folder, never beside the committed masters.  Each
# pytest-xdist worker gets a folder of its own (workers inherit the first one).
os.environ.setdefault("GRADING_ANSWERS_DIR", tempfile.mkdtemp(prefix="answers-"))
if "PYTEST_XDIST_WORKER" in os.environ:
    os.environ["GRADING_ANSWERS_DIR"] = tempfile.mkdtemp(prefix=f"{os.environ['PYTEST_XDIST_WORKER']}-",
                                                         dir=os.environ["GRADING_ANSWERS_DIR"])
os.environ.setdefault("PYTHONHASHSEED", "0")


def pytest_xdist_make_scheduler(config, log):
    """With pytest-xdist (`-n`): a file's tests stay on one worker, in order (module fixtures; a
    notebook's nbval cells share its kernel), and the browser tests all run on one worker, so they
    share one chromium, one JupyterLab and one Voila server."""
    from xdist.scheduler import LoadScopeScheduling

    class ByFileBrowserTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/browser" if nodeid.startswith("tests/browser/") else nodeid.split("::", 1)[0]

    return ByFileBrowserTogether(config, log)
