"""Are the answer keys well formed, and do lookups fail helpfully?"""
import pytest

from grading.core import keys as _keys
from grading.authoring.release import masters
from grading.core.paths import PACKAGE_DIR


def test_every_key_file_is_valid_and_ids_are_unique_across_keys():
    seen = {}
    for path in _keys.key_files():
        key = _keys._load_file(path)
        assert key["notebook"] == path.stem
        for ex in key["exercises"]:
            assert ex["id"] not in seen, f"{ex['id']} in {path.name} and {seen.get(ex['id'])}"
            seen[ex["id"]] = path.name


def test_every_master_has_a_key_and_every_key_a_master():
    notebooks = {p.stem for p in masters(PACKAGE_DIR.parent / "notebooks")}
    assert notebooks == {p.stem for p in _keys.key_files()}


def test_validate_names_each_problem():
    problems = _keys.validate({"notebook": "x", "exercises": [
        {"id": "a", "kind": "code", "points": 1},
        {"id": "a", "kind": "dance", "points": -1},
        {"kind": "code", "points": 1},
    ]})
    text = " | ".join(problems)
    assert "without 'answer'" in text and "without a 'rule'" in text
    assert "appears twice" in text and "kind 'dance'" in text and "points" in text and "no id" in text


def test_unknown_id_suggests_near_ones():
    with pytest.raises(_keys.AnswerKeyError, match="Did you mean 'start.shares'"):
        _keys.exercise("start.share")


def test_code_exercises_have_recorded_expected_values():
    for path in _keys.key_files():
        key = _keys._load_file(path)
        for ex in key["exercises"]:
            if ex["kind"] == "code":
                assert _keys.expected_value(key["notebook"], ex) is not None, ex["id"]


def test_using_another_keys_folder_is_scoped(tmp_path):
    (tmp_path / "99-demo.yml").write_text(
        "notebook: 99-demo\nexercises:\n  - {id: demo.n, kind: numeric, points: 1, expected: 3, min: 0, max: 9}\n")
    with _keys.using(tmp_path):
        assert _keys.exercise("demo.n")[0] == "99-demo"
        with pytest.raises(_keys.AnswerKeyError):
            _keys.exercise("start.shares")
    assert _keys.exercise("start.shares")[0] == "00-start-here"
    with pytest.raises(_keys.AnswerKeyError):
        _keys.exercise("demo.n")
