"""App-mode pages rendered ahead (grading/kernels/pages.py), through JupyterLab's server as `make lab`
runs it: the next module's page is served from the kernel that ran it ahead, a page whose notebook or
answers changed since runs again, and pages the trainee moved away from are shut down."""
import json
import time
import urllib.request

import pytest

from tests.browser.server import Server, release

pytestmark = pytest.mark.slow  # a JupyterLab server running whole notebooks


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("pages")
    release(base / "root")
    server = Server("lab", base, base / "root", extra=["--VoilaConfiguration.template=course-en"]).start()
    yield server
    server.stop()


def visit(lab, stem: str) -> str:
    with urllib.request.urlopen(lab.url(f"voila/render/{stem}.ipynb"), timeout=180) as reply:
        page = reply.read().decode()
    assert page.rstrip().endswith("</html>"), f"{stem}: the page was cut short"
    return page


def logged(lab, text: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while text not in lab.log_path.read_text():
        assert time.monotonic() < deadline, f"not logged: {text}\n{lab.log_tail()}"
        time.sleep(0.25)


def widgets(page: str) -> int:
    return page.count("application/vnd.jupyter.widget-view+json")


def test_the_next_module_page_is_served_as_rendered_ahead(lab):
    first = visit(lab, "01-service-blueprints")
    assert widgets(first) > 0
    logged(lab, "App page 02-quality-gaps.ipynb rendered ahead in")
    page = visit(lab, "02-quality-gaps")
    logged(lab, "App page 02-quality-gaps.ipynb served as rendered ahead", timeout=5)
    assert widgets(page) > 0 and "Traceback" not in page
    assert "02-quality-gaps.ipynb rendered ahead is dropped" not in lab.log_path.read_text()


def test_a_page_whose_answers_changed_since_runs_again(lab):
    visit(lab, "02-quality-gaps")
    logged(lab, "App page 03-complaint-handling.ipynb rendered ahead in")
    answers = lab.root / "03-complaint-handling.answers.json"
    time.sleep(0.05)  # a later modification time than the one the page ran with, on any file system
    answers.write_text(json.dumps({"format": 1, "notebook": "03-complaint-handling", "exercises": {}}))
    page = visit(lab, "03-complaint-handling")
    logged(lab, "App page 03-complaint-handling.ipynb rendered ahead is dropped: it is out of date", timeout=5)
    assert widgets(page) > 0
    assert "03-complaint-handling.ipynb served as rendered ahead" not in lab.log_path.read_text()


def test_pages_the_trainee_moved_away_from_are_shut_down(lab):
    visit(lab, "03-complaint-handling")
    logged(lab, "App page 04-staff-selection.ipynb rendered ahead in")
    ahead = {k["id"] for k in lab.api("GET", "api/kernels")}
    visit(lab, "00-start-here")
    logged(lab, "App page 04-staff-selection.ipynb rendered ahead is dropped: the trainee moved elsewhere", timeout=5)
    logged(lab, "App page 01-service-blueprints.ipynb rendered ahead in")
    deadline = time.monotonic() + 30
    while len(ahead & {k["id"] for k in lab.api("GET", "api/kernels")}) == len(ahead):
        assert time.monotonic() < deadline, "the dropped page's kernel still runs"
        time.sleep(0.25)


def test_a_page_dropped_while_it_renders_does_not_stop_the_next(lab):
    visit(lab, "04-staff-selection")
    logged(lab, "App page 05-customer-value.ipynb: rendering it ahead")
    deadline = time.monotonic() + 60
    while not any(k["execution_state"] == "busy" for k in lab.api("GET", "api/kernels")):  # its cells run
        assert time.monotonic() < deadline, "the page rendered ahead never ran"
        time.sleep(0.1)
    time.sleep(0.5)
    visit(lab, "02-quality-gaps")  # the trainee goes back before 05 is ready
    logged(lab, "App page 05-customer-value.ipynb rendered ahead is dropped: the trainee moved elsewhere", timeout=5)
    # The next page renders ahead once the server has been quiet for 3 s (6-12 s in all); waiting for
    # the dropped page's rendering to end first took 25 s more (its kernel is gone, nothing answers it).
    logged(lab, "App page 03-complaint-handling.ipynb rendered ahead in", timeout=20)
