"""`python -m grading handout DIR`: the folder an instructor gives to trainees.

    DIR/notebooks/NN-slug.ipynb   trainee notebooks (released from the masters)
    DIR/lessons/NN-slug.md        lessons without their instructor notes
    DIR/datasets/                 the data, without FINDINGS.md (instructor-only) or the generator
    DIR/grading/                  the trainee's part of the engine (no grader); keys without
                                  (unless --solutions) `solution` texts, and sealed (`core/seal.py`):
                                  right answers as salted hashes, numbers, feedback and hidden rules
                                  veiled; --exam: no right answers and no hidden rules at all
    DIR/pyproject.toml, constraints.txt, Makefile, environment.yml, README.md
    DIR/.course-lang              the language it was released in (`make lab` there keeps it)

`make lab` works there: the workspace step releases DIR/notebooks again, which
leaves trainee notebooks as they are.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..core.i18n import LANG_FILE
from ..core.paths import KEYS_DIR, PACKAGE_DIR

MARKER = ".handout"
TOP_FILES = ("pyproject.toml", "constraints.txt", "Makefile", "environment.yml", "README.md", "README.zh-CN.md",
             "LICENSE")
DATA_EXCLUDE = ("FINDINGS.md", "generate.py", "generator", "__pycache__", "*.pyc", ".*")
# `make lab` in the hand-out needs the front door, the core, the trainee side, and the
# release and workspace steps; the grader and the authoring tools stay with the instructor.
SHIPPED = ("__init__.py", "__main__.py", "cli.py", "core/*.py", "trainee/*.py", "locale/*/LC_MESSAGES/*.po",
           "authoring/__init__.py", "authoring/release.py", "authoring/workspace.py")


class HandoutError(ValueError):
    pass


# An unsealed trainee key replaces hidden rules by this placeholder: check() then still tells the
# trainee "Further checks run when your work is graded" (a sealed key ships them veiled instead).
WITHHELD = {"type": "withheld", "message": "Further checks run when your work is graded."}


# An exam hand-out keeps what a widget needs to be shown and answered, and nothing that says
# which answer is right: no `correct` flags, buckets, expected numbers, reply points or
# feedback, and the order steps shuffled.  Every check then says "saved; graded later".
EXAM_DROP = {"correct", "bucket", "feedback", "expected", "tol", "partial_tol", "feedback_low",
             "feedback_high", "success", "hints", "rule", "hidden", "advice", "message"}


def trainee_key(key: dict, solutions: bool = False, exam: bool = False, sealed: bool = False,
                expected: dict | None = None) -> dict:
    """A key without what only the instructor may see (in an exam: without any right answer).

    sealed=True (the default hand-out): right answers as salted hashes, numbers and feedback
    veiled (`core/seal.py`); `expected` (the notebook's recorded values) seals text answers.
    """
    from ..core.seal import seal_exercise
    out = dict(key)
    out["exercises"] = []
    for ex in key["exercises"]:
        ex = {k: v for k, v in ex.items() if solutions and not exam or k != "solution"}
        if exam:
            ex = _exam_exercise(ex)
        elif sealed:  # hidden rules ship veiled: the check says at once what grading will cost
            ex = seal_exercise(key["notebook"], ex, (expected or {}).get(ex["id"]))
        elif ex.get("hidden"):
            ex["hidden"] = [dict(WITHHELD)]
        out["exercises"].append(ex)
    return out


def _exam_exercise(ex: dict) -> dict:
    from ..core.widget_models import stable_shuffle

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in EXAM_DROP}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    points = ex["points"]
    out = strip(ex)
    out["points"], out["exam"] = points, True
    if "steps" in out:
        out["steps"] = stable_shuffle(ex["id"], out["steps"])
    for node in out.get("nodes", {}).values():  # a role-play's reply points say which is best
        for reply in node.get("replies") or []:
            reply.pop("points", None)
    return out


def copy_keys(target: Path, solutions: bool, exam: bool = False, source: Path = KEYS_DIR) -> None:
    """The trainee's keys from the instructor's (`source`): as a default, solutions or exam
    hand-out ships them (the grader's kernels also see the exam version)."""
    import json

    import yaml

    from ..core.seal import is_sealed_text, seal_expected
    target.mkdir(parents=True, exist_ok=True)
    shipped = {}
    for path in sorted(source.glob("*.yml")):
        open_key = yaml.safe_load(path.read_text(encoding="utf-8"))
        recorded = path.with_name(f"{path.stem}.expected.json")
        values = json.loads(recorded.read_text(encoding="utf-8")) if recorded.exists() else {}
        key = trainee_key(open_key, solutions, exam, sealed=not exam, expected=values)
        (target / path.name).write_text(yaml.safe_dump(key, sort_keys=False, allow_unicode=True, width=100),
                                        encoding="utf-8")
        shipped[path.stem] = key
        if not exam and recorded.exists():  # an exam hand-out carries no expected value at all
            texts = {ex["id"] for ex in key["exercises"] if is_sealed_text(ex)}
            (target / recorded.name).write_text(json.dumps(seal_expected(values, texts), indent=0),
                                                encoding="utf-8")
    for path in sorted(source.glob("*/*.po")):  # widget and check text in every language
        (target / path.parent.name).mkdir(exist_ok=True)
        if exam or not solutions:  # only the text of what is shipped: no feedback that gives answers away
            _write_catalogue_for(path, shipped.get(path.stem), target / path.parent.name / path.name)
        else:
            shutil.copyfile(path, target / path.parent.name / path.name)


def _write_catalogue_for(source: Path, key: dict | None, target: Path) -> None:
    import io
    from babel.messages.pofile import read_po, write_po
    from .translations import key_messages
    wanted = list(key_messages(key)) if key else []
    with open(source, "rb") as fh:
        catalog = read_po(fh)
    kept = {(m.context or "", m.id): m for m in catalog if m.id}
    for message in kept.values():
        catalog.delete(message.id, message.context)
    # in the shipped key's order: the source's order would tell the right order of `steps`
    for message in (kept[w] for w in dict.fromkeys(wanted) if w in kept):
        message.locations, message.auto_comments = [], []
        catalog[message.id] = message
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False, sort_output=False)
    target.write_bytes(buffer.getvalue())


def _copy_package(target: Path, solutions: bool, exam: bool = False) -> None:
    """The trainee's part of the engine: no grader, no sandbox, no authoring tools."""
    for rel in SHIPPED:
        for path in sorted(PACKAGE_DIR.glob(rel)):
            dst = target / path.relative_to(PACKAGE_DIR)
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dst)
    copy_keys(target / "keys", solutions, exam)


def handout(course: Path, out: Path, solutions: bool = False, lang: str = "en", exam: bool = False) -> int:
    """Write the hand-out folder; returns the number of files written."""
    from .release import ReleaseError, release_course
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise HandoutError(f"{out} exists and is not an earlier hand-out folder; choose an empty folder")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            notebooks = release_course(course, Path(tmp), lang)
        except ReleaseError as exc:
            raise HandoutError(str(exc)) from None
        (out / "notebooks").mkdir()
        for nb in notebooks:
            shutil.copyfile(nb, out / "notebooks" / nb.name)
        shutil.copytree(Path(tmp) / "lessons", out / "lessons")
        shutil.copyfile(Path(tmp) / LANG_FILE, out / LANG_FILE)  # `make lab` there opens in this language
    if (course / "datasets").is_dir():
        shutil.copytree(course / "datasets", out / "datasets", ignore=shutil.ignore_patterns(*DATA_EXCLUDE))
    _copy_package(out / "grading", solutions, exam)
    if (course / "share").is_dir():  # Voila's page template for the course in Chinese
        shutil.copytree(course / "share", out / "share")
    for name in TOP_FILES:
        if (course / name).is_file():
            shutil.copyfile(course / name, out / name)
    (out / MARKER).write_text("written by `python -m grading handout`; safe to replace\n", encoding="utf-8")
    return sum(1 for p in out.rglob("*") if p.is_file())
