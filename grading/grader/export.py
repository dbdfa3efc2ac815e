"""`python -m grading export OUTDIR --format moodle|canvas|summary [--bom]`: the grades in the shape an
LMS imports, one column per module (late penalties and manual scores applied, as in gradebook.csv).

    moodle   Grades ▸ Import ▸ CSV file: Username, Full name, Email address, then per module its
             points, maximum and percentage, then the totals.  Map Username (or Email address) to
             the user, and each module's points or percentage to a grade item.
    canvas   Grades ▸ Import: Student, ID, SIS User ID, SIS Login ID, Section, one column per module,
             and Canvas's "Points Possible" line with each module's maximum (Canvas works out the
             percentages itself; an extra column would become an extra assignment).  ID is the
             Canvas user id, from `collect` or a class list exported from Canvas.
    summary  per module points, maximum and percentage, for a spreadsheet (with a BOM by default).

`--bom` starts the file with a UTF-8 byte order mark so Excel opens Chinese names correctly on a
double-click; both LMSs read such files too.
"""
from __future__ import annotations

from pathlib import Path

from ..core.i18n import _
from .deadlines import penalty
from .gradebook import GradeError, points_text, prepared
from .safecsv import write_csv

FORMATS = ("moodle", "canvas", "summary")


def _percent(earned: float, maximum: float) -> str:
    return points_text(100 * earned / maximum) if maximum else ""


def export(out: Path, fmt: str, path: Path | None = None, bom: bool | None = None) -> tuple[Path, int]:
    """Write the export; returns (file, number of trainees)."""
    if fmt not in FORMATS:
        raise GradeError(_("unknown export format {format}: use {formats}").format(
            format=repr(fmt), formats=", ".join(FORMATS)))
    notebooks, results, manifest, keys = prepared(out)
    people = manifest.get("people") or {}
    maxima = {nb: sum(ex["points"] for ex in keys[nb]["exercises"]) for nb in notebooks}
    header, rows = [], []
    if fmt == "canvas":
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"] + notebooks
        rows.append(["Points Possible", "", "", "", ""] + [points_text(maxima[nb]) for nb in notebooks])
    elif fmt == "moodle":
        header = ["Username", "Full name", "Email address"]
    else:
        header = ["trainee", "name", "email"]
    if fmt != "canvas":
        for nb in notebooks:
            header += [nb, f"{nb} max", f"{nb} %"]
        header += ["Total", "Total max", "Total %"] if fmt == "moodle" else ["total", "max", "%"]
    for trainee in sorted(results):
        person = people.get(trainee) or {}
        earned = {nb: sum(ex["earned"] or 0 for ex in results[trainee][nb]["exercises"]) - penalty(
            results[trainee][nb]) for nb in notebooks}
        if fmt == "canvas":
            rows.append([person.get("name") or trainee, person.get("lms_user", ""), "", trainee, ""]
                        + [points_text(earned[nb]) for nb in notebooks])
            continue
        row = [trainee, person.get("name", ""), person.get("email", "")]
        for nb in notebooks:
            row += [points_text(earned[nb]), points_text(maxima[nb]), _percent(earned[nb], maxima[nb])]
        total, maximum = sum(earned.values()), sum(maxima.values())
        rows.append(row + [points_text(total), points_text(maximum), _percent(total, maximum)])
    path = path or out / f"export-{fmt}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_csv(path, header, rows, bom=(fmt == "summary") if bom is None else bom)
    return path, len(results)
