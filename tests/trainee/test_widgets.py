"""Do the widget views work when driven in process, save answers and restore them?"""
import json

import pytest

from grading import show
from grading.core.keys import exercise


def classes(widget):
    return set(widget._dom_classes)


def test_every_view_has_stable_classes_and_a_short_repr():
    for eid in ("eng.silent-customers", "eng.retention-facts", "eng.within-reach", "eng.last-steps",
                "eng.ripple", "eng.first-reply", "eng.my-service"):
        view = show(eid)
        _, spec = exercise(eid)
        assert {"ck-ex", f"ck-ex--{spec['kind']}", "ck-ex-" + eid.replace(".", "-")} <= classes(view.widget)
        assert "ck-check-btn" in classes(view.check_button) and "ck-feedback" in classes(view.feedback)
        assert view._repr_mimebundle_()["text/plain"] == f"<{spec['kind']} exercise {eid}>"


def test_choose_one_click_gives_feedback_and_persists(answers):
    view = show("eng.silent-customers")
    view.options.value = "About half complain, and the other half come back anyway."
    view.check_button.click()
    assert "ck-feedback--incorrect" in classes(view.feedback) and "few complain" in view.feedback.value
    view.options.value = "Only a small minority complain to the company — often quoted as about 1 in 26."
    view.check_button.click()
    assert "ck-feedback--correct" in classes(view.feedback)
    assert "ck-feedback--incorrect" not in classes(view.feedback)
    again = show("eng.silent-customers")  # a new kernel session shows the saved answer
    assert again.options.value == view.options.value and "saved answer is back" in again.feedback.value


def test_unanswered_click_says_so():
    view = show("eng.silent-customers")
    view.check_button.click()
    assert "ck-feedback--unanswered" in classes(view.feedback)


def test_buckets_view(answers):
    view = show("eng.within-reach")
    _, spec = exercise("eng.within-reach")
    for item in spec["items"]:
        view.selects[item["text"]].value = item["bucket"]
    view.selects["The customer died"].value = "The company can influence"
    view.check_button.click()
    assert "4 of 5 items" in view.feedback.value and "no service can prevent this" in view.feedback.value
    assert json.loads(answers.read_text())["exercises"]["eng.within-reach"]["score"] == pytest.approx(2.4)


def test_order_view_moves_steps():
    view = show("eng.last-steps")
    assert view.answer() != ["Listen", "Apologise", "Solve", "Thank"]  # never starts solved
    target = ["Listen", "Apologise", "Solve", "Thank"]
    for pos, step in enumerate(target):  # selection sort with the arrow buttons
        while view.order.index(step) > pos:
            i = view.order.index(step)
            view.box.children[i].children[0].click()  # the up arrow of that row
    assert view.answer() == target
    view.check_button.click()
    assert "ck-feedback--correct" in classes(view.feedback)
    assert show("eng.last-steps").answer() == target


def test_numeric_view_needs_a_touch_before_it_counts():
    view = show("eng.ripple")
    assert view.answer() is ...
    view.slider.value = 100
    view.check_button.click()
    assert "ck-feedback--correct" in classes(view.feedback)


def test_scenario_view_plays_and_restarts(answers):
    view = show("eng.first-reply")
    view.replies.children[0].click()  # defensive
    assert "ck-say-you" in view.transcript.value and "So now it's my fault" in view.transcript.value
    view.replies.children[0].click()  # recovering
    assert view.play.finished and "1 of 2" in view.feedback.value
    assert json.loads(answers.read_text())["exercises"]["eng.first-reply"]["value"]["items"] == [0, 0]
    view.check_button.click()  # "Start again"
    assert view.play.path == [] and view.feedback.value == ""
    restored = show("eng.first-reply")
    assert restored.play.path == [0, 0] and restored.play.finished
    show("eng.first-reply")  # showing it again replays the path but is not a new attempt
    assert json.loads(answers.read_text())["exercises"]["eng.first-reply"]["attempts"] == 1


def test_reflection_view_saves_text(answers):
    view = show("eng.my-service")
    view.text.value = "word " * 70
    assert view.words.value == "70 words"
    view.check_button.click()
    assert "ck-feedback--submitted" in classes(view.feedback)
    assert show("eng.my-service").text.value == "word " * 70


def buttons(view, css):
    return [b for b in view.widget.children[2].children if css in classes(b)]


def test_hint_and_solution_buttons_show_help_and_are_recorded(answers):
    assert not buttons(show("eng.retention-facts"), "ck-hint-btn")  # no hints in the key: no Hint button
    view = show("eng.first-reply")
    _, spec = exercise("eng.first-reply")
    hint, = buttons(view, "ck-hint-btn")
    assert view.help.value == ""
    hint.click()
    hint.click()
    assert view.help.value.count("<li>") == 2 and spec["hints"][1] in view.help.value
    hint.click()  # no more hints than the key has
    assert view.help.value.count("<li>") == len(spec["hints"]) == 2
    assert json.loads(answers.read_text())["exercises"]["eng.first-reply"]["hints_seen"] == 2
    worked, = buttons(view, "ck-solution-btn")
    worked.click()
    assert "ck-solution" in view.help.value and "Worked solution" in view.help.value
    assert json.loads(answers.read_text())["exercises"]["eng.first-reply"]["solution_seen"] is True


def test_show_explains_bad_ids():
    assert "Did you mean" in repr(show("eng.ripples"))
    assert "code exercise" in repr(show("eng.shares"))


def test_form_view_shows_missing_parts_live_and_restores(answers):
    view = show("eng.job-design")
    assert "0 of 6 parts" in view.status.value
    view.fields["Title"].value = "Front-desk service clerk, customer service department"
    assert "1 of 6 parts" in view.status.value and "Purpose" in view.status.value
    view.check_button.click()
    assert "ck-feedback--submitted" in classes(view.feedback) and "still missing" in view.feedback.value
    again = show("eng.job-design")
    assert again.fields["Title"].value.startswith("Front-desk")
