"""Judge an answer against the course keys exactly as check() and the widgets do."""
from grading.core import keys as _keys
from grading.core.canon import to_data
from grading.core.assess import assess


def judge(exercise_id, value, hidden=False):
    """The verdict for `value` (code or widget answer) as the trainee or, with hidden=True, the grader sees it."""
    notebook, spec = _keys.exercise(exercise_id)
    return assess(notebook, spec, to_data(value), hidden=hidden)


def check_quiz(exercise_id, first_option_says):
    """A closing choose-one quiz: its right option is judged right and is not simply the longest; the
    first option is wrong, and its feedback says `first_option_says`."""
    from grading.core.widget_models import WIDGET_RULES
    spec = _keys.exercise(exercise_id)[1]
    right = next(o for o in spec["options"] if o.get("correct"))
    assert WIDGET_RULES["choose-one"](spec, to_data(right["text"])).status == "correct"
    assert max(spec["options"], key=lambda o: len(o["text"])) is not right
    verdict = WIDGET_RULES["choose-one"](spec, to_data(spec["options"][0]["text"]))
    assert verdict.status == "incorrect" and first_option_says in verdict.message


def check_short_reflection(exercise_id, text):
    """A reflection that is too short is saved and listed for the instructor, never failed."""
    from grading.core.widget_models import WIDGET_RULES, is_short
    spec = _keys.exercise(exercise_id)[1]
    short = WIDGET_RULES["reflection"](spec, to_data(text))
    assert short.status == "submitted" and "short" in short.message  # a person judges it all the same
    assert is_short(spec, to_data(text))
