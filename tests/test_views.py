"""Do the widget views work when driven in process, save answers and restore them?"""
import json

import pytest

from grading import show
from grading._keys import exercise


@pytest.fixture(autouse=True)
def answers(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADING_ANSWERS_DIR", str(tmp_path))
    return tmp_path / "00-start-here.answers.json"


def classes(widget):
    return set(widget._dom_classes)


def test_every_view_has_stable_classes_and_a_short_repr():
    for eid in ("start.silent-customers", "start.retention-facts", "start.within-reach", "start.last-steps",
                "start.ripple", "start.first-reply", "start.my-service"):
        view = show(eid)
        _, spec = exercise(eid)
        assert {"ck-ex", f"ck-ex--{spec['kind']}", "ck-ex-" + eid.replace(".", "-")} <= classes(view.widget)
        assert "ck-check-btn" in classes(view.check_button) and "ck-feedback" in classes(view.feedback)
        assert view._repr_mimebundle_()["text/plain"] == f"<{spec['kind']} exercise {eid}>"


def test_choose_one_click_gives_feedback_and_persists(answers):
    view = show("start.silent-customers")
    view.options.value = "About half complain, and the other half come back anyway."
    view.check_button.click()
    assert "ck-feedback--incorrect" in classes(view.feedback) and "few complain" in view.feedback.value
    view.options.value = next(o["text"] for o in exercise("start.silent-customers")[1]["options"] if o.get("correct"))
    view.check_button.click()
    assert "ck-feedback--correct" in classes(view.feedback)
    assert "ck-feedback--incorrect" not in classes(view.feedback)
    again = show("start.silent-customers")  # a new kernel session shows the saved answer
    assert again.options.value == view.options.value and "saved answer is back" in again.feedback.value


def test_unanswered_click_says_so():
    view = show("start.silent-customers")
    view.check_button.click()
    assert "ck-feedback--unanswered" in classes(view.feedback)


def test_buckets_view(answers):
    view = show("start.within-reach")
    _, spec = exercise("start.within-reach")
    for item in spec["items"]:
        view.selects[item["text"]].value = item["bucket"]
    view.selects["The customer died"].value = "The company can influence"
    view.check_button.click()
    assert "4 of 5 items" in view.feedback.value and "no service can prevent this" in view.feedback.value
    assert json.loads(answers.read_text())["exercises"]["start.within-reach"]["score"] == pytest.approx(2.4)


def test_order_view_moves_steps():
    view = show("start.last-steps")
    assert view.answer() != ["Listen", "Apologise", "Solve", "Thank"]  # never starts solved
    target = ["Listen", "Apologise", "Solve", "Thank"]
    for pos, step in enumerate(target):  # selection sort with the arrow buttons
        while view.order.index(step) > pos:
            i = view.order.index(step)
            view.box.children[i].children[0].click()  # the up arrow of that row
    assert view.answer() == target
    view.check_button.click()
    assert "ck-feedback--correct" in classes(view.feedback)
    assert show("start.last-steps").answer() == target


def test_numeric_view_needs_a_touch_before_it_counts():
    view = show("start.ripple")
    assert view.answer() is ...
    view.slider.value = 100
    view.check_button.click()
    assert "ck-feedback--correct" in classes(view.feedback)


def test_scenario_view_plays_and_restarts(answers):
    view = show("start.first-reply")
    view.replies.children[0].click()  # defensive
    assert "ck-say-you" in view.transcript.value and "So now it's my fault" in view.transcript.value
    view.replies.children[0].click()  # recovering
    assert view.play.finished and "1 of 2" in view.feedback.value
    assert json.loads(answers.read_text())["exercises"]["start.first-reply"]["value"]["items"] == [0, 0]
    view.check_button.click()  # "Start again"
    assert view.play.path == [] and view.feedback.value == ""
    restored = show("start.first-reply")
    assert restored.play.path == [0, 0] and restored.play.finished
    show("start.first-reply")  # showing it again replays the path but is not a new attempt
    assert json.loads(answers.read_text())["exercises"]["start.first-reply"]["attempts"] == 1


def test_reflection_view_saves_text(answers):
    view = show("start.my-service")
    view.text.value = "word " * 70
    assert view.words.value == "70 words"
    view.check_button.click()
    assert "ck-feedback--submitted" in classes(view.feedback)
    assert show("start.my-service").text.value == "word " * 70


def test_hint_and_solution_buttons():
    view = show("start.retention-facts")
    assert not hasattr(view, "_hints_shown")  # no hints in the key: no hint button
    code = show("start.within-reach")
    assert code.help.value == ""


def test_show_explains_bad_ids():
    assert "Did you mean" in repr(show("start.ripples"))
    assert "code exercise" in repr(show("start.shares"))


def test_form_view_shows_missing_parts_live_and_restores(answers):
    view = show("selection.job-design")
    assert "0 of 6 parts" in view.status.value
    view.fields["Title"].value = "Front-desk service clerk, customer service department"
    assert "1 of 6 parts" in view.status.value and "Purpose" in view.status.value
    view.check_button.click()
    assert "ck-feedback--incorrect" in classes(view.feedback) and "still missing" in view.feedback.value
    again = show("selection.job-design")
    assert again.fields["Title"].value.startswith("Front-desk")
