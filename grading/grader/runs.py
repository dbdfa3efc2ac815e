"""A submission's executions, cached apart from their judgement.

`OUT/cache/<trainee>/<notebook>.run.json` keeps what running a notebook gave (its
`RunLog`: the extracted answers, errors, timeouts), under a hash of what the run
depends on and nothing else: the submission's files, the limits, the variables read
out, the course data, the language its notes are in, and the code that runs it (the
`grading` package a kernel imports, the sandbox and the executor).  The judging code,
the rules and tolerances of the keys are *not* part of it: changing a rule re-judges
the cached answers in seconds, without starting a kernel.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..core.paths import PACKAGE_DIR
from .execute import Limits, RunLog
from .gradebook import safe_name, write_json
from .submissions import Submission

RUN_VERSION = "1"
# What only judges or writes (runs in the grader's process, never in a kernel).
JUDGING = {"grader/verdicts.py", "grader/gradebook.py", "grader/feedback_pages.py", "grader/class_report.py",
           "grader/similarity.py", "grader/rubric.py", "grader/run.py", "grader/runs.py", "grader/fresh.py",
           "grader/safecsv.py", "grader/language.py", "grader/__init__.py", "core/rules.py"}


def execution_files() -> list[Path]:
    """The code a run depends on: the package a kernel imports, the sandbox and the executor."""
    found = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR).as_posix()
        if "__pycache__" in path.parts or rel.startswith("authoring/") or rel in JUDGING:
            continue
        if rel.startswith("grader/") and not (rel.startswith("grader/inkernel/")
                                              or rel in ("grader/execute.py", "grader/submissions.py")):
            continue  # the instructor's tools beside the executor
        found.append(path)
    return found


def code_digest(paths) -> str:
    """Files of the grading package, by name and content."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest_file(h, path)
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def execution_digest() -> str:
    """`execution_files` hashed once per process (not once per submission)."""
    return code_digest(execution_files())


def submission_digest(h, sub: Submission) -> None:
    """Every file of a submission, by name and content, into `h`."""
    for label, path in (("ipynb", sub.ipynb), ("answers", sub.answers)):
        h.update(label.encode())
        digest_file(h, path)
    for src, rel in sorted(sub.files, key=lambda f: f[1]):
        h.update(rel.encode())
        digest_file(h, src)


def digest_file(h, path: Path | None) -> None:
    if path is None or not path.exists():
        h.update(b"<none>")
        return
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)


def data_digest(course: Path) -> str:
    """The course data a kernel gets a copy of (a regenerated dataset runs everyone again)."""
    h = hashlib.sha256()
    folder = course / "datasets"
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file() and path.suffix in (".csv", ".yml", ".json"):
            h.update(path.relative_to(folder).as_posix().encode())
            digest_file(h, path)
    return h.hexdigest()


def run_digest(sub: Submission, limits: Limits, names: list[str], lang: str, data: str) -> str:
    h = hashlib.sha256(f"run {RUN_VERSION} {json.dumps(limits.as_dict(), sort_keys=True)} {lang} {data}".encode())
    h.update(json.dumps(sorted(names)).encode())
    h.update(execution_digest().encode())
    submission_digest(h, sub)
    return h.hexdigest()


def _log(data) -> RunLog | None:
    try:
        return RunLog(**data) if isinstance(data, dict) else None
    except TypeError:  # written by another version
        return None


@dataclass
class RunRecord:
    """One submission's cached runs: on the course data, and on fresh data (by its digest)."""
    path: Path
    digest: str
    log: RunLog | None = None
    fresh: dict = field(default_factory=dict)   # fresh-data digest -> RunLog

    @classmethod
    def load(cls, out: Path, trainee: str, notebook: str, digest: str) -> "RunRecord":
        path = out / "cache" / safe_name(trainee) / f"{notebook}.run.json"
        record = cls(path, digest)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return record
        if isinstance(data, dict) and data.get("hash") == digest:
            record.log = _log(data.get("log"))
            record.fresh = {k: log for k, v in (data.get("fresh") or {}).items() if (log := _log(v))}
        return record

    def keep(self, log: RunLog | None, fresh: str | None = None) -> None:
        """Remember a run, unless the kernel never started (that may go better next time)."""
        if log is None or log.start_error:
            return
        if fresh is None:
            self.log = log
        else:
            self.fresh = {fresh: log}
        try:
            write_json(self.path, {"hash": self.digest, "log": self.log.as_dict() if self.log else None,
                                   "fresh": {k: v.as_dict() for k, v in self.fresh.items()}})
        except (ValueError, TypeError, RecursionError, OSError):
            pass  # not cached: it runs again next time
