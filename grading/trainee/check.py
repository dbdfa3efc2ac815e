"""check(), hint() and solution(): what the trainee calls in a notebook.

Judging itself is `core.assess`; this module shows the verdict, saves the answer
and hands out hints and worked solutions.
"""
from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

from ..core import keys
from ..core.assess import BATCH_ENV, RECORD_ENV, assess
from ..core.canon import to_data
from ..core.i18n import _, join, key_text
from ..core.rules import Verdict
from ..core.status import CORRECT, ERROR, STATUSES, SUBMITTED, UNANSWERED
from . import answers_file


class CheckResult:
    """What check() returns: shows itself as a coloured line in the notebook."""

    def __init__(self, exercise_id: str, verdict: Verdict, points: float = 0, has_help: bool = False,
                 hidden_note: bool = False, stricter: str = ""):
        self.exercise_id, self.verdict, self.points = exercise_id, verdict, points
        self.has_help, self.hidden_note, self.stricter = has_help, hidden_note, stricter

    @property
    def status(self) -> str:
        return self.verdict.status

    @property
    def passed(self) -> bool:
        return self.verdict.status == CORRECT

    @property
    def label(self) -> str:
        return STATUSES[self.status].shown_label if self.status in STATUSES else self.status

    def _lines(self) -> list[str]:
        lines = [self.verdict.message, *self.verdict.details]
        if self.passed and self.stricter:  # say now what grading will cost, not after
            lines.append(self.stricter)
        elif self.passed and self.hidden_note:
            lines.append(_("Further checks run when your work is graded."))
        if not self.passed and self.has_help and self.status != SUBMITTED:
            lines.append(_('Stuck? Run hint("{id}") for a hint.').format(id=self.exercise_id))
        return [line for line in lines if line]

    def __repr__(self) -> str:
        head = f"{self.label} [{self.exercise_id}]"
        return "\n".join([head, *("  " + line for line in self._lines())])

    def _repr_html_(self) -> str:
        body = "".join(f"<div class='ck-line'>{_code_spans(html.escape(line))}</div>" for line in self._lines())
        look = STATUSES.get(self.status, STATUSES[ERROR])
        style = _BASE + f"border-color:{look.colour};background:{look.background}"
        return (f"<div class='ck-check ck-check--{self.status}' data-exercise='{html.escape(self.exercise_id)}' "
                f"style='{style}'>"
                f"<b class='ck-status'>{self.label}</b> "
                f"<code class='ck-id'>{html.escape(self.exercise_id)}</code>{body}</div>")


def _code_spans(text: str) -> str:
    """`x` in a message shows as code."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


_BASE = "padding:6px 10px;border-left:4px solid;border-radius:3px;font-family:sans-serif;"


def lookup(exercise_id) -> tuple[str, dict] | CheckResult:
    """(notebook, spec) of an exercise, or the CheckResult that explains why there is none."""
    try:
        return keys.exercise(exercise_id)
    except keys.AnswerKeyError as exc:
        return CheckResult(str(exercise_id), Verdict(ERROR, 0.0, str(exc)))


def _record_expected(exercise_id: str, data: dict) -> None:
    """Key-building mode: store the master's answer as the expected value."""
    path = Path(os.environ[RECORD_ENV])
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    saved[exercise_id] = data
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def save_answer(notebook: str, spec: dict, data: dict, verdict: Verdict) -> None:
    """Persist an answer and its result; a full disk or read-only folder only warns."""
    path = answers_file.answers_path(notebook)
    try:
        record = answers_file.read(path)["exercises"].get(spec["id"], {})
        answers_file.update(path, spec["id"], kind=spec["kind"], value=data, status=verdict.status,
                            score=round(verdict.score * spec["points"], 4), points=spec["points"],
                            attempts=record.get("attempts", 0) + (data.get("kind") != "missing"))
    except OSError as exc:
        import warnings
        warnings.warn(_("Could not save your answer to {path}: {error}. It still counts in this session.").format(
            path=path, error=exc))


def note_help(notebook: str, exercise_id: str, **seen) -> None:
    """Record that hints or the worked solution were seen (best effort: help never fails)."""
    try:
        answers_file.update(answers_file.answers_path(notebook), exercise_id, **seen)
    except OSError:
        pass


def check(exercise_id: str, value=...) -> CheckResult:
    """Check `value` as the answer to `exercise_id`; never raises on a bad answer."""
    if os.environ.get(BATCH_ENV):  # the grader's kernel: judging and saving here would be wasted work
        return CheckResult(str(exercise_id), Verdict(SUBMITTED, 0.0, ""))
    found = lookup(exercise_id)
    if isinstance(found, CheckResult):
        return found
    notebook, spec = found
    if spec["kind"] != "code":
        return CheckResult(exercise_id, Verdict(ERROR, 0.0, _('{id} is answered with its widget: '
                                                              'run show("{id}").').format(id=exercise_id)))
    data = to_data(value)
    recording = bool(os.environ.get(RECORD_ENV)) and data.get("kind") != "missing"
    failed_before = None if recording else _previous_cell_error()
    if failed_before:  # the value in the kernel is left over from an earlier run: do not judge it
        return CheckResult(exercise_id, Verdict(ERROR, 0.0, _(
            "The cell run before this check stopped with an error ({error}). Fix it and run it again, "
            "then this check: the value left from an earlier run was not judged.").format(error=failed_before)))
    if recording:
        _record_expected(exercise_id, data)
    if data.get("kind") == "missing" and _in_app_mode():  # no cell to type in: say where to answer
        return CheckResult(exercise_id, Verdict(UNANSWERED, 0.0, _(
            "A code exercise: open this notebook in JupyterLab to answer it. App mode (Voilà) shows the "
            "lesson and the exercises you answer with buttons.")))
    verdict = assess(notebook, spec, data, expected=data if recording else None)
    save_answer(notebook, spec, data, verdict)
    stricter = _stricter(notebook, spec, data) if verdict.status == CORRECT else ""
    return CheckResult(exercise_id, verdict, spec["points"], bool(spec.get("hints")), bool(spec.get("hidden")),
                       stricter)


def _stricter(notebook: str, spec: dict, data: dict) -> str:
    """What the graded version's hidden rules will cost a right answer, said now ("" if nothing)."""
    strict = assess(notebook, spec, data, hidden=True)
    if strict.status == CORRECT:
        return ""
    earned = f"{strict.score * spec['points']:g}"
    return _("But the graded version also checks this: {message} As it stands, grading gives {earned} of "
             "{points} points.").format(message=strict.message, earned=earned, points=f"{spec['points']:g}")


def _in_app_mode() -> bool:
    """Running in a Voilà page (Voilà gives its kernels these variables)."""
    return bool(os.environ.get("VOILA_KERNEL_ID") or os.environ.get("VOILA_BASE_URL"))


def _previous_cell_error() -> str | None:
    """'NameError: …' if the cell IPython ran just before this one raised, else None."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    result = getattr(shell, "last_execution_result", None) if shell is not None else None
    error = getattr(result, "error_in_exec", None) or getattr(result, "error_before_exec", None)
    return f"{type(error).__name__}: {error}" if error is not None else None


class _Markdown:
    """Hint and solution text, shown as Markdown in Jupyter and as text elsewhere."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


def hint(exercise_id: str) -> _Markdown:
    """The next hint for an exercise (each call reveals one more)."""
    found = lookup(exercise_id)
    if isinstance(found, CheckResult):
        return _Markdown(found.verdict.message)
    notebook, spec = found
    hints = spec.get("hints") or []
    if not hints:
        return _Markdown(_("There are no hints for {id}.").format(id=exercise_id))
    seen = answers_file.read(answers_file.answers_path(notebook))["exercises"].get(exercise_id, {})
    n = min(seen.get("hints_seen", 0) + 1, len(hints))
    note_help(notebook, exercise_id, hints_seen=n)
    more = (_("Run hint again for hint {n} of {total}.").format(n=n + 1, total=len(hints)) if n < len(hints)
            else _("That was the last hint."))
    text = _("**Hint {n} of {total}** ({id}): {hint}").format(n=n, total=len(hints), id=exercise_id,
                                                             hint=key_text(notebook, exercise_id, hints[n - 1]))
    return _Markdown(join(text, more))


def solution(exercise_id: str) -> _Markdown:
    """The worked solution, for self-study (recorded in the answers file)."""
    found = lookup(exercise_id)
    if isinstance(found, CheckResult):
        return _Markdown(found.verdict.message)
    notebook, spec = found
    text = spec.get("solution")
    if not text:
        return _Markdown(_("No worked solution is available for {id} in this release.").format(id=exercise_id))
    note_help(notebook, exercise_id, solution_seen=True)
    text = key_text(notebook, exercise_id, text)
    body = f"```python\n{text.rstrip()}\n```" if is_code(text) else text
    return _Markdown(_("**Worked solution** ({id})").format(id=exercise_id) + "\n\n" + body)


def is_code(text: str) -> bool:
    """A worked solution written in Python (shown as code), not in words (shown as text)."""
    try:
        compile(text, "solution", "exec")
    except (SyntaxError, ValueError):
        return False
    return any(ch in text for ch in "=()[]")


def code_html(text: str) -> str:
    """Python source as highlighted, copyable HTML with inline colours (works in Lab and Voila alike)."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    return highlight(text.rstrip() + "\n", PythonLexer(), HtmlFormatter(noclasses=True, nowrap=False,
                                                                         cssclass="ck-code"))
