"""Do the widget exercise models grade every kind of answer with specific feedback?"""
import pytest

from grading.core.canon import to_data
from grading.core.widget_models import WIDGET_RULES, Scenario, stable_shuffle
from grading.core.keys import exercise


def grade(exercise_id, answer):
    _, spec = exercise(exercise_id)
    return WIDGET_RULES[spec["kind"]](spec, to_data(answer))


def test_choose_one():
    _, spec = exercise("start.silent-customers")
    right = next(o["text"] for o in spec["options"] if o.get("correct"))
    assert grade("start.silent-customers", right).status == "correct"
    v = grade("start.silent-customers", "About half complain, and the other half come back anyway.")
    assert v.status == "incorrect" and "few complain" in v.message
    assert grade("start.silent-customers", "something else").status == "invalid"
    assert grade("start.silent-customers", ...).status == "unanswered"


def test_choose_many_partial_and_feedback_on_wrong_ticks():
    _, spec = exercise("start.retention-facts")
    right = [o["text"] for o in spec["options"] if o.get("correct")]
    wrong = [o["text"] for o in spec["options"] if not o.get("correct")]
    assert grade("start.retention-facts", right).score == 1
    v = grade("start.retention-facts", [right[0], wrong[0]])
    assert v.score == 0 and any("TARP" in line for line in v.details)
    v = grade("start.retention-facts", [right[0]])
    assert v.status == "partial" and v.score == 0.5 and "missed 1" in v.details[-1]
    assert grade("start.retention-facts", []).status == "unanswered"


def test_buckets_partial_credit_per_item():
    _, spec = exercise("start.within-reach")
    right = {it["text"]: it["bucket"] for it in spec["items"]}
    assert grade("start.within-reach", right).status == "correct"
    one_off = dict(right, **{"The customer died": "The company can influence"})
    v = grade("start.within-reach", one_off)
    assert v.status == "partial" and v.score == pytest.approx(4 / 5)
    assert v.details == ["✘ 'The customer died' is not in 'The company can influence': no service can prevent this."]
    assert "Unknown bucket" in grade("start.within-reach", {"The customer died": "Mars"}).message
    v = grade("start.within-reach", {"The customer died": "Outside the company's control"})
    assert "4 item(s) have no bucket yet" in v.details[-1]


def test_order_scores_relative_order():
    steps = ["Listen", "Apologise", "Solve", "Thank"]
    assert grade("start.last-steps", steps).status == "correct"
    v = grade("start.last-steps", ["Apologise", "Listen", "Solve", "Thank"])
    assert v.status == "partial" and "position 1" in v.details[0]
    assert grade("start.last-steps", ["Listen", "Solve"]).status == "invalid"


def test_numeric():
    assert grade("start.ripple", 100).status == "correct"
    assert "Too low" in grade("start.ripple", 25).message
    assert "Too high" in grade("start.ripple", 125).message
    assert grade("start.ripple", "a lot").status == "invalid"


def test_scenario_walk_and_score():
    _, spec = exercise("start.first-reply")
    play = Scenario(spec)
    assert play.best() == 2
    play.choose(1)
    assert not play.finished
    play.choose(0)
    assert play.finished and play.node["outcome"].startswith("The customer accepts")
    assert grade("start.first-reply", [1, 0]).status == "correct"
    v = grade("start.first-reply", [0, 1])
    assert v.status == "incorrect" and "Turn 1 (defensive)" in v.details[0]
    assert grade("start.first-reply", [0]).status == "incorrect"  # not finished, no points yet
    assert "not one of the replies" in grade("start.first-reply", [7]).message
    with pytest.raises(ValueError):
        Scenario(spec).choose(5)


def test_reflection_is_saved_for_a_person_to_grade():
    short = grade("start.my-service", "too short")  # never auto-failed: saved for the instructor, with advice
    assert short.status == "submitted" and short.score == 0
    assert short.message == "Saved, but it is short: 2 words; aim for at least 60."
    v = grade("start.my-service", " ".join(["word"] * 70))
    assert v.status == "submitted" and v.score == 0 and "rubric" in v.message


def test_stable_shuffle_is_deterministic():
    items = ["a", "b", "c", "d"]
    assert stable_shuffle("x.y", items) == stable_shuffle("x.y", list(items))
    assert sorted(stable_shuffle("x.y", items)) == items


FORM = {"id": "t.form", "kind": "form", "points": 2, "fields": [
    {"name": "Purpose", "min_words": 3}, {"name": "Tasks", "min_words": 2}]}


def test_form_is_checked_for_completeness_then_left_to_a_person():
    from grading.core.widget_models import judge_form
    assert judge_form(FORM, to_data(...)).status == "unanswered"
    v = judge_form(FORM, to_data({"Purpose": "help residents quickly", "Tasks": "log"}))
    assert v.status == "submitted" and v.score == 0  # incomplete: saved for the instructor, never auto-failed
    assert v.message == ("Saved, but incomplete: 1 of 2 parts filled in; still missing or too short: Tasks.")
    v = judge_form(FORM, to_data({"Purpose": "help residents quickly", "Tasks": "log requests"}))
    assert v.status == "submitted" and v.score == 0 and "rubric" in v.message
    assert judge_form(FORM, to_data("just text")).status == "invalid"
