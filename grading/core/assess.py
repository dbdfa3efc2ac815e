"""assess(): the one place that turns (exercise, canonical answer) into a verdict.

check(), the widgets, progress() and the instructor's grader all call it, so the
trainee and the grader never disagree about the same answer.
"""
from __future__ import annotations

from . import keys, seal
from .i18n import _, join, key_text, key_texts
from .rules import Verdict, apply
from .status import CORRECT, ERROR, INCORRECT, INVALID, PARTIAL, SUBMITTED, UNANSWERED  # noqa: F401
from .widget_models import WIDGET_RULES

RECORD_ENV = "GRADING_RECORD_TO"  # set by `python -m grading keys` while running a master
BATCH_ENV = "GRADING_BATCH"  # set in the grader's kernels: it judges the answers itself, after the run

# A rule's texts a person reads (translated from the key's catalogue); the rest is data.
RULE_TEXTS = tuple(sorted(keys.RULE_TEXT_FIELDS))


def _every_language(notebook: str, eid: str, names) -> list:
    """Each name followed by its translations (an answer may name a concept in any language)."""
    found = []
    for name in names:
        found.append(name)
        if isinstance(name, str):
            found += sorted(key_texts(notebook, eid, name) - {name})
    return list(dict.fromkeys(found))


def localised_rule(notebook: str, spec: dict, rule: dict, expected: dict | None = None) -> dict:
    """`rule` with its texts in the reader's language and its accepted names in every language.

    Judging does not depend on the language: a text answer is accepted in English or in
    any translation of the expected value, of an `accept` entry or of a `choices` entry.
    """
    eid = spec.get("id", "")
    rule = dict(rule)
    for name in RULE_TEXTS:
        if isinstance(rule.get(name), str):
            rule[name] = key_text(notebook, eid, rule[name])
    if rule.get("type") == "text":
        value = (expected or {}).get("value")
        rule["accept"] = _every_language(notebook, eid, [*([value] if isinstance(value, str) else []),
                                                         *rule.get("accept", [])])
        if rule.get("choices"):
            rule["choices"] = _every_language(notebook, eid, rule["choices"])
    return rule


def assess(notebook: str, spec: dict, answer: dict, hidden: bool = False,
           expected: dict | None = None) -> Verdict:
    """Judge a canonical answer; with hidden=True also apply the key's stricter hidden rules."""
    kind = spec["kind"]
    if spec.get("exam"):  # an exam hand-out: no right answers in reach, so none judged here
        if answer.get("kind") == "missing":
            return Verdict(UNANSWERED, 0.0, _("Not answered yet."))
        return Verdict(SUBMITTED, 0.0, _("Saved. This is an exam: your answer is graded after you hand in your work."))
    if kind != "code":
        if not spec.get("notebook"):  # a spec read some other way: its text still comes from its key's catalogue
            spec = dict(spec, notebook=notebook)
        try:
            return WIDGET_RULES[kind](spec, answer)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a malformed saved answer
            return Verdict(INVALID, 0.0, _("This saved answer cannot be read ({error}); "
                                          "answer the exercise again.").format(error=type(exc).__name__))
    expected = expected or keys.expected_value(notebook, spec)
    if expected is None:
        return Verdict(INVALID, 0.0, _("No expected answer is recorded for {id}; "
                                       "the instructor needs to run `make keys`.").format(id=spec["id"]))
    rule = spec["rule"]
    if seal.is_sealed_text(spec):  # a default hand-out: the accepted names are salted hashes
        rule, expected = seal.text_judgement(spec, answer)
    verdict = apply(localised_rule(notebook, spec, rule, expected), expected, answer)
    if hidden and verdict.status == CORRECT:
        return graded(notebook, spec, expected, answer) or verdict
    return verdict


def graded(notebook: str, spec: dict, expected: dict, answer: dict) -> Verdict | None:
    """What the hidden rules make of an answer the visible rule accepts; None if they pass.

    A failed hidden rule keeps its `share` of the points (default 0): the lowest share of the rules
    that fail, with each one's message.
    """
    failed = []
    for rule in seal.hidden_rules(spec):
        rule = localised_rule(notebook, spec, rule, expected)
        extra = apply(rule, expected, answer)
        if extra.status == ERROR:  # the grader's problem, not the trainee's
            return extra
        if extra.status != CORRECT:
            failed.append((float(rule.get("share", 0)), rule.get("message") or extra.message))
    if not failed:
        return None
    share = min(s for s, _m in failed)
    return Verdict(PARTIAL if share > 0 else INCORRECT, share, join(*dict.fromkeys(m for _s, m in failed)))
