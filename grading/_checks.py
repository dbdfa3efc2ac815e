"""check(), hint() and solution(): what the trainee calls in a notebook.

`assess` is the one place that turns (exercise, answer) into a verdict; the
notebook, the widgets and the instructor's grader all go through it.
"""
from __future__ import annotations

import html
import json
import os
from pathlib import Path

from . import _answers, _keys
from ._canon import to_data
from ._exercises import GRADERS, SUBMITTED
from ._judge import CORRECT, INVALID, PARTIAL, UNANSWERED, Verdict, judge

LABELS = {CORRECT: "✔ Correct", PARTIAL: "◐ Partly right", "incorrect": "✘ Not yet",
          UNANSWERED: "○ Not answered", INVALID: "⚠ Check your answer", SUBMITTED: "✎ Saved",
          "error": "⚠ Check failed"}
RECORD_ENV = "GRADING_RECORD_TO"  # set by `python -m grading keys` while running a master


def assess(notebook: str, spec: dict, answer: dict, hidden: bool = False,
           expected: dict | None = None) -> Verdict:
    """Judge a canonical answer; with hidden=True also apply the key's stricter hidden rules."""
    kind = spec["kind"]
    if kind != "code":
        try:
            return GRADERS[kind](spec, answer)
        except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a malformed saved answer
            return Verdict(INVALID, 0.0, f"This saved answer cannot be read ({type(exc).__name__}); "
                           "answer the exercise again.")
    expected = expected or _keys.expected_value(notebook, spec)
    if expected is None:
        return Verdict(INVALID, 0.0, f"No expected answer is recorded for {spec['id']}; "
                       "the instructor needs to run `make keys`.")
    verdict = judge(spec["rule"], expected, answer)
    if hidden and verdict.status == CORRECT:
        for rule in spec.get("hidden", []):
            extra = judge(rule, expected, answer)
            if extra.status != CORRECT:
                return Verdict(extra.status if extra.status != PARTIAL else "incorrect", 0.0,
                               rule.get("message", extra.message))
    return verdict


class CheckResult:
    """What check() returns: shows itself as a coloured line in the notebook."""

    def __init__(self, exercise_id: str, verdict: Verdict, points: float = 0, has_help: bool = False,
                 hidden_note: bool = False):
        self.exercise_id, self.verdict, self.points = exercise_id, verdict, points
        self.has_help, self.hidden_note = has_help, hidden_note

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def passed(self) -> bool:
        return self.verdict.status == CORRECT

    def _lines(self) -> list[str]:
        lines = [self.verdict.message, *self.verdict.details]
        if self.passed and self.hidden_note:
            lines.append("Further checks run when your work is graded.")
        if not self.passed and self.has_help and self.status != SUBMITTED:
            lines.append(f'Stuck? Run hint("{self.exercise_id}") for a hint.')
        return [line for line in lines if line]

    def __repr__(self) -> str:
        head = f"{LABELS.get(self.status, self.status)} [{self.exercise_id}]"
        return "\n".join([head, *("  " + line for line in self._lines())])

    def _repr_html_(self) -> str:
        body = "".join(f"<div class='ck-line'>{html.escape(line)}</div>" for line in self._lines())
        return (f"<div class='ck-check ck-check--{self.status}' data-exercise='{html.escape(self.exercise_id)}' "
                f"style='{_STYLE.get(self.status, _STYLE['error'])}'>"
                f"<b class='ck-status'>{LABELS.get(self.status, self.status)}</b> "
                f"<code class='ck-id'>{html.escape(self.exercise_id)}</code>{body}</div>")


_BASE = "padding:6px 10px;border-left:4px solid;border-radius:3px;font-family:sans-serif;"
_STYLE = {CORRECT: _BASE + "border-color:#2e7d32;background:#e8f5e9",
          PARTIAL: _BASE + "border-color:#f9a825;background:#fffde7",
          "incorrect": _BASE + "border-color:#c62828;background:#ffebee",
          UNANSWERED: _BASE + "border-color:#9e9e9e;background:#f5f5f5",
          INVALID: _BASE + "border-color:#ef6c00;background:#fff3e0",
          SUBMITTED: _BASE + "border-color:#1565c0;background:#e3f2fd",
          "error": _BASE + "border-color:#ef6c00;background:#fff3e0"}


def _record_expected(exercise_id: str, data: dict) -> None:
    """Key-building mode: store the master's answer as the expected value."""
    path = Path(os.environ[RECORD_ENV])
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    saved[exercise_id] = data
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def save_answer(notebook: str, spec: dict, data: dict, verdict: Verdict) -> None:
    """Persist an answer and its result; a full disk or read-only folder only warns."""
    path = _answers.answers_path(notebook)
    try:
        record = _answers.read(path)["exercises"].get(spec["id"], {})
        _answers.update(path, spec["id"], kind=spec["kind"], value=data, status=verdict.status,
                        score=round(verdict.score * spec["points"], 4), points=spec["points"],
                        attempts=record.get("attempts", 0) + (data.get("kind") != "missing"))
    except OSError as exc:
        import warnings
        warnings.warn(f"Could not save your answer to {path}: {exc}. It still counts in this session.")


def check(exercise_id: str, value=...) -> CheckResult:
    """Check `value` as the answer to `exercise_id`; never raises on a bad answer."""
    try:
        notebook, spec = _keys.exercise(exercise_id)
    except _keys.KeyError_ as exc:
        return CheckResult(str(exercise_id), Verdict("error", 0.0, str(exc)))
    if spec["kind"] != "code":
        return CheckResult(exercise_id, Verdict("error", 0.0, f"{exercise_id} is answered with its widget: "
                                                f'run show("{exercise_id}").'))
    data = to_data(value)
    recording = bool(os.environ.get(RECORD_ENV)) and data.get("kind") != "missing"
    if recording:
        _record_expected(exercise_id, data)
    verdict = assess(notebook, spec, data, expected=data if recording else None)
    save_answer(notebook, spec, data, verdict)
    return CheckResult(exercise_id, verdict, spec["points"], bool(spec.get("hints")), bool(spec.get("hidden")))


class _Markdown:
    """Hint and solution text, shown as Markdown in Jupyter and as text elsewhere."""

    def __init__(self, text: str, css: str):
        self.text, self.css = text, css

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


def hint(exercise_id: str) -> _Markdown:
    """The next hint for an exercise (each call reveals one more)."""
    try:
        notebook, spec = _keys.exercise(exercise_id)
    except _keys.KeyError_ as exc:
        return _Markdown(str(exc), "ck-hint")
    hints = spec.get("hints") or []
    if not hints:
        return _Markdown(f"There are no hints for {exercise_id}.", "ck-hint")
    path = _answers.answers_path(notebook)
    seen = _answers.read(path)["exercises"].get(exercise_id, {}).get("hints_seen", 0)
    n = min(seen + 1, len(hints))
    try:
        _answers.update(path, exercise_id, hints_seen=n)
    except OSError:
        pass
    more = f" Run hint again for hint {n + 1} of {len(hints)}." if n < len(hints) else " That was the last hint."
    return _Markdown(f"**Hint {n} of {len(hints)}** ({exercise_id}): {hints[n - 1]}{more}", "ck-hint")


def solution(exercise_id: str) -> _Markdown:
    """The worked solution, for self-study (recorded in the answers file)."""
    try:
        notebook, spec = _keys.exercise(exercise_id)
    except _keys.KeyError_ as exc:
        return _Markdown(str(exc), "ck-solution")
    text = spec.get("solution")
    if not text:
        return _Markdown(f"No worked solution is available for {exercise_id} in this release.", "ck-solution")
    try:
        _answers.update(_answers.answers_path(notebook), exercise_id, solution_seen=True)
    except OSError:
        pass
    return _Markdown(f"**Worked solution** ({exercise_id})\n\n{text}", "ck-solution")
