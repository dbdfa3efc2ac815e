"""Trainee-side tests read the fixture keys, not the course's, and save answers to a scratch folder."""
import pytest

from grading.core import keys
from tests.support import ENGINE, FIXTURE_KEYS


@pytest.fixture(autouse=True)
def fixture_keys():
    with keys.using(FIXTURE_KEYS):
        yield


@pytest.fixture(autouse=True)
def answers(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADING_ANSWERS_DIR", str(tmp_path))
    return tmp_path / f"{ENGINE}.answers.json"
