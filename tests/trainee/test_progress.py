"""progress(): per-module done / correct / points from the answers files, a chart, and where to go next."""
import json

import pytest

from grading import check, progress
from grading.core.canon import to_data
from grading.core.assess import assess
from grading.trainee.check import save_answer
from grading.core.widget_models import right_answer as widget_answer
from grading.core.keys import expected_value, key_files, notebook_key
from grading.core.keys import MANUAL_KINDS
from grading.trainee.progress import collect, where_next

START = "80-engine"


@pytest.fixture
def answers_dir(answers):
    return answers.parent


def right_answer(notebook, spec):
    """The canonical right answer of any exercise, built from the key."""
    if spec["kind"] == "code":
        return expected_value(notebook, spec)
    return to_data(widget_answer(spec))


def answer(notebook, spec, data):
    save_answer(notebook, spec, data, assess(notebook, spec, data))


def module(mods, notebook):
    return next(m for m in mods if m.notebook == notebook)


def test_no_answers_files_at_all(answers_dir):
    mods = collect()
    assert [m.notebook for m in mods] == [notebook_key(p.stem)["notebook"] for p in key_files()]
    assert all(m.done == 0 and m.correct == 0 and m.earned == 0 and m.points > 0 for m in mods)
    assert where_next(mods).startswith(f"Start {mods[0].notebook}.ipynb")
    shown = progress()
    assert "Where next: Start 80-engine.ipynb" in repr(shown)
    page = shown._repr_html_()
    assert "ck-where-next" in page and "data:image/png;base64," in page
    assert shown.png().startswith(b"\x89PNG")
    assert list(answers_dir.iterdir()) == []  # reading never writes


def test_counts_done_correct_and_points(answers_dir):
    key = notebook_key(START)
    specs = {ex["id"]: ex for ex in key["exercises"]}
    answer(START, specs["eng.silent-customers"], right_answer(START, specs["eng.silent-customers"]))
    answer(START, specs["eng.ripple"], to_data(50))  # wrong
    check("eng.attitude-share", ...)  # run but not answered: still open
    answer(START, specs["eng.my-service"], right_answer(START, specs["eng.my-service"]))

    m = module(collect(), START)
    assert (m.done, m.correct) == (3, 1)
    assert m.earned == specs["eng.silent-customers"]["points"]
    assert m.pending == specs["eng.my-service"]["points"]  # reflections wait for the instructor
    assert m.ids("retry") == ["eng.ripple"]
    assert "eng.attitude-share" in m.ids("open")
    text = where_next(collect())
    assert text.startswith(f"Carry on with {START}.ipynb") and "eng.ripple" in text

    table = progress().table()
    row = table.set_index("module").loc[START]
    assert (row["done"], row["correct"], row["exercises"]) == (3, 1, len(key["exercises"]))
    assert "awaiting your instructor" in repr(progress())


def test_a_finished_module_sends_you_to_the_next(answers_dir):
    for ex in notebook_key(START)["exercises"]:
        answer(START, ex, right_answer(START, ex))
    mods = collect()
    first = module(mods, START)
    assert first.finished and first.done == first.total and first.correct == first.auto
    assert first.earned == pytest.approx(sum(e["points"] for e in notebook_key(START)["exercises"]
                                             if e["kind"] not in MANUAL_KINDS))
    later = [m for m in mods if m.notebook != START]
    assert later and where_next(mods).startswith(f"Start {later[0].notebook}.ipynb")
    html = progress()._repr_html_()
    assert f"ck-progress--finished' data-module='{START}'" in html


def test_retry_is_suggested_once_everything_is_answered(answers_dir):
    for m in collect():
        for ex in notebook_key(m.notebook)["exercises"]:
            answer(m.notebook, ex, right_answer(m.notebook, ex))
    assert where_next(collect()).startswith("Every module is done")
    spec = next(ex for ex in notebook_key(START)["exercises"] if ex["kind"] == "numeric")
    answer(START, spec, to_data(spec["min"] if spec["expected"] != spec["min"] else spec["max"]))
    text = where_next(collect())
    assert text.startswith("Every exercise has an answer. Worth a retry") and spec["id"] in text


def test_damaged_answers_file_is_set_aside_and_reported(answers_dir):
    damaged = answers_dir / f"{START}.answers.json"
    damaged.write_text("{not json")
    shown = progress()
    assert module(shown.modules, START).done == 0
    assert (answers_dir / f"{START}.answers.json.damaged-1").read_text() == "{not json"
    assert "was damaged" in repr(shown) and "was damaged" in shown._repr_html_()


def test_odd_records_do_not_break_it(answers_dir):
    path = answers_dir / f"{START}.answers.json"
    path.write_text(json.dumps({"format": 1, "exercises": {
        "eng.ripple": "not a record",
        "eng.silent-customers": {"value": {"kind": "text", "value": "not an option"}, "status": "invalid"},
        "eng.unknown-id": {"value": {"kind": "number", "value": 1}, "status": "correct", "score": 9},
    }}))
    m = module(collect(), START)
    assert m.done == 1 and m.correct == 0 and m.ids("retry") == ["eng.silent-customers"]


def test_folder_argument_wins_over_the_environment(answers_dir, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere")
    spec = next(ex for ex in notebook_key(START)["exercises"] if ex["id"] == "eng.silent-customers")
    answer(START, spec, right_answer(START, spec))  # into answers_dir
    assert module(collect(other), START).done == 0
    assert module(collect(answers_dir), START).done == 1
    assert str(other) in repr(progress(other))


def test_points_to_one_decimal_and_whole_module_names():
    from grading.trainee.progress import _points, _wrapped
    assert (_points(7.7333), _points(19), _points(0.25)) == ("7.7", "19", "0.2")
    label = _wrapped("02 Service-quality gaps and SERVQUAL (服务质量差距分析)")
    assert "…" not in label and label.replace("\n", " ").startswith("02 Service-quality gaps and SERVQUAL")
    assert all(len(line) <= 30 for line in _wrapped("03 客户投诉处理与服务补救：从倾听到跟进的完整流程").split("\n"))
