"""Pure-Python models of the widget exercises: what a right answer is and what to say.

No ipywidgets here: tests drive these directly, the notebook views call them,
and the grader uses them to judge saved widget answers.
"""
from __future__ import annotations

import hashlib

from .rules import Verdict, norm_text
from .status import CORRECT, INCORRECT, INVALID, PARTIAL, SUBMITTED, UNANSWERED


def stable_shuffle(exercise_id: str, items: list) -> list:
    """The same 'random-looking' order every time, derived from the exercise id."""
    return sorted(items, key=lambda s: hashlib.sha1(f"{exercise_id}|{s}".encode()).hexdigest())


def _status(score: float) -> str:
    return CORRECT if score >= 1 - 1e-9 else PARTIAL if score > 0 else INCORRECT


def _option_texts(spec) -> list[str]:
    return [o["text"] for o in spec["options"]]


def _find(options: list[dict], text) -> dict | None:
    return next((o for o in options if norm_text(o["text"]) == norm_text(text)), None)


def judge_choose_one(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, "Not answered yet: pick one option.")
    if answer.get("kind") != "text":
        return Verdict(INVALID, 0.0, "Pick one option (its text).")
    option = _find(spec["options"], answer["value"])
    if option is None:
        return Verdict(INVALID, 0.0, f"'{answer['value']}' is not one of the options.")
    ok = bool(option.get("correct"))
    default = "Correct." if ok else "Not this one."
    return Verdict(CORRECT if ok else INCORRECT, float(ok), option.get("feedback", default))


def judge_choose_many(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing" or (answer.get("kind") in ("list", "set") and not answer["items"]):
        return Verdict(UNANSWERED, 0.0, "Not answered yet: tick every option that applies.")
    if answer.get("kind") not in ("list", "set"):
        return Verdict(INVALID, 0.0, "Tick the options that apply (a list of option texts).")
    picked = [_find(spec["options"], t) for t in answer["items"]]
    unknown = [t for t, o in zip(answer["items"], picked) if o is None]
    if unknown:
        return Verdict(INVALID, 0.0, f"Not options of this question: {', '.join(map(str, unknown))}.")
    right = [o for o in spec["options"] if o.get("correct")]
    hits = [o for o in picked if o.get("correct")]
    wrong = [o for o in picked if not o.get("correct")]
    score = max(0.0, (len(hits) - len(wrong)) / len(right))
    lines = [f"✘ {o['text']}: {o.get('feedback', 'does not apply here.')}" for o in wrong]
    missed = len(right) - len(hits)
    if missed:
        lines.append(f"You missed {missed} option(s) that also apply.")
    msg = "All the right options, and only those." if score == 1 else (
        f"{len(hits)} of {len(right)} right options ticked"
        + (f", {len(wrong)} that do not apply" if wrong else "") + ".")
    return Verdict(_status(score), score, msg, lines)


def judge_buckets(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, "Not answered yet: put every item in a bucket.")
    if answer.get("kind") != "mapping":
        return Verdict(INVALID, 0.0, "Expected each item with its bucket (a dict item -> bucket).")
    placed = {norm_text(k): v for k, v in zip(answer["keys"], answer["values"]) if v not in (None, "")}
    buckets = {norm_text(b): b for b in spec["buckets"]}
    bad_bucket = [v for v in placed.values() if norm_text(v) not in buckets]
    if bad_bucket:
        return Verdict(INVALID, 0.0, f"Unknown bucket(s): {', '.join(map(str, bad_bucket))}; "
                       f"use one of {', '.join(spec['buckets'])}.")
    items = spec["items"]
    empty = [it["text"] for it in items if norm_text(it["text"]) not in placed]
    if len(empty) == len(items):
        return Verdict(UNANSWERED, 0.0, "Not answered yet: put every item in a bucket.")
    wrong = [it for it in items if norm_text(it["text"]) in placed
             and norm_text(placed[norm_text(it["text"])]) != norm_text(it["bucket"])]
    score = (len(items) - len(wrong) - len(empty)) / len(items)
    lines = [f"✘ '{it['text']}' is not in {placed[norm_text(it['text'])]}: {it.get('feedback', 'look again.')}"
             for it in wrong]
    if empty:
        lines.append(f"{len(empty)} item(s) have no bucket yet.")
    msg = (f"All {len(items)} items in the right place." if score == 1 else
           f"{len(items) - len(wrong) - len(empty)} of {len(items)} items in the right place.")
    return Verdict(_status(score), score, msg, lines)


def _lcs(a: list, b: list) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def judge_order(spec: dict, answer: dict) -> Verdict:
    steps = spec["steps"]
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, "Not answered yet: put the steps in order.")
    if answer.get("kind") != "list":
        return Verdict(INVALID, 0.0, "Expected the steps as a list, first step first.")
    got = [norm_text(s) for s in answer["items"]]
    want = [norm_text(s) for s in steps]
    if sorted(got) != sorted(want):
        return Verdict(INVALID, 0.0, f"Use each of the {len(steps)} steps exactly once.")
    in_order = _lcs(got, want)
    score = (in_order - 1) / (len(steps) - 1) if len(steps) > 1 else float(got == want)
    if got == want:
        return Verdict(CORRECT, 1.0, spec.get("success", "Correct: that is the right order."))
    first = next(i for i, (g, w) in enumerate(zip(got, want)) if g != w)
    hint = steps[want.index(got[first])]
    return Verdict(_status(score) if score < 1 else PARTIAL, min(score, 0.99),
                   f"{in_order} of {len(steps)} steps are in the right order relative to each other.",
                   [f"Look again at position {first + 1}: does '{hint}' really come there?"])


def judge_numeric(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, "Not answered yet: give your estimate.")
    if answer.get("kind") != "number" or answer.get("value") is None:
        return Verdict(INVALID, 0.0, "Expected a number.")
    got, want = float(answer["value"]), float(spec["expected"])
    tol = float(spec.get("tol", 0))
    if abs(got - want) <= tol:
        return Verdict(CORRECT, 1.0, spec.get("success", "Correct."))
    close = abs(got - want) <= float(spec.get("partial_tol", -1))
    side = spec.get("feedback_high" if got > want else "feedback_low",
                    "Too high." if got > want else "Too low.")
    return Verdict(PARTIAL if close else INCORRECT, 0.5 if close else 0.0,
                   ("Close, but " + side[0].lower() + side[1:]) if close else side)


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
            raise ValueError(f"turn {len(self.path) + 1} has replies 0..{len(replies) - 1}, not {index}")
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


def judge_scenario(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing" or (answer.get("kind") == "list" and not answer["items"]):
        return Verdict(UNANSWERED, 0.0, "Not answered yet: play the conversation to its end.")
    if answer.get("kind") != "list":
        return Verdict(INVALID, 0.0, "Expected the list of replies you chose.")
    play, earned, lines = Scenario(spec), 0.0, []
    for turn, index in enumerate(answer["items"], 1):
        try:
            reply = play.choose(int(index))
        except (ValueError, TypeError, KeyError):
            return Verdict(INVALID, 0.0, f"Turn {turn}: {index!r} is not one of the replies offered.")
        earned += reply.get("points", 0)
        lines.append(f"Turn {turn} ({reply.get('style', 'reply')}): {reply.get('feedback', '')}".strip())
    score = earned / Scenario(spec).best() if Scenario(spec).best() else 0.0
    if not play.finished:
        return Verdict(PARTIAL if score else INCORRECT, min(score, 0.99),
                       f"The conversation is not over yet (turn {len(answer['items']) + 1} is waiting).", lines)
    outcome = play.node.get("outcome", "")
    return Verdict(_status(score), score, f"{outcome} You earned {earned:g} of {Scenario(spec).best():g} "
                   "handling points.".strip(), lines)


def judge_reflection(spec: dict, answer: dict) -> Verdict:
    if answer.get("kind") == "missing" or (answer.get("kind") == "text" and not answer["value"].strip()):
        return Verdict(UNANSWERED, 0.0, "Not answered yet: write your reflection and save it.")
    if answer.get("kind") != "text":
        return Verdict(INVALID, 0.0, "Expected your reflection as text.")
    words = len(answer["value"].split())
    need = int(spec.get("min_words", 0))
    if words < need:
        return Verdict(INCORRECT, 0.0, f"Saved, but it is short: {words} words; aim for at least {need}.")
    return Verdict(SUBMITTED, 0.0, f"Saved ({words} words). Your instructor grades this with the rubric.")


def form_missing(spec: dict, answers: dict) -> list[str]:
    """The names of the form's fields that are still empty or too short."""
    return [f["name"] for f in spec["fields"]
            if len(str(answers.get(f["name"]) or "").split()) < int(f.get("min_words", 1))]


def judge_form(spec: dict, answer: dict) -> Verdict:
    """A form is checked for completeness here; a person grades its content with the rubric."""
    if answer.get("kind") == "missing":
        return Verdict(UNANSWERED, 0.0, "Not answered yet: fill in the form and save it.")
    if answer.get("kind") != "mapping":
        return Verdict(INVALID, 0.0, "Expected the form's parts (a dict part -> text).")
    answers = dict(zip(answer["keys"], answer["values"]))
    missing = form_missing(spec, answers)
    total = len(spec["fields"])
    if len(missing) == total:
        return Verdict(UNANSWERED, 0.0, "Not answered yet: fill in the form and save it.")
    if missing:
        return Verdict(INCORRECT, 0.0, f"Saved, but incomplete: {total - len(missing)} of {total} parts "
                       f"filled in; still missing or too short: {', '.join(missing)}.")
    return Verdict(SUBMITTED, 0.0, f"Saved: all {total} parts are filled in. "
                   "Your instructor grades the content with the rubric.")


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
