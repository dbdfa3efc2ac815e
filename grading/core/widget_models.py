"""Pure-Python models of the widget exercises: what a right answer is and what to say.

No ipywidgets here: tests drive these directly, the notebook views call them,
and the grader uses them to judge saved widget answers.
"""
from __future__ import annotations

import hashlib
import re

from .i18n import _, join, key_text, key_texts, listed, quoted
from .length import shown_aim, shown_length, text_length
from .rules import Verdict, norm_text
from .seal import is_veiled, unseal, veiled_text
from .status import CORRECT, INCORRECT, INVALID, PARTIAL, SUBMITTED, UNANSWERED


def stable_shuffle(exercise_id: str, items: list) -> list:
    """The same 'random-looking' order every time, derived from the exercise id."""
    return sorted(items, key=lambda s: hashlib.sha1(f"{exercise_id}|{s}".encode()).hexdigest())


def _status(score: float) -> str:
    return CORRECT if score >= 1 - 1e-9 else PARTIAL if score > 0 else INCORRECT


# -- the key's text: shown in the reader's language, stored and judged language-independently ----

def shown(spec: dict, text):
    """A key text of this exercise in the reader's language (the key's English if untranslated)."""
    if is_veiled(text):  # a sealed key's feedback, veiled with its translations
        return veiled_text(spec, text)
    return key_text(spec.get("notebook"), spec.get("id", ""), text)


def canonical(spec: dict, texts) -> dict[str, str]:
    """norm_text of every language's version of `texts` -> the key's (English) text.

    Widgets save the key's text, so a trainee who switches language keeps their work;
    an answer written in another language (a choice given in Chinese) still counts.
    """
    found = {}
    for text in texts:
        for variant in key_texts(spec.get("notebook"), spec.get("id", ""), text):
            found.setdefault(norm_text(variant), text)
        found[norm_text(text)] = text  # the English text itself always wins
    return found


def _opened(judge):
    """A judge that also reads a sealed spec (`seal.unseal` rebuilds the open one in memory)."""
    def judge_sealed_or_open(spec: dict, answer: dict) -> Verdict:
        return judge(unseal(spec), answer)
    judge_sealed_or_open.__name__ = judge_sealed_or_open.__qualname__ = judge.__name__
    judge_sealed_or_open.__doc__ = judge.__doc__
    return judge_sealed_or_open


def _option_texts(spec) -> list[str]:
    return [o["text"] for o in spec["options"]]


def _find(spec: dict, text) -> dict | None:
    key = canonical(spec, _option_texts(spec)).get(norm_text(text))
    return next((o for o in spec["options"] if o["text"] == key), None)


@_opened
def judge_choose_one(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: pick one option."))
    if answer.get("kind") != "text":
        return Verdict(INVALID, 0.0, _("Pick one option (its text)."))
    option = _find(spec, answer["value"])
    if option is None:
        return Verdict(INVALID, 0.0, _("{answer} is not one of the options.").format(answer=quoted(answer["value"])))
    ok = bool(option.get("correct"))
    default = _("Correct.") if ok else _("Not this one.")
    return Verdict(CORRECT if ok else INCORRECT, float(ok), shown(spec, option.get("feedback")) or default)


@_opened
def judge_choose_many(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing" or (answer.get("kind") in ("list", "set") and not answer["items"]):
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: tick every option that applies."))
    if answer.get("kind") not in ("list", "set"):
        return Verdict(INVALID, 0.0, _("Tick the options that apply (a list of option texts)."))
    found = [_find(spec, t) for t in answer["items"]]
    unknown = [t for t, o in zip(answer["items"], found) if o is None]
    if unknown:
        return Verdict(INVALID, 0.0, _("Not options of this question: {options}.").format(
            options=listed(map(str, unknown))))
    picked = list({id(o): o for o in found}.values())  # one option named in two languages counts once
    right = [o for o in spec["options"] if o.get("correct")]
    hits = [o for o in picked if o.get("correct")]
    wrong = [o for o in picked if not o.get("correct")]
    score = max(0.0, (len(hits) - len(wrong)) / len(right))
    lines = [_("✘ {option}: {feedback}").format(option=shown(spec, o["text"]),
                                                feedback=shown(spec, o.get("feedback")) or _("does not apply here."))
             for o in wrong]
    missed = len(right) - len(hits)
    if missed:
        lines.append(_("You missed {n} option(s) that also apply.").format(n=missed))
    if score == 1:
        msg = _("All the right options, and only those.")
    elif wrong:
        msg = _("{hits} of {right} right options ticked, {wrong} that do not apply.").format(
            hits=len(hits), right=len(right), wrong=len(wrong))
    else:
        msg = _("{hits} of {right} right options ticked.").format(hits=len(hits), right=len(right))
    return Verdict(_status(score), score, msg, lines)


@_opened
def judge_buckets(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: put every item in a bucket."))
    if answer.get("kind") != "mapping":
        return Verdict(INVALID, 0.0, _("Expected each item with its bucket (a dict item -> bucket)."))
    items = spec["items"]
    item_of = canonical(spec, [it["text"] for it in items])
    bucket_of = canonical(spec, spec["buckets"])
    placed = {norm_text(item_of.get(norm_text(k), k)): v
              for k, v in zip(answer["keys"], answer["values"]) if v not in (None, "")}
    bad_bucket = [v for v in placed.values() if norm_text(v) not in bucket_of]
    if bad_bucket:
        return Verdict(INVALID, 0.0, _("Unknown bucket(s): {unknown}; use one of {buckets}.").format(
            unknown=listed(map(str, bad_bucket)), buckets=listed(shown(spec, b) for b in spec["buckets"])))
    placed = {k: bucket_of[norm_text(v)] for k, v in placed.items()}
    empty = [it["text"] for it in items if norm_text(it["text"]) not in placed]
    if len(empty) == len(items):
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: put every item in a bucket."))
    wrong = [it for it in items if norm_text(it["text"]) in placed
             and norm_text(placed[norm_text(it["text"])]) != norm_text(it["bucket"])]
    score = (len(items) - len(wrong) - len(empty)) / len(items)
    lines = [_("✘ {item} is not in {bucket}: {feedback}").format(
        item=quoted(shown(spec, it["text"])), bucket=quoted(shown(spec, placed[norm_text(it["text"])])),
        feedback=shown(spec, it.get("feedback")) or _("look again.")) for it in wrong]
    if empty:
        lines.append(_("{n} item(s) have no bucket yet.").format(n=len(empty)))
    msg = (_("All {n} items in the right place.").format(n=len(items)) if score == 1 else
           _("{right} of {n} items in the right place.").format(right=len(items) - len(wrong) - len(empty),
                                                                n=len(items)))
    return Verdict(_status(score), score, msg, lines)


def _lcs(a: list, b: list) -> int:
    table = [[0] * (len(b) + 1) for _row in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


@_opened
def judge_order(spec: dict, answer: dict) -> Verdict:
    steps = spec["steps"]
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: put the steps in order."))
    if answer.get("kind") != "list":
        return Verdict(INVALID, 0.0, _("Expected the steps as a list, first step first."))
    step_of = canonical(spec, steps)
    got = [norm_text(step_of.get(norm_text(s), s)) for s in answer["items"]]
    want = [norm_text(s) for s in steps]
    if sorted(got) != sorted(want):
        return Verdict(INVALID, 0.0, _("Use each of the {n} steps exactly once.").format(n=len(steps)))
    in_order = _lcs(got, want)
    score = (in_order - 1) / (len(steps) - 1) if len(steps) > 1 else float(got == want)
    if got == want:
        return Verdict(CORRECT, 1.0, shown(spec, spec.get("success")) or _("Correct: that is the right order."))
    first = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
    hint = steps[want.index(got[first])]
    return Verdict(_status(score) if score < 1 else PARTIAL, min(score, 0.99),
                   _("{n} of {total} steps are in the right order relative to each other.").format(
                       n=in_order, total=len(steps)),
                   [_("Look again at position {n}: does {step} really come there?").format(
                       n=first + 1, step=quoted(shown(spec, hint)))])


@_opened
def judge_numeric(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: give your estimate."))
    if answer.get("kind") != "number" or answer.get("value") is None:
        return Verdict(INVALID, 0.0, _("Expected a number."))
    got, want = float(answer["value"]), float(spec["expected"])
    tol = float(spec.get("tol", 0))
    if abs(got - want) <= tol:
        return Verdict(CORRECT, 1.0, shown(spec, spec.get("success")) or _("Correct."))
    close = abs(got - want) <= float(spec.get("partial_tol", -1))
    side = shown(spec, spec.get("feedback_high" if got > want else "feedback_low")) or (
        _("Too high.") if got > want else _("Too low."))
    return Verdict(PARTIAL if close else INCORRECT, 0.5 if close else 0.0,
                   _("Close, but {rest}").format(rest=side[0].lower() + side[1:]) if close else side)


class Scenario:
    """A branching role-play: walk from the start node by choosing replies."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.nodes = spec["nodes"]
        self.path: list[int] = []
        self.node_id = spec["start"]

    @property
    def node(self) -> dict:
        return self.nodes[self.node_id]

    @property
    def finished(self) -> bool:
        return not self.node.get("replies")

    def choose(self, index: int) -> dict:
        """Take reply `index` at the current turn; returns that reply (feedback, consequence)."""
        replies = self.node.get("replies") or []
        if not 0 <= index < len(replies):
            raise ValueError(_("turn {turn} has replies 0..{last}, not {index}").format(
                turn=len(self.path) + 1, last=len(replies) - 1, index=index))
        reply = replies[index]
        self.path.append(index)
        self.node_id = reply["next"]
        return reply

    def restart(self) -> None:
        self.path, self.node_id = [], self.spec["start"]

    def best(self, node_id: str | None = None) -> float:
        """The most points any path from `node_id` can earn."""
        return best_path(self.spec, node_id)[0]


def best_path(spec: dict, node_id: str | None = None, worst: bool = False) -> tuple[float, list[int]]:
    """(points, replies chosen) of the best (or worst) way through a role-play from `node_id`."""
    node = spec["nodes"][node_id or spec["start"]]
    ways = []
    for i, reply in enumerate(node.get("replies") or []):
        points, path = best_path(spec, reply["next"], worst)
        ways.append((reply.get("points", 0) + points, [i, *path]))
    return (min if worst else max)(ways, key=lambda w: w[0]) if ways else (0, [])


@_opened
def judge_scenario(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing" or (answer.get("kind") == "list" and not answer["items"]):
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: play the conversation to its end."))
    if answer.get("kind") != "list":
        return Verdict(INVALID, 0.0, _("Expected the list of replies you chose."))
    play, earned, lines = Scenario(spec), 0.0, []
    for turn, index in enumerate(answer["items"], 1):
        try:
            reply = play.choose(int(index))
        except (ValueError, TypeError, KeyError):
            return Verdict(INVALID, 0.0, _("Turn {turn}: {index} is not one of the replies offered.").format(
                turn=turn, index=repr(index)))
        earned += reply.get("points", 0)
        lines.append(_("Turn {turn} ({style}): {feedback}").format(
            turn=turn, style=shown(spec, reply.get("style")) or _("reply"),
            feedback=shown(spec, reply.get("feedback", ""))).strip())
    score = earned / Scenario(spec).best() if Scenario(spec).best() else 0.0
    if not play.finished:
        return Verdict(PARTIAL if score else INCORRECT, min(score, 0.99),
                       _("The conversation is not over yet (turn {turn} is waiting).").format(
                           turn=len(answer["items"]) + 1), lines)
    outcome = shown(spec, play.node.get("outcome", ""))
    return Verdict(_status(score), score, join(outcome, _("You earned {earned} of {best} handling points.").format(
        earned=f"{earned:g}", best=f"{Scenario(spec).best():g}")), lines)


# -- free text: measured fairly in any script (`length.text_length`), never failed for being short ----

def _field_shown(spec: dict, field: dict) -> str:
    """How a form part is named to the reader: its name, or its translated label ("1. 岗位名称")."""
    label = field.get("label")
    translated = shown(spec, label)
    if label and translated != label:
        return re.sub(r"^\s*\d+[.、]\s*", "", translated)
    return field["name"]


def is_short(spec: dict, answer: dict) -> bool:
    """A saved reflection or form that is shorter than the key asks (listed for the instructor)."""
    if spec.get("kind") == "reflection" and answer.get("kind") == "text":
        return 0 < text_length(answer["value"]) < int(spec.get("min_words", 0))
    if spec.get("kind") == "form" and answer.get("kind") == "mapping":
        return bool(form_missing(spec, dict(zip(answer["keys"], answer["values"]))))
    return False


def judge_reflection(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing" or (answer.get("kind") == "text" and not answer["value"].strip()):
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: write your reflection and save it."))
    if answer.get("kind") != "text":
        return Verdict(INVALID, 0.0, _("Expected your reflection as text."))
    text = answer["value"]
    need = int(spec.get("min_words", 0))
    if text_length(text) < need:  # saved for the instructor all the same: a person judges the content
        return Verdict(SUBMITTED, 0.0, _("Saved, but it is short: {length}; aim for at least {aim}.").format(
            length=shown_length(text), aim=shown_aim(text, need)))
    return Verdict(SUBMITTED, 0.0, _("Saved ({length}). Your instructor grades this with the rubric.").format(
        length=shown_length(text)))


def form_missing(spec: dict, answers: dict) -> list[str]:
    """The names of the form's fields that are still empty or too short."""
    return [f["name"] for f in spec["fields"]
            if text_length(answers.get(f["name"]) or "") < int(f.get("min_words", 1))]


def form_missing_shown(spec: dict, missing: list[str]) -> str:
    """The missing parts as the reader sees them named (a list in their language)."""
    fields = {f["name"]: f for f in spec["fields"]}
    return listed(_field_shown(spec, fields[name]) if name in fields else name for name in missing)


def judge_form(spec: dict, answer: dict) -> Verdict:
    """A form is checked for completeness here; a person grades its content with the rubric."""
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: fill in the form and save it."))
    if answer.get("kind") != "mapping":
        return Verdict(INVALID, 0.0, _("Expected the form's parts (a dict part -> text)."))
    answers = dict(zip(answer["keys"], answer["values"]))
    missing = form_missing(spec, answers)
    total = len(spec["fields"])
    if len(missing) == total and not any(str(v or "").strip() for v in answers.values()):
        return Verdict(UNANSWERED, 0.0, _("Not answered yet: fill in the form and save it."))
    if missing:  # saved for the instructor all the same, with what is still missing
        return Verdict(SUBMITTED, 0.0, _("Saved, but incomplete: {filled} of {total} parts filled in; "
                                         "still missing or too short: {missing}.").format(
            filled=total - len(missing), total=total, missing=form_missing_shown(spec, missing)))
    return Verdict(SUBMITTED, 0.0, _("Saved: all {total} parts are filled in. "
                                     "Your instructor grades the content with the rubric.").format(total=total))


WIDGET_RULES = {
    "choose-one": judge_choose_one, "choose-many": judge_choose_many, "buckets": judge_buckets,
    "order": judge_order, "numeric": judge_numeric, "scenario": judge_scenario,
    "reflection": judge_reflection, "form": judge_form,
}


# -- answers built from the key (tests, demos, benchmarks) ------------------------------

def right_answer(spec: dict, text: str = "word"):
    """A plain answer that earns every point (for reflections and forms: `text`, made long enough)."""
    return _answer(spec, True, text)


def wrong_answer(spec: dict):
    """A plain answer that earns nothing (for reflections and forms: too short to count)."""
    return _answer(spec, False, "")


def _long_enough(text: str, words: int) -> str:
    have = text.split() or ["word"]
    return " ".join((have * (words // len(have) + 1))[: max(words, len(have))])


def _first_words(text: str, words: int) -> str:
    have = text.split() or ["word"]
    return " ".join((have * (words // len(have) + 1))[:words])


def _answer(spec: dict, right: bool, text: str):
    kind = spec["kind"]
    if kind == "choose-one":
        return next(o["text"] for o in spec["options"] if bool(o.get("correct")) == right)
    if kind == "choose-many":
        return [o["text"] for o in spec["options"] if bool(o.get("correct")) == right]
    if kind == "buckets":
        other = {b: next(o for o in spec["buckets"] if o != b) for b in spec["buckets"]}
        return {it["text"]: it["bucket"] if right else other[it["bucket"]] for it in spec["items"]}
    if kind == "order":
        return list(spec["steps"]) if right else list(reversed(spec["steps"]))
    if kind == "numeric":
        return spec["expected"] if right else spec["expected"] + 10 * (float(spec.get("tol", 0)) + 1)
    if kind == "scenario":
        return best_path(spec, worst=not right)[1]
    if kind == "reflection":
        return _long_enough(text, int(spec.get("min_words", 0))) if right else "Too short."
    if kind == "form":
        return {f["name"]: _first_words(text, max(3, int(f.get("min_words", 0)))) if right else ""
                for f in spec["fields"]}
    raise ValueError(f"no widget answer for kind {kind!r}")
