"""From what happened when a submission ran to its result: every exercise judged, plus notes.

Pure logic on data (a `RunLog`, the key, the saved answers): no kernels here, so it
is tested with synthetic run logs.  Judging is `core.assess(..., hidden=True)` in
the grader's own process; statuses and scores the trainee's kernel or answers file
claim are never used.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import TypedDict

from ..core.assess import assess
from ..core.status import CORRECT, INVALID, NOT_FOUND, NOT_RUN, SUBMITTED, UNANSWERED
from .execute import Limits, RunLog
from .submissions import Submission, assigns, structure_notes


class ExerciseResult(TypedDict, total=False):
    id: str
    title: str
    kind: str
    points: float
    status: str            # a core.status value
    earned: float | None   # None while a person has still to grade it
    message: str
    details: list
    value: dict | None     # the canonical answer that was judged
    hint: str | None       # the key's first hint, for anything not yet right
    comment: str           # the instructor's, once graded by hand


class Result(TypedDict):
    """One (trainee, notebook): what is cached, and what the outputs are written from."""
    trainee: str
    notebook: str
    submitted: bool
    notes: list            # problems worth a gradebook note
    errors: list           # every cell error, for the feedback page
    exercises: list        # of ExerciseResult, in key order
    attempts: int


@dataclass
class Attempt:
    """What the grader has of one submission after reading and running it."""
    nb: object = None                                   # the notebook (nbformat v4), None if unreadable
    nb_notes: list = field(default_factory=list)        # problems reading it
    saved: dict | None = None                           # exercise id -> answers-file record
    ans_notes: list = field(default_factory=list)       # problems reading the answers file
    log: RunLog | None = None                           # None when the notebook was not run


def cell_ref(nb, index) -> str:
    if nb is None or index is None or not 0 <= index < len(nb.cells):
        return "a cell"
    first = next((line.strip() for line in nb.cells[index].source.splitlines() if line.strip()), "")
    first = first if len(first) <= 48 else first[:45] + "..."
    return f"cell {index + 1} (`{first}`)" if first else f"cell {index + 1}"


def run_notes(nb, log: RunLog | None, limits: Limits) -> tuple[list[str], list[str]]:
    """(problems worth a gradebook note, every cell error for the feedback)."""
    if log is None:
        return [], []
    problems, errors = [], []
    if log.start_error:
        problems.append(log.start_error)
    for i in log.died:
        problems.append(f"the kernel died in {cell_ref(nb, i)}; the notebook was run again without it")
    for i in log.stalled:
        problems.append(f"the notebook ran past its time limit ({limits.timeout:g} s) in {cell_ref(nb, i)}; "
                        "it was run again without that cell")
    for i in log.timeouts:
        problems.append(f"{cell_ref(nb, i)} was stopped after {limits.cell_timeout:g} s (time limit per cell)")
    for i in log.memory:
        problems.append(f"{cell_ref(nb, i)} ran out of memory (limit {limits.memory_mb} MB)")
    for i in log.overflow:
        problems.append(f"{cell_ref(nb, i)} printed more than {limits.max_output_kb} KB; the rest was discarded")
    if log.extract_error:
        problems.append(log.extract_error)
    shown = set(log.timeouts) | set(log.memory)
    for i, ename, evalue in log.errors:
        if i not in shown:
            errors.append(f"{cell_ref(nb, i)} raised {ename}" + (f": {evalue}" if evalue else ""))
    return problems, errors


def _not_found(var: str, nb, log: RunLog) -> str:
    """Why an answer variable is not in the kernel, as specifically as the run log tells."""
    assign = assigns(var)
    left_out = [i for i in log.skipped if assign.search(nb.cells[i].source)]
    if left_out:
        return (f"Variable `{var}` was never set: {cell_ref(nb, left_out[0])}, which computes "
                "it, was left out because it stopped the kernel or ran out of time or memory.")
    failed = [(i, ename) for i, ename, _ in log.errors if assign.search(nb.cells[i].source)]
    if failed:
        i, ename = failed[-1]
        return f"Variable `{var}` was never set: {cell_ref(nb, i)}, which computes it, raised {ename}."
    near = difflib.get_close_matches(var, log.names, n=2, cutoff=0.6)
    tip = f" (the notebook has {', '.join(f'`{n}`' for n in near)})" if near else ""
    return (f"Variable `{var}` not found — did you rename it or delete its cell?{tip} "
            f"Keep the name `{var}`: the grader reads the answer from it.")


def code_verdict(notebook: str, spec: dict, attempt: Attempt):
    """(status, score, message, details, canonical value) of one code exercise."""
    var, nb, log = spec["answer"], attempt.nb, attempt.log
    if nb is None:
        reason = attempt.nb_notes[0] if attempt.nb_notes else "the notebook could not be run"
        return NOT_RUN, 0.0, f"Not graded: {reason}.", [], None
    if log is None or log.start_error:
        return NOT_RUN, 0.0, "Not graded: the notebook could not be run.", [], None
    got = log.answers.get(var)
    if got is None:
        return NOT_RUN, 0.0, f"Not graded: {log.extract_error or 'the notebook did not finish'}.", [], None
    if not got.get("found"):
        return NOT_FOUND, 0.0, _not_found(var, nb, log), [], None
    if "error" in got:
        return INVALID, 0.0, f"Your `{var}` could not be read ({got['error']}).", [], None
    data = got.get("data")
    try:
        verdict = assess(notebook, spec, data, hidden=True)
    except Exception as exc:  # a judging bug must not stop the class
        return INVALID, 0.0, f"Could not judge this answer ({type(exc).__name__}).", [], data
    return verdict.status, verdict.score, verdict.message, list(verdict.details), data


def widget_verdict(notebook: str, spec: dict, saved: dict | None):
    if saved is None:
        return UNANSWERED, 0.0, "Not answered: no usable answers file was submitted with the notebook.", [], None
    record = saved.get(spec["id"])
    if not record or "value" not in record:
        return UNANSWERED, 0.0, "Not answered (nothing was saved for this exercise).", [], None
    data = record["value"]
    if not isinstance(data, dict) or "kind" not in data:
        return INVALID, 0.0, "Your saved answer could not be read.", [], None
    try:
        verdict = assess(notebook, spec, data, hidden=True)
    except Exception:
        return INVALID, 0.0, "Your saved answer could not be read (it does not fit this exercise).", [], None
    return verdict.status, verdict.score, verdict.message, list(verdict.details), data


def _notes(sub: Submission, key: dict, attempt: Attempt, problems: list[str], reference) -> list[str]:
    notebook = key["notebook"]
    if sub.ipynb is None and sub.answers is None:
        others = [n for n in sub.others if n != f"{notebook}.ipynb"]
        seen = f" (the folder has {', '.join(others[:3])}{' …' if len(others) > 3 else ''})" if others else ""
        return [f"not submitted{seen}"]
    has_code = any(spec["kind"] == "code" for spec in key["exercises"])
    has_widgets = any(spec["kind"] != "code" for spec in key["exercises"])
    return ((list(attempt.nb_notes) if has_code or sub.ipynb is not None else [])
            + (structure_notes(attempt.nb, key, reference) if attempt.nb is not None else []) + problems
            + (attempt.ans_notes if has_widgets else []))


def submission_result(sub: Submission, key: dict, attempt: Attempt, limits: Limits, reference=None) -> Result:
    """The result of one (trainee, notebook): every exercise judged, plus notes."""
    notebook = key["notebook"]
    problems, errors = run_notes(attempt.nb, attempt.log, limits)
    absent = sub.ipynb is None and sub.answers is None
    exercises = []
    for spec in key["exercises"]:
        if absent:
            status, score, message, details, value = UNANSWERED, 0.0, "Not submitted.", [], None
        elif spec["kind"] == "code":
            status, score, message, details, value = code_verdict(notebook, spec, attempt)
        else:
            status, score, message, details, value = widget_verdict(notebook, spec, attempt.saved)
        hints = spec.get("hints") or []
        exercises.append(ExerciseResult(
            id=spec["id"], title=spec.get("title", spec["id"]), kind=spec["kind"], points=spec["points"],
            status=status, earned=None if status == SUBMITTED else round(score * spec["points"], 4),
            message=message, details=details, value=value,
            hint=hints[0] if hints and status not in (CORRECT, SUBMITTED) else None))
    return Result(trainee=sub.trainee, notebook=notebook, submitted=not absent,
                  notes=_notes(sub, key, attempt, problems, reference), errors=errors, exercises=exercises,
                  attempts=attempt.log.attempts if attempt.log else 0)

