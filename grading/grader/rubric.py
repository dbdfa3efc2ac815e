"""Manual grading of reflections and forms: export a rubric CSV, merge the filled one back.

`export` writes one row per (trainee, hand-graded exercise) with the text, the rubric
criteria, and empty `score` / `comment` columns (pre-filled with scores already
merged).  `merge` checks every filled row and stores the scores in
OUTDIR/manual.json, which every later `grade` run applies on top of the
automatic results: a re-grade never overwrites a manual score.  For the rows it
lists, the CSV is the truth: an emptied score removes that manual score.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

from ..core.keys import MANUAL_KINDS
from .gradebook import (MANUAL, load_manual, load_results, manual_text, points_text, run_keys, text_digest,
                        write_json, write_outputs)

COLUMNS = ["trainee", "notebook", "exercise", "words", "answer", "criteria", "max_points", "score", "comment"]


class RubricError(ValueError):
    """A filled rubric CSV that cannot be merged; the message lists every bad row."""


def export(out: Path, path: Path | None = None) -> tuple[Path, int]:
    """Write one row per (trainee, hand-graded answer with text) to fill in; returns (path, rows).
    Scores merged earlier are pre-filled, so exporting again never loses them."""
    path = path or out / "rubric.csv"
    notebooks, results, manifest = load_results(out)
    keys = run_keys(notebooks, manifest)
    manual = load_manual(out)
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
                rubric = specs[ex["id"]].get("rubric") or []
                criteria = "\n".join(f"- {r['criterion']} ({r['points']:g} pt)" for r in rubric)
                done = manual.get(trainee, {}).get(ex["id"], {})
                rows.append([trainee, nb, ex["id"], len(reflection.split()), reflection, criteria,
                             points_text(ex["points"]), points_text(done.get("score")), done.get("comment", "")])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path, len(rows)


def merge(out: Path, path: Path) -> int:
    """Merge the filled rubric CSV; returns how many scores are set. Nothing changes if a row is bad."""
    notebooks, results, _ = load_results(out)
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as exc:
        raise RubricError(f"cannot read {path}: {exc.strerror}") from None
    if rows and not {"trainee", "exercise", "score"} <= set(rows[0]):
        raise RubricError(f"{path} needs the columns trainee, exercise and score (as written by rubric export)")
    manual = load_manual(out)
    problems, count = [], 0
    for line, row in enumerate(rows, start=2):
        trainee, eid = (row.get("trainee") or "").strip(), (row.get("exercise") or "").strip()
        ex = next((e for nb in notebooks for e in results.get(trainee, {}).get(nb, {}).get("exercises", [])
                   if e["id"] == eid), None)
        if ex is None or ex["kind"] not in MANUAL_KINDS:
            problems.append(f"line {line}: no hand-graded exercise {eid!r} for trainee {trainee!r} in this run")
            continue
        raw = (row.get("score") or "").strip().replace(",", ".")
        if not raw:
            manual.get(trainee, {}).pop(eid, None)
            continue
        try:
            score = float(raw)
        except ValueError:
            problems.append(f"line {line}: score {raw!r} is not a number")
            continue
        if math.isnan(score) or not 0 <= score <= ex["points"]:
            problems.append(f"line {line}: score {raw} is outside 0..{points_text(ex['points'])} for {eid}")
            continue
        manual.setdefault(trainee, {})[eid] = {"score": score, "comment": (row.get("comment") or "").strip(),
                                               "text": text_digest(ex.get("value"))}
        count += 1
    if problems:
        raise RubricError("nothing merged; fix these rows:\n  " + "\n  ".join(problems))
    write_json(out / MANUAL, {t: v for t, v in sorted(manual.items()) if v})
    write_outputs(out)
    return count
