"""Is the answers file written atomically, and is a damaged one kept, not lost?"""
import json

from grading.trainee import answers_file as _answers


def test_update_merges_and_keeps_other_exercises(tmp_path):
    path = tmp_path / "nb.answers.json"
    _answers.update(path, "a.one", value={"kind": "number", "value": 1}, attempts=1)
    _answers.update(path, "a.two", value={"kind": "text", "value": "x"})
    _answers.update(path, "a.one", attempts=2)
    data = json.loads(path.read_text())
    assert data["exercises"]["a.one"]["attempts"] == 2
    assert data["exercises"]["a.one"]["value"]["value"] == 1
    assert data["exercises"]["a.two"]["value"]["value"] == "x"
    assert list(tmp_path.iterdir()) == [path]  # no temporary files left behind


def test_damaged_file_is_set_aside_not_deleted(tmp_path):
    path = tmp_path / "nb.answers.json"
    path.write_text("{not json")
    assert _answers.read(path)["exercises"] == {}
    aside = tmp_path / "nb.answers.json.damaged-1"
    assert aside.read_text() == "{not json"
    path.write_text('["a list, not a record"]')
    _answers.read(path)
    assert (tmp_path / "nb.answers.json.damaged-2").exists()


def test_answers_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADING_ANSWERS_DIR", str(tmp_path))
    assert _answers.answers_path("02-quality-gaps") == tmp_path / "02-quality-gaps.answers.json"
