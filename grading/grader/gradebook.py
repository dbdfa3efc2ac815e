"""A finished grading run's folder: the manifest, cached results, manual scores, and the
outputs written from them (gradebook.csv, results.csv, feedback pages, class report).

    OUT/grading.json          the manifest: notebooks, where each result is cached, limits, keys
    OUT/cache/<trainee>/*.json  one result per (trainee, notebook)
    OUT/manual.json           scores set by hand (rubric merge, override); applied on top, never overwritten

Each result is written in its submission's language (its `lang`), so are the notes added
here; a trainee's feedback page is in the language of their submissions; the class report
is in the instructor's language (`--lang`, else COURSE_LANG, else English).
"""
from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
from pathlib import Path

from ..core import i18n
from ..core import keys as answer_keys
from ..core.i18n import _
from ..core.status import GRADED, SUBMITTED
from .safecsv import write_csv

MANIFEST = "grading.json"
MANUAL = "manual.json"


class GradeError(Exception):
    """A problem with the grading request itself (not with a submission)."""


def safe_name(trainee: str) -> str:
    return re.sub(r"[^\w.-]+", "_", trainee).strip("._") or "trainee"


def points_text(x) -> str:
    """Points as text: 2, 1.5, 0.67 (never 2.0 or 0.6666)."""
    if x is None:
        return ""
    text = f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def write_json(path: Path, data) -> None:
    """Replace the file in one step, so an interrupted run never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def load_results(out: Path) -> tuple[list[str], dict, dict]:
    """(notebooks, trainee -> notebook -> result, manifest) from a finished grading run."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GradeError(_("{folder} holds no finished grading run: run `python -m grading grade` first")
                         .format(folder=out)) from None
    results = {}
    for trainee, entries in manifest["entries"].items():
        for nb, rel in entries.items():
            try:
                results.setdefault(trainee, {})[nb] = json.loads((out / rel).read_text(encoding="utf-8"))["result"]
            except (OSError, ValueError, KeyError):
                raise GradeError(_("the cached result {file} is missing: run `python -m grading grade` again")
                                 .format(file=rel)) from None
    return manifest["notebooks"], results, manifest


def run_keys(notebooks: list[str], manifest: dict) -> dict:
    """The answer key of each notebook, from the keys folder the run was graded with."""
    with answer_keys.using(manifest.get("keys")):
        return {nb: answer_keys.notebook_key(nb) for nb in notebooks}


def load_manual(out: Path) -> dict:
    try:
        return json.loads((out / MANUAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def manual_text(value, labels: bool = True) -> str:
    """The text a person grades: a reflection, or a form's parts one per paragraph (with their labels)."""
    if not isinstance(value, dict):
        return ""
    if value.get("kind") == "text":
        return str(value.get("value", ""))
    if value.get("kind") == "mapping":
        pairs = zip(value.get("keys", []), value.get("values", []))
        return "\n\n".join(f"{k}: {v}" if labels else str(v) for k, v in pairs)
    return ""


def text_digest(value) -> str | None:
    text = manual_text(value)
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16] if text.strip() else None


def answer_digest(ex: dict) -> str | None:
    """What a score set by hand was given for: a reflection's or form's text (spacing ignored), or
    any other answer's canonical value. A different digest later means the answer changed."""
    if ex["kind"] in answer_keys.MANUAL_KINDS:
        return text_digest(ex.get("value"))
    value = json.dumps(ex.get("value"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def apply_manual(results: dict, manual: dict, manifest: dict | None = None) -> None:
    """Scores set by hand replace the automatic ones (never the other way round): rubric scores of
    reflections and forms (with each criterion's points, from the keys of the run's `manifest`), and
    overrides of any other exercise (the automatic verdict stays readable below)."""
    with answer_keys.using((manifest or {}).get("keys")):
        keys = run_keys(manifest["notebooks"], manifest) if manifest else {}
        _apply_manual(results, manual, keys)


def _apply_manual(results: dict, manual: dict, keys: dict) -> None:
    for trainee, by_nb in results.items():
        for nb, result in by_nb.items():
            specs = {spec["id"]: spec for spec in keys.get(nb, {}).get("exercises", [])}
            for ex in result["exercises"]:
                m = manual.get(trainee, {}).get(ex["id"])
                if not m or m.get("score") in (None, ""):
                    continue
                with i18n.use(result.get("lang")):  # in the language of the result's other messages
                    if ex["kind"] in answer_keys.MANUAL_KINDS:
                        ex["message"] = _("Graded by your instructor with the rubric.")
                        ex["details"] = _criteria_lines(nb, specs.get(ex["id"], {}), m.get("criteria"))
                    else:
                        ex["details"] = [ex["message"], *(ex.get("details") or [])]
                        ex["message"] = _("Score set by your instructor (the automatic check gave {earned} of "
                                          "{points}).").format(earned=points_text(ex["earned"]),
                                                               points=points_text(ex["points"]))
                    ex["earned"], ex["status"] = float(m["score"]), GRADED
                    ex["comment"] = m.get("comment") or ""
                    ex["hint"] = None
                    given_for = m.get("answer") or m.get("text")
                    if given_for and given_for != answer_digest(ex):
                        result["notes"].append(_("{exercise}: the answer changed after it was graded by hand")
                                               .format(exercise=ex["id"]))


def _criteria_lines(notebook: str, spec: dict, points: list | None) -> list[str]:
    """'Names a gap …: 1 of 1' per rubric criterion, when the points were given per criterion."""
    from .language import key_text
    rubric = spec.get("rubric") or []
    if not points or len(points) != len(rubric):
        return []
    return [_("{criterion}: {earned} of {points}").format(criterion=key_text(notebook, spec["id"], r["criterion"]),
                                                          earned=points_text(p), points=points_text(r["points"]))
            for r, p in zip(rubric, points)]


def gradebook_rows(notebooks: list[str], results: dict, keys: dict,
                   manifest: dict | None = None) -> tuple[list[str], list[list[str]]]:
    from .deadlines import late_cells, late_columns, penalty
    manifest = manifest or {}
    people = manifest.get("people") or {}
    header = ["trainee"] + (["name", "email"] if people else [])
    for nb in notebooks:
        header += [ex["id"] for ex in keys[nb]["exercises"]]
    header += [f"{nb} total" for nb in notebooks] + late_columns(notebooks, manifest) + ["total", "max", "notes"]
    rows = []
    for trainee in sorted(results):
        person = people.get(trainee) or {}
        row, totals, notes = [trainee] + ([person.get("name", ""), person.get("email", "")] if people else []), [], []
        for nb in notebooks:
            result = results[trainee][nb]
            row += [points_text(ex["earned"]) for ex in result["exercises"]]
            totals.append(sum(ex["earned"] or 0 for ex in result["exercises"]) - penalty(result))
            pending = sum(ex["status"] == SUBMITTED for ex in result["exercises"])
            with i18n.use(result.get("lang")):  # a submission's notes read in one language
                extra = result["notes"] + ([_("{count} answer(s) to grade by hand").format(count=pending)]
                                           if pending else [])
                if result["errors"]:
                    extra.append(_("{count} cell(s) raised errors").format(count=len(result["errors"])))
                if extra:
                    notes.append(f"{nb}: " + _("; ").join(extra))
        with i18n.use(results[trainee][notebooks[0]].get("lang") if notebooks else None):
            if manifest.get("roster") and not person.get("roster"):
                notes.insert(0, _("not on the class list"))
            if person.get("roster") and not any(results[trainee][nb].get("submitted") for nb in notebooks):
                notes = [_("no submission")]
        maximum = sum(ex["points"] for nb in notebooks for ex in keys[nb]["exercises"])
        rows.append(row + [points_text(t) for t in totals] + late_cells(notebooks, results[trainee], manifest)
                    + [points_text(sum(totals)), points_text(maximum), " | ".join(notes)])
    return header, rows


def _write_csv(path: Path, header: list[str], rows) -> None:
    """The CSV (no cell a spreadsheet would run as a formula: safecsv), put in place in one step and
    only when its content differs, so its time stamp tells when it last changed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    write_csv(tmp, header, rows)
    if path.is_file() and filecmp.cmp(tmp, path, shallow=False):
        tmp.unlink()
    else:
        os.replace(tmp, path)


def report_language(manifest: dict, lang: str | None = None) -> str:
    """The class report's language: `lang`, else the run's --lang, else COURSE_LANG, else English."""
    from .language import instructor_language
    return instructor_language(lang or manifest.get("lang"))


def prepared(out: Path) -> tuple[list[str], dict, dict, dict]:
    """(notebooks, results, manifest, keys) of a finished run, with the manual scores and the late
    penalties applied: what every output is written from."""
    from .deadlines import apply_lateness
    notebooks, results, manifest = load_results(out)
    apply_manual(results, load_manual(out), manifest)
    apply_lateness(results, manifest)
    return notebooks, results, manifest, run_keys(notebooks, manifest)


def write_outputs(out: Path, lang: str | None = None, force: bool = False) -> None:
    """gradebook.csv, results.csv, similarity.csv, feedback/<trainee>.html and report.html from the cached results.

    Feedback pages are in each trainee's language; the report in `lang` (see `report_language`).
    A page whose inputs have not changed since it was written is left as it is (`stamps`), unless `force`."""
    from .language import trainee_language
    from .stamps import Stamps, environment
    notebooks, results, manifest, keys = prepared(out)
    stamps = Stamps(out, environment(notebooks, manifest))
    _write_csv(out / "gradebook.csv", *gradebook_rows(notebooks, results, keys, manifest))
    _write_csv(out / "results.csv", ["trainee", "notebook", "exercise", "kind", "status", "points", "max", "message"],
               ([trainee, nb, ex["id"], ex["kind"], ex["status"], points_text(ex["earned"]), points_text(ex["points"]),
                 ex["message"]]
                for trainee in sorted(results) for nb in notebooks for ex in results[trainee][nb]["exercises"]))
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    with answer_keys.using(manifest.get("keys")):  # the keys' translations come from the run's keys folder
        for trainee in sorted(results):
            page_lang = trainee_language(results[trainee])
            rel = f"feedback/{safe_name(trainee)}.html"
            digest = stamps.digest("feedback", trainee, notebooks, results[trainee], keys, page_lang)
            if force or not stamps.fresh(rel, digest):
                from .feedback_pages import write_feedback
                with i18n.use(page_lang):
                    write_feedback(out / rel, trainee, notebooks, results[trainee], keys)
                stamps.wrote(rel, digest)
        report_lang = report_language(manifest, lang)
        run = {k: v for k, v in manifest.items() if k != "entries"}  # threshold, course, keys, …
        digest = stamps.digest("report", notebooks, results, keys, run, report_lang)
        if force or not (stamps.fresh("report.html", digest) and stamps.fresh("similarity.csv", digest)):
            from .class_report import write_report
            from .similarity import SIMILARITY_CSV, similarity_outputs
            similar = similarity_outputs(out, notebooks, results, keys, manifest, _write_csv)
            with i18n.use(report_lang):
                write_report(out / "report.html", notebooks, results, keys, similar)
            stamps.wrote(SIMILARITY_CSV, digest)
            stamps.wrote("report.html", digest)
    stamps.save()
