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

from ..core import i18n
from ..core.assess import assess
from ..core.i18n import _, ngettext
from ..core.keys import MANUAL_KINDS
from ..core.rules import Verdict
from ..core.status import (CORRECT, ERROR, INCORRECT, INVALID, JUDGE_FAILED, NOT_FOUND, NOT_RUN, SUBMITTED,
                           UNANSWERED)
from .execute import Limits, RunLog
from .similarity import answer_source
from .language import has_text, key_text, part_labels, short_parts, tr
from .submissions import MAX_FILES, MAX_FOLDER_BYTES, Submission, assigns, structure_notes


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
    length: int            # reflections and forms: length in words (a CJK character is half a word)
    short: list            # reflections and forms: shorter than the key asks ([''] or the form's parts)
    source: str            # code: the cells that assign the answer variable, as handed in (similarity report)
    hints_seen: int        # hints the trainee opened, as their answers file records (class report)
    solution_seen: bool    # whether they opened the worked solution, as their answers file records


class Result(TypedDict):
    """One (trainee, notebook): what is cached, and what the outputs are written from."""
    trainee: str
    notebook: str
    submitted: bool
    notes: list            # problems worth a gradebook note
    errors: list           # every cell error, for the feedback page
    exercises: list        # of ExerciseResult, in key order
    attempts: int
    lang: str              # the language its notes and messages are written in


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
        return _("a cell")
    first = next((line.strip() for line in nb.cells[index].source.splitlines() if line.strip()), "")
    first = first if len(first) <= 48 else first[:45] + "..."
    if first:
        return _("cell {number} (`{first_line}`)").format(number=index + 1, first_line=first)
    return _("cell {number}").format(number=index + 1)


def run_notes(nb, log: RunLog | None, limits: Limits) -> tuple[list[str], list[str]]:
    """(problems worth a gradebook note, every cell error for the feedback)."""
    if log is None:
        return [], []
    problems, errors = [], []
    if log.start_error:
        problems.append(log.start_error)
    for i in log.died:
        problems.append(_("the kernel died in {cell}; the notebook was run again without it")
                        .format(cell=cell_ref(nb, i)))
    for i in log.stalled:
        problems.append(_("the notebook ran past its time limit ({seconds} s) in {cell}; "
                          "it was run again without that cell").format(seconds=f"{limits.timeout:g}",
                                                                        cell=cell_ref(nb, i)))
    for i in log.timeouts:
        problems.append(_("{cell} was stopped after {seconds} s (time limit per cell)")
                        .format(cell=cell_ref(nb, i), seconds=f"{limits.cell_timeout:g}"))
    for i in log.memory:
        problems.append(_("{cell} ran out of memory (limit {megabytes} MB)")
                        .format(cell=cell_ref(nb, i), megabytes=limits.memory_mb))
    for i in log.overflow:
        problems.append(_("{cell} printed more than {kilobytes} KB; the rest was discarded")
                        .format(cell=cell_ref(nb, i), kilobytes=limits.max_output_kb))
    if log.extract_error:
        problems.append(log.extract_error)
    shown = set(log.timeouts) | set(log.memory)
    for i, ename, evalue in log.errors:
        if i not in shown:
            errors.append(_("{cell} raised {error}").format(
                cell=cell_ref(nb, i), error=ename + (f": {evalue}" if evalue else "")))
    return problems, errors


def _not_found(var: str, nb, log: RunLog) -> str:
    """Why an answer variable is not in the kernel, as specifically as the run log tells."""
    assign = assigns(var)
    left_out = [i for i in log.skipped if assign.search(nb.cells[i].source)]
    if left_out:
        return _("Variable `{name}` was never set: {cell}, which computes it, was left out because it "
                 "stopped the kernel or ran out of time or memory.").format(name=var, cell=cell_ref(nb, left_out[0]))
    failed = [(i, ename) for i, ename, _evalue in log.errors if assign.search(nb.cells[i].source)]
    if failed:
        i, ename = failed[-1]
        return _("Variable `{name}` was never set: {cell}, which computes it, raised {error}.").format(
            name=var, cell=cell_ref(nb, i), error=ename)
    near = difflib.get_close_matches(var, log.names, n=2, cutoff=0.6)
    names = _(", ").join(f"`{n}`" for n in near)
    tip = _(" (the notebook has {names})").format(names=names) if near else ""
    return _("Variable `{name}` not found — did you rename it or delete its cell?{tip} "
             "Keep the name `{name}`: the grader reads the answer from it.").format(name=var, tip=tip)


def code_verdict(notebook: str, spec: dict, attempt: Attempt):
    """(status, score, message, details, canonical value) of one code exercise."""
    var, nb, log = spec["answer"], attempt.nb, attempt.log
    if nb is None:
        reason = attempt.nb_notes[0] if attempt.nb_notes else _("the notebook could not be run")
        return NOT_RUN, 0.0, _("Not graded: {reason}.").format(reason=reason), [], None
    if log is None or log.start_error:
        return NOT_RUN, 0.0, _("Not graded: the notebook could not be run."), [], None
    got = log.answers.get(var)
    if got is None:
        reason = log.extract_error or _("the notebook did not finish")
        return NOT_RUN, 0.0, _("Not graded: {reason}.").format(reason=reason), [], None
    if not got.get("found"):
        return NOT_FOUND, 0.0, _not_found(var, nb, log), [], None
    if "error" in got:
        return INVALID, 0.0, _("Your `{name}` could not be read ({error}).").format(name=var, error=got["error"]), \
            [], None
    data = got.get("data")
    try:
        verdict = assess(notebook, spec, data, hidden=True)
    except Exception as exc:  # a judging bug must not stop the class
        verdict = Verdict(ERROR, 0.0, "", [f"{type(exc).__name__}: {exc}"])
    if verdict.status == ERROR:  # the judge's problem, not the trainee's: the instructor grades it by hand
        return JUDGE_FAILED, 0.0, _("The grader could not judge this answer; your instructor grades it by "
                                    "hand."), (verdict.details or [verdict.message])[:1], data
    return verdict.status, verdict.score, *_shown(notebook, spec, verdict), data


def _shown(notebook: str, spec: dict, verdict) -> tuple[str, list]:
    """A verdict's message and details in the current language (the engine's own messages, marked
    where core defines them, and the key's texts, such as a rule's `success` or `message`)."""
    def show(text):
        return key_text(notebook, spec["id"], tr(text)) if isinstance(text, str) else text
    return show(verdict.message), [show(d) for d in verdict.details]


_SCALARS = (str, int, float, type(None))


def well_shaped(data) -> bool:
    """Whether a saved widget value has the shape `core.canon.to_data` gives it (labels are plain
    scalars, lists are lists, a mapping has as many values as keys); anything else is unreadable."""
    if not isinstance(data, dict):
        return False
    kind = data.get("kind")
    if kind == "missing":
        return True
    if kind == "text":
        return isinstance(data.get("value"), str)
    if kind == "number":
        return isinstance(data.get("value"), _SCALARS[1:]) and not isinstance(data.get("value"), bool)
    if kind == "bool":
        return isinstance(data.get("value"), bool)
    if kind in ("list", "set"):
        return isinstance(data.get("items"), list)
    if kind == "mapping":
        keys, values = data.get("keys"), data.get("values")
        return (isinstance(keys, list) and isinstance(values, list) and len(keys) == len(values)
                and all(isinstance(k, _SCALARS) for k in keys))
    return False


def widget_verdict(notebook: str, spec: dict, saved: dict | None):
    if saved is None:
        return UNANSWERED, 0.0, _("Not answered: no usable answers file was submitted with the notebook."), [], None
    record = saved.get(spec["id"])
    if not record or "value" not in record:
        return UNANSWERED, 0.0, _("Not answered (nothing was saved for this exercise)."), [], None
    data = record["value"]
    if not well_shaped(data):  # hand-edited or forged: judged as unreadable, never passed on
        return INVALID, 0.0, _("Your saved answer could not be read."), [], None
    try:
        verdict = assess(notebook, spec, data, hidden=True)
    except Exception:
        return INVALID, 0.0, _("Your saved answer could not be read (it does not fit this exercise)."), [], None
    if spec["kind"] in MANUAL_KINDS and verdict.status in (UNANSWERED, INCORRECT) and has_text(data):
        return SUBMITTED, 0.0, *_for_instructor(notebook, spec, data), data
    return verdict.status, verdict.score, *_shown(notebook, spec, verdict), data


def _for_instructor(notebook: str, spec: dict, data: dict) -> tuple[str, list]:
    """A reflection or form with text is never failed for being short or incomplete (a short
    Chinese text must not count as "5 words"): it goes to the instructor, flagged."""
    length, short = short_parts(spec, data)
    if spec["kind"] == "form" and short:
        return _("Saved, but some parts are short or empty: {parts}. Your instructor grades the content "
                 "with the rubric.").format(parts=part_labels(notebook, spec, short)), []
    if spec["kind"] == "form":
        return _("Saved: all {count} parts are filled in. Your instructor grades the content with the "
                 "rubric.").format(count=len(spec.get("fields", []))), []
    if short:
        return _("Saved, but it is short: {length} words; the exercise asks for at least {need}. Your "
                 "instructor grades this with the rubric.").format(length=length, need=spec.get("min_words")), []
    return _("Saved ({length} words). Your instructor grades this with the rubric.").format(length=length), []


def help_used(saved: dict | None, spec: dict) -> dict:
    """The hints and worked solution a trainee opened for one exercise, as their answers file records
    (`hints_seen`, `solution_seen`); only what is there, checked, since the file is the trainee's."""
    record = (saved or {}).get(spec["id"])
    if not isinstance(record, dict):
        return {}
    used = {}
    hints = record.get("hints_seen")
    if isinstance(hints, int) and not isinstance(hints, bool) and min(hints, len(spec.get("hints") or [])) > 0:
        used["hints_seen"] = min(hints, len(spec.get("hints") or []))
    if record.get("solution_seen") is True:
        used["solution_seen"] = True
    return used


def _notes(sub: Submission, key: dict, attempt: Attempt, problems: list[str], reference) -> list[str]:
    notebook = key["notebook"]
    if sub.ipynb is None and sub.answers is None:
        others = [n for n in sub.others if n != f"{notebook}.ipynb"]
        if others:
            files = _(", ").join(others[:3]) + (" …" if len(others) > 3 else "")
            return [_("not submitted (the folder has {files})").format(files=files)]
        return [_("not submitted")]
    has_code = any(spec["kind"] == "code" for spec in key["exercises"])
    has_widgets = any(spec["kind"] != "code" for spec in key["exercises"])
    left_out = [ngettext("{count} file of the folder was not copied beside the notebook (limits: {files} files, "
                         "{megabytes} MB in all)", "{count} files of the folder were not copied beside the notebook "
                         "(limits: {files} files, {megabytes} MB in all)", sub.left_out).format(
        count=sub.left_out, files=MAX_FILES, megabytes=MAX_FOLDER_BYTES // 2**20)] \
        if sub.left_out and attempt.log is not None else []
    return ((list(attempt.nb_notes) if has_code or sub.ipynb is not None else []) + left_out
            + (structure_notes(attempt.nb, key, reference) if attempt.nb is not None else []) + problems
            + (attempt.ans_notes if has_widgets else []))


def submission_result(sub: Submission, key: dict, attempt: Attempt, limits: Limits, reference=None) -> Result:
    """The result of one (trainee, notebook): every exercise judged, plus notes, in the current
    language (the grader judges each submission inside `i18n.use(<its language>)`)."""
    notebook = key["notebook"]
    problems, errors = run_notes(attempt.nb, attempt.log, limits)
    absent = sub.ipynb is None and sub.answers is None
    exercises = []
    for spec in key["exercises"]:
        if absent:
            status, score, message, details, value = UNANSWERED, 0.0, _("Not submitted."), [], None
        elif spec["kind"] == "code":
            status, score, message, details, value = code_verdict(notebook, spec, attempt)
        else:
            status, score, message, details, value = widget_verdict(notebook, spec, attempt.saved)
        hints = spec.get("hints") or []
        ex = ExerciseResult(
            id=spec["id"], title=key_text(notebook, spec["id"], spec["title"]) if "title" in spec else spec["id"],
            kind=spec["kind"], points=spec["points"],
            status=status, earned=None if status in (SUBMITTED, JUDGE_FAILED) else round(score * spec["points"], 4),
            message=message, details=details, value=value,
            hint=key_text(notebook, spec["id"], hints[0]) if hints and status not in (CORRECT, SUBMITTED) else None)
        if spec["kind"] == "code" and attempt.nb is not None:
            ex["source"] = answer_source(attempt.nb, spec["answer"])
        if spec["kind"] in MANUAL_KINDS and has_text(value):
            ex["length"], ex["short"] = short_parts(spec, value)
        ex.update(help_used(attempt.saved, spec))
        exercises.append(ex)
    failed = [_("the grader could not judge {id} ({error}): a problem of the grader or the key, not of the "
                "answer; grade it by hand").format(id=ex["id"], error=ex["details"][0])
              for ex in exercises if ex["status"] == JUDGE_FAILED]
    return Result(trainee=sub.trainee, notebook=notebook, submitted=not absent,
                  notes=_notes(sub, key, attempt, problems, reference) + failed, errors=errors, exercises=exercises,
                  attempts=attempt.log.attempts if attempt.log else 0, lang=i18n.language())



def failed_result(sub: Submission, key: dict, note: str) -> Result:
    """The row of a submission the grader could not judge at all: every exercise not run, with `note`."""
    exercises = [ExerciseResult(id=spec["id"], title=spec["id"], kind=spec["kind"], points=spec["points"],
                                status=NOT_RUN, earned=0.0, message=_("Not graded: {reason}.").format(reason=note),
                                details=[], value=None, hint=None)
                 for spec in key["exercises"]]
    return Result(trainee=sub.trainee, notebook=key["notebook"], submitted=True, notes=[note], errors=[],
                  exercises=exercises, attempts=0, lang=i18n.language())
