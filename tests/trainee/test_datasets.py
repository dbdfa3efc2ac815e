"""Does load_dataset find the course data and explain a wrong name?"""
import pytest

from grading import load_dataset
from grading.trainee.datasets import DatasetNotFound


def test_dates_are_parsed_from_the_schema():
    complaints = load_dataset("complaints")
    assert str(complaints["received_at"].dtype).startswith("datetime64")
    assert complaints["channel"].dtype != "datetime64[ns]"


def test_a_named_table():
    assert {"step_id", "lane"} <= set(load_dataset("service_process", "steps").columns)


def test_wrong_names_list_what_exists():
    with pytest.raises(DatasetNotFound, match="its tables are: events, instances, resources, steps"):
        load_dataset("service_process")
    with pytest.raises(DatasetNotFound, match="Datasets: candidates, complaints"):
        load_dataset("complaint")


def test_found_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert len(load_dataset("servqual")) >= 400
