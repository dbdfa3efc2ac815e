"""Scores set by hand: the rubric sheet (export, merge) and overrides of any one score.

`export` writes one row per (trainee, hand-graded exercise) with the text, the rubric
criteria, and `score` / `comment` / `criterion N` columns to fill (pre-filled with what
was merged before), plus one row per score already overridden; beside it, an HTML
grading sheet per exercise (`grading_sheets`).  It never overwrites a sheet that holds
scores or comments not merged yet.

`merge` checks every row of a filled sheet (read as spreadsheets save it: `rubric_csv`)
and stores the scores in OUTDIR/manual.json, which every later `grade` run applies on
top of the automatic results (`gradebook.apply_manual`): a re-grade never overwrites a
score set by hand.  A row may name any exercise: for an automatically graded one its
score is an override.  For the rows it lists, the sheet is the truth (an emptied score
removes that score); a column it lacks (`comment`, `criterion N`) keeps what is stored.
Duplicate rows, unknown names and bad numbers are refused, and nothing changes.

`override` sets (or removes) one trainee's points and comment for one exercise.

`words` is the answer's length with a CJK character counted as half a word (English text:
exactly its words); `short` says, in the instructor's language, what is shorter than the
key asks (empty otherwise): such answers are never failed automatically, only flagged.
Criteria and messages are in the instructor's language (`--lang`, else COURSE_LANG, else English).
"""
from __future__ import annotations

import difflib
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..core import i18n
from ..core import keys as answer_keys
from ..core.i18n import _
from ..core.keys import MANUAL_KINDS
from .gradebook import (MANUAL, answer_digest, load_manual, load_results, manual_text, points_text, report_language,
                        run_keys, text_digest, write_json, write_outputs)
from .grading_sheets import write_sheets
from .language import has_text, key_text, short_note, short_parts, text_length
from .rubric_csv import CRITERION_PREFIX, RubricError, Sheet, criterion_column, read_sheet
from .safecsv import write_csv

COLUMNS = ["trainee", "notebook", "exercise", "words", "short", "answer", "criteria", "max_points", "score",
           "comment"]  # then `criterion 1` … `criterion N`, as many as the longest rubric exported
SHOWN_UNMERGED = 5

__all__ = ["RubricError", "Merged", "export", "merge", "override"]


@dataclass
class Merged:
    """What a merge changed, and how the sheet was read."""
    scores: int       # rows whose score is now set (rubric scores and overrides)
    removed: int      # scores removed because their cell was emptied
    sheet: Sheet


# -- export ------------------------------------------------------------------------------

def export(out: Path, path: Path | None = None, lang: str | None = None) -> tuple[Path, int]:
    """Write the rubric sheet and the grading sheets; returns (path, rows). Scores merged earlier are
    pre-filled, so exporting again loses nothing; a sheet holding unmerged work is never overwritten."""
    path = Path(path or out / "rubric.csv")
    notebooks, results, manifest = load_results(out)
    keys = run_keys(notebooks, manifest)
    manual = load_manual(out)
    with answer_keys.using(manifest.get("keys")), i18n.use(report_language(manifest, lang)):
        if path.exists():
            _refuse_unmerged(out, path, manual)
        rows, width = _rows(notebooks, results, keys, manual)
        write_sheets(out, notebooks, results, keys, manual)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = COLUMNS + [criterion_column(n) for n in range(1, width + 1)]
    write_csv(path, header, rows)  # a reflection starting with "=" stays text in a spreadsheet (safecsv)
    return path, len(rows)


def _rows(notebooks, results, keys, manual) -> tuple[list[list], int]:
    rows, width = [], 0
    for trainee in sorted(results):
        for nb in notebooks:
            specs = {ex["id"]: ex for ex in keys[nb]["exercises"]}
            for ex in results[trainee][nb]["exercises"]:
                done = manual.get(trainee, {}).get(ex["id"], {})
                spec = specs[ex["id"]]
                if ex["kind"] not in MANUAL_KINDS:
                    if done:  # an override: the automatic verdict in the answer column
                        rows.append([trainee, nb, ex["id"], "", "", _automatic(ex), "", points_text(ex["points"]),
                                     points_text(done.get("score")), done.get("comment", "")])
                    continue
                if not has_text(ex.get("value")) and not done:  # an empty form's labels are no answer
                    continue
                text = manual_text(ex.get("value"))
                rubric = spec.get("rubric") or []
                criteria = "\n".join(_("{number}. {criterion} ({points} pt)").format(
                    number=n, criterion=key_text(nb, ex["id"], r["criterion"]), points=points_text(r["points"]))
                    for n, r in enumerate(rubric, start=1))
                _length, short = short_parts(spec, ex.get("value"))
                given = [points_text(p) for p in done.get("criteria") or []]
                width = max(width, len(rubric))
                words = text_length(manual_text(ex.get("value"), labels=False))  # a form's labels are not words
                rows.append([trainee, nb, ex["id"], words, short_note(nb, spec, short), text, criteria,
                             points_text(ex["points"]), points_text(done.get("score")), done.get("comment", ""),
                             *given])
    return [row + [""] * (len(COLUMNS) + width - len(row)) for row in rows], width


def _automatic(ex: dict) -> str:
    return _("(graded automatically: {earned} of {points}) {message}").format(
        earned=points_text(ex["earned"]), points=points_text(ex["points"]), message=ex["message"])


def _refuse_unmerged(out: Path, path: Path, manual: dict) -> None:
    """Refuse to overwrite `path` if it holds a score, criterion or comment that manual.json lacks."""
    try:
        sheet = read_sheet(path)
    except RubricError as exc:
        raise RubricError(_("{file} exists and is not a rubric sheet this command can read, so it is not "
                            "overwritten ({reason}); export to another file").format(file=path, reason=exc)) from None
    unmerged = [number for number, row in sheet.rows if _unmerged(row, manual, sheet.columns)]
    if unmerged:
        more = " …" if len(unmerged) > SHOWN_UNMERGED else ""
        rows = _(", ").join(str(n) for n in unmerged[:SHOWN_UNMERGED]) + more
        raise RubricError(_("{file} holds scores or comments that are not merged yet (rows {rows}), so it is not "
                            "overwritten: merge it first (python -m grading rubric merge {out} {file}), or export to "
                            "another file").format(file=path, rows=rows, out=out))


def _unmerged(row: dict, manual: dict, columns: list[str]) -> bool:
    """Whether a row has a filled cell that differs from what is stored (an empty cell loses nothing)."""
    done = manual.get((row.get("trainee") or "").strip(), {}).get((row.get("exercise") or "").strip(), {})
    stored = {"score": done.get("score"), "comment": done.get("comment") or ""}
    for n, points in enumerate(done.get("criteria") or [], start=1):
        stored[criterion_column(n)] = points
    for column in columns:
        if column != "comment" and column != "score" and not column.startswith(CRITERION_PREFIX):
            continue
        cell = (row.get(column) or "").strip()
        if not cell:
            continue
        if column == "comment":
            if cell != stored["comment"].strip():
                return True
            continue
        try:
            if stored.get(column) is None or abs(number(cell) - float(stored[column])) > 0.005:
                return True
        except ValueError:
            return True
    return False


# -- merge -------------------------------------------------------------------------------

def merge(out: Path, path: Path, lang: str | None = None) -> Merged:
    """Merge a filled rubric sheet. Nothing changes if one row is bad; the error lists every bad row."""
    notebooks, results, manifest = load_results(out)
    keys = run_keys(notebooks, manifest)
    with answer_keys.using(manifest.get("keys")), i18n.use(report_language(manifest, lang)):
        sheet = read_sheet(path)
        manual = load_manual(out)
        merged = _merged(sheet, notebooks, results, keys, manual)
        _save(out, manual)
        write_sheets(out, notebooks, results, keys, manual)
    write_outputs(out, lang)
    return merged


def _merged(sheet: Sheet, notebooks, results, keys, manual: dict) -> Merged:
    """Apply the sheet's rows to `manual` (in place) if every row is good; else a RubricError."""
    specs = {spec["id"]: spec for nb in notebooks for spec in keys[nb]["exercises"]}
    problems, seen, changes = [], {}, []
    for number, row in sheet.rows:
        trainee, eid = (row.get("trainee") or "").strip(), (row.get("exercise") or "").strip()
        where = _("row {row}").format(row=number)
        if not trainee or not eid:
            problems.append(_("{where}: the trainee and exercise cells must both be filled").format(where=where))
            continue
        if (trainee, eid) in seen:
            problems.append(_("{where}: a second row for {trainee} and {exercise} (the first is row {first}); keep "
                              "one").format(where=where, trainee=repr(trainee), exercise=eid, first=seen[trainee, eid]))
            continue
        seen[trainee, eid] = number
        try:
            ex = _exercise(results, notebooks, trainee, eid)
            if not sheet.lossless:  # its `answer` cells may have lost characters the code page lacks
                row = {k: v for k, v in row.items() if k != "answer"}
            changes.append((trainee, eid, _entry(row, sheet.columns, ex, specs[eid], manual.get(trainee, {}).get(eid))))
        except RubricError as exc:
            problems.append(_("{where}: {problem}").format(where=where, problem=exc))
    if problems:
        raise RubricError(_("nothing merged; fix these rows:") + "\n  " + "\n  ".join(problems))
    scores = removed = 0
    for trainee, eid, entry in changes:
        had = manual.get(trainee, {}).get(eid, {}).get("score") is not None
        if entry is None:
            manual.get(trainee, {}).pop(eid, None)
        else:
            manual.setdefault(trainee, {})[eid] = entry
        scores += entry is not None and entry.get("score") is not None
        removed += had and (entry is None or entry.get("score") is None)
    return Merged(scores, removed, sheet)


def _exercise(results, notebooks, trainee: str, eid: str) -> dict:
    """The trainee's result for one exercise, or a RubricError that names the nearest ids."""
    if trainee not in results:
        raise RubricError(_("no trainee {trainee} in this run{tip}").format(
            trainee=repr(trainee), tip=_near(trainee, results)))
    exercises = {e["id"]: e for nb in notebooks for e in results[trainee][nb]["exercises"]}
    if eid not in exercises:
        raise RubricError(_("trainee {trainee} has no exercise {exercise} in this run{tip}").format(
            trainee=repr(trainee), exercise=repr(eid), tip=_near(eid, exercises)))
    return exercises[eid]


def _near(name: str, names) -> str:
    near = difflib.get_close_matches(name, list(names), n=3, cutoff=0.75)
    return _(" (did you mean {names}?)").format(names=_(", ").join(near)) if near else ""


def _entry(row: dict, columns: list[str], ex: dict, spec: dict, stored: dict | None) -> dict | None:
    """What manual.json keeps for one filled row (None: nothing), or a RubricError naming the bad cell."""
    stored = stored or {}
    rubric = (spec.get("rubric") or []) if ex["kind"] in MANUAL_KINDS else []
    cells = {int(c[len(CRITERION_PREFIX):]): (row.get(c) or "").strip() for c in columns
             if c.startswith(CRITERION_PREFIX) and c[len(CRITERION_PREFIX):].isdigit()}
    filled = {n: text for n, text in sorted(cells.items()) if text}
    extra = [n for n in filled if n > len(rubric)]
    if extra and not rubric:
        raise RubricError(_("column {column}: {exercise} has no rubric criteria (it is graded automatically); "
                            "give its points in score").format(column=criterion_column(extra[0]), exercise=ex["id"]))
    if extra:
        raise RubricError(_("column {column}: {exercise} has {count} rubric criteria").format(
            column=criterion_column(extra[0]), exercise=ex["id"], count=len(rubric)))
    criteria = [_points(filled[n], r["points"], criterion_column(n)) for n, r in enumerate(rubric, 1) if n in filled]
    if filled and len(criteria) < len(rubric):
        empty = [criterion_column(n) for n in range(1, len(rubric) + 1) if n not in filled]
        raise RubricError(_("{columns} empty: fill every criterion of {exercise}, or none and the score").format(
            columns=_(", ").join(empty), exercise=ex["id"]))
    raw = (row.get("score") or "").strip()
    score = _points(raw, ex["points"], "score") if raw else None
    if criteria:
        total = round(sum(criteria), 4)
        if score is not None and abs(score - total) > 0.005:
            raise RubricError(_("score {score} is not the sum of the criteria ({total}); correct one of them, or "
                                "empty the score").format(score=raw, total=points_text(total)))
        score = total
        if score > ex["points"]:
            raise RubricError(_("the criteria add up to {total}, more than the {maximum} points of {exercise}")
                              .format(total=points_text(total), maximum=points_text(ex["points"]), exercise=ex["id"]))
    comment = (row.get("comment") or "").strip() if "comment" in columns else stored.get("comment", "")
    if score is None:  # no score: the stored one goes; a comment written ahead is kept for later
        return {"score": None, "comment": comment} if comment else None
    entry = {"score": score, "comment": comment, "answer": _given_for(row, ex, stored, score)}
    kept = stored.get("criteria")
    if criteria:
        entry["criteria"] = criteria
    elif kept and abs(sum(kept) - score) <= 0.005:  # a sheet without criterion columns keeps a breakdown that fits
        entry["criteria"] = kept
    return entry


def _given_for(row: dict, ex: dict, stored: dict, score: float) -> str | None:
    """The answer this score was given for: the text in the row's `answer` cell (exported before
    the trainee changed it?; only from a sheet whose encoding keeps every character), else the stored
    answer if the score is unchanged, else the answer now."""
    shown = row.get("answer") or ""
    if ex["kind"] in MANUAL_KINDS and shown.strip():
        return text_digest({"kind": "text", "value": shown})
    if stored.get("score") is not None and abs(float(stored["score"]) - score) <= 0.005:
        return stored.get("answer") or stored.get("text") or answer_digest(ex)
    return answer_digest(ex)


def number(text: str) -> float:
    """A number as a person types it: `4,5` (decimal comma), full-width `４．５`, spaces around."""
    text = unicodedata.normalize("NFKC", str(text)).strip().replace("\u00a0", "").replace(",", ".")
    value = float(text)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(text)
    return value


def _points(text: str, maximum: float, column: str) -> float:
    try:
        value = number(text)
    except ValueError:
        raise RubricError(_("column {column}: {value} is not a number").format(column=column, value=repr(text))) \
            from None
    if not 0 <= value <= maximum:
        raise RubricError(_("column {column}: {value} is outside 0..{maximum}").format(
            column=column, value=text, maximum=points_text(maximum)))
    return value


def _save(out: Path, manual: dict) -> None:
    write_json(out / MANUAL, {t: v for t, v in sorted(manual.items()) if v})


# -- override ----------------------------------------------------------------------------

def override(out: Path, trainee: str, exercise: str, points: str | None, comment: str | None = None,
             lang: str | None = None) -> tuple[dict, float | None]:
    """Set one trainee's points (and comment) for one exercise, automatic or not; `points` None
    removes the score set by hand. Returns (the exercise's automatic result, the score now set)."""
    notebooks, results, manifest = load_results(out)
    keys = run_keys(notebooks, manifest)
    with answer_keys.using(manifest.get("keys")), i18n.use(report_language(manifest, lang)):
        ex = _exercise(results, notebooks, trainee, exercise)
        manual = load_manual(out)
        stored = manual.get(trainee, {}).get(exercise)
        if points is None:
            if not stored:
                raise RubricError(_("{trainee} has no score set by hand for {exercise}; nothing to remove").format(
                    trainee=repr(trainee), exercise=exercise))
            manual[trainee].pop(exercise)
        else:
            score = _points(points, ex["points"], "POINTS")
            entry = {"score": score, "comment": (comment if comment is not None else (stored or {}).get("comment", ""))
                     .strip(), "answer": answer_digest(ex)}
            kept = (stored or {}).get("criteria")
            if kept and abs(sum(kept) - score) <= 0.005:
                entry["criteria"] = kept
            manual.setdefault(trainee, {})[exercise] = entry
        _save(out, manual)
        write_sheets(out, notebooks, results, keys, manual)
    write_outputs(out, lang)
    return ex, None if points is None else manual[trainee][exercise]["score"]
