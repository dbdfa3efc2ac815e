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


@pytest.mark.parametrize("hidden, says", [
    (None, "'hidden' must be a list of rules (it is empty)"),
    ([], "'hidden' must be a list of rules (it is [])"),
    ({"type": "number"}, "'hidden' must be a list of rules"),
    ([{"type": "number", "tolerance": 0.1}], "the number hidden has unknown field(s) tolerance"),
    ([{"type": "number", "share": 1.5}], "a hidden rule's share must be a number from 0"),
    (["ordered"], "hidden 'ordered' is not a rule"),
])
def test_validate_refuses_a_hidden_that_is_not_a_list_of_known_rules(hidden, says):
    exercise = {"id": "a", "kind": "code", "points": 1, "answer": "a", "rule": {"type": "number"}, "hidden": hidden}
    assert says in " | ".join(_keys.validate({"notebook": "x", "exercises": [exercise]}))


def test_validate_names_an_unknown_rule_field_and_type():
    problems = _keys.validate({"notebook": "x", "exercises": [
        {"id": "a", "kind": "code", "points": 1, "answer": "a", "rule": {"type": "mapping", "tol": 0.1, "sorted": True}},
        {"id": "b", "kind": "code", "points": 1, "answer": "b", "rule": {"type": "dict"}},
        {"id": "c", "kind": "code", "points": 1, "answer": "c", "rule": {"type": "number", "tol": "0.1"}},
    ]})
    text = " | ".join(problems)
    assert "exercise a: the mapping rule has unknown field(s) sorted" in text and "ordered" in text
    assert "exercise b: rule 'dict' is not a rule" in text
    assert "exercise c: tol must be a number >= 0 (it is '0.1')" in text


def test_a_keys_folder_without_recorded_values_is_refused_before_grading(tmp_path):
    import shutil
    shutil.copyfile(PACKAGE_DIR / "keys" / "02-quality-gaps.yml", tmp_path / "02-quality-gaps.yml")
    (tmp_path / "05-customer-value.yml").write_text(
        (PACKAGE_DIR / "keys" / "05-customer-value.yml").read_text(encoding="utf-8").replace(
            "share: 0.5", "share: 0.5, sort: true"), encoding="utf-8")
    shutil.copyfile(PACKAGE_DIR / "keys" / "05-customer-value.expected.json", tmp_path / "05-customer-value.expected.json")
    with _keys.using(tmp_path):
        problems = _keys.problems_before_grading(["02-quality-gaps", "05-customer-value"])
    assert len(problems) == 2
    assert problems[0].startswith("02-quality-gaps.yml: no recorded expected value for gaps.item-gaps")
    assert "copy 02-quality-gaps.expected.json beside the key" in problems[0]
    assert problems[1].startswith("05-customer-value.yml: exercise value.abc-classes: the mapping hidden has "
                                  "unknown field(s) sort")
    assert _keys.problems_before_grading(["02-quality-gaps", "05-customer-value"]) == []  # the course's own


def test_a_key_that_is_not_valid_yaml_is_named_not_a_traceback(tmp_path):
    (tmp_path / "03-x.yml").write_text("notebook: 03-x\nexercises:\n  - {id: a, hidden:\n", encoding="utf-8")
    with _keys.using(tmp_path):
        assert _keys.problems_before_grading(["03-x"])[0].startswith("03-x.yml is not valid YAML:")
