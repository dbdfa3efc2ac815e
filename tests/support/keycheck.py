"""Judge an answer against the course keys exactly as check() and the widgets do."""
from grading.core import keys as _keys
from grading.core.canon import to_data
from grading.core.assess import assess


def judge(exercise_id, value, hidden=False):
    """The verdict for `value` (code or widget answer) as the trainee or, with hidden=True, the grader sees it."""
    notebook, spec = _keys.exercise(exercise_id)
    return assess(notebook, spec, to_data(value), hidden=hidden)
