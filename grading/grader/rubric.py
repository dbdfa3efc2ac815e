"""Manual grading of reflections and forms: export a rubric CSV, merge the filled one back.

`export` writes one row per (trainee, hand-graded exercise) with the text, the rubric
criteria, and empty `score` / `comment` columns (pre-filled with scores already
merged).  `merge` checks every filled row and stores the scores in
OUTDIR/manual.json, which every later `grade` run applies on top of the
automatic results: a re-grade never overwrites a manual score.  For the rows it
lists, the CSV is the truth: an emptied score removes that manual score.

`words` is the answer's length with a CJK character counted as half a word (English text:
exactly its words); `short` says, in the instructor's language, what is shorter than the
key asks (empty otherwise): such answers are never failed automatically, only flagged.
Criteria and messages are in the instructor's language (`--lang`, else COURSE_LANG, else English).
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

from ..core import i18n
from ..core import keys as answer_keys
from ..core.i18n import _
from ..core.keys import MANUAL_KINDS
from .gradebook import (MANUAL, load_manual, load_results, manual_text, points_text, report_language, run_keys,
                        text_digest, write_json, write_outputs)
from .language import key_text, short_note, short_parts, text_length
from .safecsv import plain, write_csv
from .submissions import MAX_ANSWERS_BYTES

COLUMNS = ["trainee", "notebook", "exercise", "words", "short", "answer", "criteria", "max_points", "score",
           "comment"]


class RubricError(ValueError):
    """A filled rubric CSV that cannot be merged; the message lists every bad row."""


def export(out: Path, path: Path | None = None, lang: str | None = None) -> tuple[Path, int]:
    """Write one row per (trainee, hand-graded answer with text) to fill in; returns (path, rows).
    Scores merged earlier are pre-filled, so exporting again never loses them."""
    path = path or out / "rubric.csv"
    notebooks, results, manifest = load_results(out)
    keys = run_keys(notebooks, manifest)
    manual = load_manual(out)
    with answer_keys.using(manifest.get("keys")), i18n.use(report_language(manifest, lang)):
        rows = _rows(notebooks, results, keys, manual)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(path, COLUMNS, rows)  # a reflection starting with "=" stays text in a spreadsheet (safecsv)
    return path, len(rows)


def _rows(notebooks, results, keys, manual) -> list[list]:
    rows = []
    for trainee in sorted(results):
        for nb in notebooks:
            specs = {ex["id"]: ex for ex in keys[nb]["exercises"]}
            for ex in results[trainee][nb]["exercises"]:
                if ex["kind"] not in MANUAL_KINDS:
                    continue
                reflection = manual_text(ex.get("value"))
                if not reflection.strip():
                    continue
                spec = specs[ex["id"]]
                rubric = spec.get("rubric") or []
                criteria = "\n".join(_("- {criterion} ({points} pt)").format(
                    criterion=key_text(nb, ex["id"], r["criterion"]), points=f"{r['points']:g}") for r in rubric)
                done = manual.get(trainee, {}).get(ex["id"], {})
                _length, short = short_parts(spec, ex.get("value"))
                rows.append([trainee, nb, ex["id"], text_length(reflection), short_note(nb, spec, short), reflection,
                             criteria, points_text(ex["points"]), points_text(done.get("score")),
                             done.get("comment", "")])
    return rows


def merge(out: Path, path: Path, lang: str | None = None) -> int:
    """Merge the filled rubric CSV; returns how many scores are set. Nothing changes if a row is bad."""
    notebooks, results, manifest = load_results(out)
    with i18n.use(report_language(manifest, lang)):
        count, manual = _merged(out, path, notebooks, results)
    write_json(out / MANUAL, {t: v for t, v in sorted(manual.items()) if v})
    write_outputs(out, lang)
    return count


def _merged(out: Path, path: Path, notebooks, results) -> tuple[int, dict]:
    csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_ANSWERS_BYTES))  # the longest answer exported
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = [{plain(k): plain(v) if isinstance(v, str) else v for k, v in row.items()}
                    for row in csv.DictReader(fh)]  # undo export's formula guard (safecsv.plain)
    except OSError as exc:
        raise RubricError(_("cannot read {file}: {reason}").format(file=path, reason=exc.strerror)) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise RubricError(_("cannot read {file}: it is not a UTF-8 CSV file ({error})").format(
            file=path, error=type(exc).__name__)) from None
    if rows and not {"trainee", "exercise", "score"} <= set(rows[0]):
        raise RubricError(_("{file} needs the columns trainee, exercise and score (as written by rubric export)")
                          .format(file=path))
    manual = load_manual(out)
    problems, count = [], 0
    for line, row in enumerate(rows, start=2):
        trainee, eid = (row.get("trainee") or "").strip(), (row.get("exercise") or "").strip()
        ex = next((e for nb in notebooks for e in results.get(trainee, {}).get(nb, {}).get("exercises", [])
                   if e["id"] == eid), None)
        if ex is None or ex["kind"] not in MANUAL_KINDS:
            problems.append(_("line {line}: no hand-graded exercise {exercise} for trainee {trainee} in this run")
                            .format(line=line, exercise=repr(eid), trainee=repr(trainee)))
            continue
        raw = (row.get("score") or "").strip().replace(",", ".")
        if not raw:
            manual.get(trainee, {}).pop(eid, None)
            continue
        try:
            score = float(raw)
        except ValueError:
            problems.append(_("line {line}: score {score} is not a number").format(line=line, score=repr(raw)))
            continue
        if math.isnan(score) or not 0 <= score <= ex["points"]:
            problems.append(_("line {line}: score {score} is outside 0..{maximum} for {exercise}").format(
                line=line, score=raw, maximum=points_text(ex["points"]), exercise=eid))
            continue
        manual.setdefault(trainee, {})[eid] = {"score": score, "comment": (row.get("comment") or "").strip(),
                                               "text": text_digest(ex.get("value"))}
        count += 1
    if problems:
        raise RubricError(_("nothing merged; fix these rows:") + "\n  " + "\n  ".join(problems))
    return count, manual
