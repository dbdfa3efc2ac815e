"""Deadlines and late work: `grade --due [NOTEBOOK=]TIME --late-penalty PCT --extensions FILE`.

When a submission was handed in comes from the LMS (SUBMISSIONS/lms.csv, written by `collect`:
Moodle's grading worksheet time, Canvas's "late" flag), else from the answers file (the newest
`saved_at`, the trainee's own clock: the last time a widget answer was saved).  Times without a
zone are local time.  The penalty is PCT % of the notebook's points per started day late (24 h),
at most all of them; it is applied when the outputs are written, so scores merged by hand later
are penalised the same way.  Everything is kept in the run's manifest (grading.json).
"""
from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path

from ..core import i18n
from ..core.i18n import _
from .collect import parse_time, read_mapping
from .gradebook import GradeError, points_text
from .roster import ID, column
from .safecsv import read_table
from .submissions import MAX_ANSWERS_BYTES, Submission, read_json

DAY = 24 * 3600


def parse_due(values: list[str], notebooks: list[str]) -> dict[str, str]:
    """`--due` values ("TIME" for every notebook, or "NOTEBOOK=TIME") -> {notebook or "*": ISO time}."""
    due = {}
    for value in values or []:
        nb, sep, when = value.rpartition("=") if "=" in value else ("*", "", value)
        nb = nb.strip().removesuffix(".ipynb") or "*"
        moment = parse_time(when)
        if moment is None:
            raise GradeError(_("--due {value}: not a date and time (write it as 2026-12-01T09:00, or with a zone: "
                               "2026-12-01T09:00+08:00)").format(value=repr(value)))
        if nb != "*" and nb not in notebooks:
            raise GradeError(_("--due {value}: {notebook} is not graded in this run ({notebooks})").format(
                value=repr(value), notebook=nb, notebooks=", ".join(notebooks)))
        due[nb] = moment.isoformat()
    return due


def read_extensions(path: Path) -> dict[str, dict[str, str]]:
    """An extensions CSV (trainee, due, optional notebook) -> trainee -> {notebook or "*": ISO time}."""
    try:
        rows = read_table(path)
    except (OSError, ValueError) as exc:
        raise GradeError(_("cannot read the extensions file {file}: {reason}").format(
            file=path, reason=getattr(exc, "strerror", None) or exc)) from None
    header = rows[0] if rows else []
    who = column(header, ID)
    when = column(header, ("due", "deadline", "until", "extendedto", "截止时间", "截止日期", "延期至"))
    which = column(header, ("notebook", "module", "模块", "笔记本"))
    if who is None or when is None:
        raise GradeError(_("the extensions file {file} needs the columns trainee and due (and may have "
                           "notebook); its columns are: {columns}").format(file=path, columns=", ".join(header)))
    found, problems = {}, []
    for line, row in enumerate(rows[1:], start=2):
        cell = (lambda i: row[i].strip() if i is not None and i < len(row) else "")
        moment = parse_time(cell(when))
        if not cell(who) or moment is None:
            problems.append(_("line {line}: needs a trainee and a due time such as 2026-12-08T09:00").format(line=line))
            continue
        found.setdefault(cell(who), {})[cell(which).removesuffix(".ipynb") or "*"] = moment.isoformat()
    if problems:
        raise GradeError(_("the extensions file {file} cannot be used; fix these lines:").format(file=path)
                         + "\n  " + "\n  ".join(problems))
    return found


def submission_times(submissions: Path, subs: dict) -> dict:
    """trainee -> notebook -> {"at": ISO time or "", "source": "lms" / "answers" / "", "lms_late": bool}."""
    lms = {(r.get("trainee", ""), r.get("notebook", "")): r for r in read_mapping(submissions)}
    times = {}
    for trainee, by_nb in subs.items():
        for nb, sub in by_nb.items():
            row = lms.get((trainee, nb), {})
            at = parse_time(row.get("submitted_at", ""))
            source = "lms" if at else ""
            if at is None:
                at = _saved_at(sub)
                source = "answers" if at else ""
            times.setdefault(trainee, {})[nb] = {"at": at.isoformat() if at else "", "source": source,
                                                 "lms": row.get("lms", ""), "lms_late": row.get("late") == "yes"}
    return times


def _saved_at(sub: Submission) -> datetime | None:
    """The newest `saved_at` in the answers file: when the trainee last saved a widget answer."""
    if sub.answers is None:
        return None
    read = read_json(sub.answers, MAX_ANSWERS_BYTES)
    records = read.data.get("exercises") if isinstance(read.data, dict) else None
    if not isinstance(records, dict):
        return None
    times = [parse_time(str(r.get("saved_at", ""))) for r in records.values() if isinstance(r, dict)]
    return max((t for t in times if t), default=None)


def _duration(seconds: float) -> str:
    hours = math.ceil(seconds / 3600)
    if hours < 48:
        return _("{hours} h").format(hours=hours)
    return _("{days} d {hours} h").format(days=hours // 24, hours=hours % 24)


def run_deadlines(notebooks: list[str], due: list[str], penalty: float, extensions: Path | None) -> dict:
    """The run's deadline rules, one per notebook: {"due": {nb: time}, "penalty": {nb: %},
    "extensions": {trainee: {nb: time}}} (empty without --due)."""
    if not due:
        if extensions or penalty:
            raise GradeError(_("--late-penalty and --extensions need --due (the deadline)"))
        return {}
    if not 0 <= penalty <= 100:
        raise GradeError(_("--late-penalty is a percentage per day, 0 to 100 (got {value})").format(value=penalty))
    given = parse_due(due, notebooks)
    per_nb = {nb: given.get(nb) or given.get("*") for nb in notebooks}
    extra = read_extensions(extensions) if extensions else {}
    return {"due": {nb: t for nb, t in per_nb.items() if t}, "penalty": {nb: penalty for nb in notebooks},
            "extensions": {trainee: {nb: by.get(nb) or by.get("*") for nb in notebooks if by.get(nb) or by.get("*")}
                           for trainee, by in extra.items()}}


def apply_lateness(results: dict, manifest: dict) -> None:
    """Mark late submissions: result["late"] = {"days": days late, "penalty": points taken off}, and a note."""
    rules = manifest.get("deadlines") or {}
    if not rules.get("due"):
        return
    for trainee, by_nb in results.items():
        for nb, result in by_nb.items():
            due_text = rules.get("extensions", {}).get(trainee, {}).get(nb) or rules["due"].get(nb)
            if not due_text or not result.get("submitted"):
                continue
            seen = manifest.get("times", {}).get(trainee, {}).get(nb, {})
            due = datetime.fromisoformat(due_text)
            at = datetime.fromisoformat(seen["at"]) if seen.get("at") else None
            seconds = (at - due).total_seconds() if at else None
            with i18n.use(result.get("lang")):
                if seen.get("lms_late") and (seconds is None or seconds <= 0):
                    days, note = 1, _("handed in after the deadline according to {lms} (the time is not known: "
                                      "counted as one day)").format(lms=seen.get("lms", "").capitalize() or "LMS")
                elif seconds is None:
                    result["notes"].append(_("when this was handed in is not known (no LMS time and no answers "
                                             "file): lateness not checked"))
                    continue
                elif seconds <= 0:
                    continue
                else:
                    days, note = seconds / DAY, _("handed in {duration} after the deadline ({due})").format(
                        duration=_duration(seconds), due=due.strftime("%Y-%m-%d %H:%M"))
                earned = sum(ex["earned"] or 0 for ex in result["exercises"])
                share = min(1.0, rules.get("penalty", {}).get(nb, 0) / 100 * math.ceil(days))
                penalty = round(earned * share, 2)
                if penalty:
                    note += _("; late penalty −{points} point(s) ({percent} %)").format(
                        points=points_text(penalty), percent=points_text(share * 100))
                result["notes"].append(note)
                result["late"] = {"days": round(days, 2), "penalty": penalty}


def late_columns(notebooks: list[str], manifest: dict) -> list[str]:
    """The gradebook's lateness columns, for the notebooks with a deadline."""
    due = (manifest.get("deadlines") or {}).get("due") or {}
    return [c for nb in notebooks if nb in due for c in (f"{nb} late (days)", f"{nb} late penalty")]


def late_cells(notebooks: list[str], results: dict, manifest: dict) -> list[str]:
    due = (manifest.get("deadlines") or {}).get("due") or {}
    cells = []
    for nb in (nb for nb in notebooks if nb in due):
        late = results[nb].get("late") or {}
        cells += [points_text(late.get("days")), points_text(late.get("penalty")) if late else ""]
    return cells


def penalty(result: dict) -> float:
    return (result.get("late") or {}).get("penalty", 0.0)
