"""assess(): the one place that turns (exercise, canonical answer) into a verdict.

check(), the widgets, progress() and the instructor's grader all call it, so the
trainee and the grader never disagree about the same answer.
"""
from __future__ import annotations

from . import keys
from .rules import Verdict, apply
from .status import CORRECT, INCORRECT, INVALID, PARTIAL
from .widget_models import WIDGET_RULES

RECORD_ENV = "GRADING_RECORD_TO"  # set by `python -m grading keys` while running a master


def assess(notebook: str, spec: dict, answer: dict, hidden: bool = False,
           expected: dict | None = None) -> Verdict:
    """Judge a canonical answer; with hidden=True also apply the key's stricter hidden rules."""
    kind = spec["kind"]
    if kind != "code":
        try:
            return WIDGET_RULES[kind](spec, answer)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a malformed saved answer
            return Verdict(INVALID, 0.0, f"This saved answer cannot be read ({type(exc).__name__}); "
                           "answer the exercise again.")
    expected = expected or keys.expected_value(notebook, spec)
    if expected is None:
        return Verdict(INVALID, 0.0, f"No expected answer is recorded for {spec['id']}; "
                       "the instructor needs to run `make keys`.")
    verdict = apply(spec["rule"], expected, answer)
    if hidden and verdict.status == CORRECT:
        for rule in spec.get("hidden", []):
            extra = apply(rule, expected, answer)
            if extra.status != CORRECT:
                return Verdict(extra.status if extra.status != PARTIAL else INCORRECT, 0.0,
                               rule.get("message", extra.message))
    return verdict
