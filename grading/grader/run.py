"""`python -m grading grade SUBMISSIONS --out OUTDIR`: grade a class.

For each (trainee, notebook): read the submission (`submissions`), run the
notebook in a sandboxed kernel (`execute`), and judge the answers here, in the
grader's own process (`verdicts`); then write every output (`gradebook`).

Each result is cached in OUTDIR/cache under a hash of the submission files, the
key files, the limits and every file of the grading package, so an interrupted
run resumes and a second run over the same folder reproduces the same gradebook
byte for byte.
"""
from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core import keys as answer_keys
from ..core.paths import PACKAGE_DIR, course_root
from .execute import PRELOAD_ORDER, KernelPool, Limits, RunLog, kernel_env, run_notebook
from .gradebook import MANIFEST, GradeError, points_text, safe_name, write_json, write_outputs
from .submissions import Submission, discover, notebooks_in, read_answers, read_notebook
from .verdicts import Attempt, Result, submission_result

GRADER_VERSION = "1"


@dataclass(frozen=True)
class Options:
    submissions: Path
    out: Path
    notebooks: list[str] | None = None
    jobs: int = 0
    limits: Limits = field(default_factory=Limits)
    course: Path | None = None
    keys: Path | None = None
    force: bool = False
    quiet: bool = False


@dataclass
class Summary:
    graded: int = 0
    cached: int = 0
    seconds: dict = field(default_factory=dict)  # (trainee, notebook) -> seconds of execution
    out: Path | None = None


# -- the cache ---------------------------------------------------------------------------

def _digest_file(h, path: Path | None) -> None:
    if path is None:
        h.update(b"<none>")
        return
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)


def engine_files() -> list[Path]:
    """Every file of the grading package except the keys (hashed per notebook)."""
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def cache_key(sub: Submission, limits: Limits) -> str:
    """What a cached result depends on; any change to one of these grades the submission again:
    the grader version and limits, the engine's code, the notebook's key and recorded expected
    values, and every file of the submission (by name and content)."""
    h = hashlib.sha256(f"grader {GRADER_VERSION} {json.dumps(limits.as_dict(), sort_keys=True)}".encode())
    for path in engine_files():
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        _digest_file(h, path)
    for path in (answer_keys.KEYS_DIR / f"{sub.notebook}.yml", answer_keys.expected_path(sub.notebook)):
        h.update(path.name.encode())
        _digest_file(h, path if path.exists() else None)
    for label, path in (("ipynb", sub.ipynb), ("answers", sub.answers)):
        h.update(label.encode())
        _digest_file(h, path)
    for src, rel in sorted(sub.files, key=lambda f: f[1]):
        h.update(rel.encode())
        _digest_file(h, src)
    return h.hexdigest()


def cache_path(out: Path, trainee: str, notebook: str) -> Path:
    return out / "cache" / safe_name(trainee) / f"{notebook}.json"


def load_cached(path: Path, digest: str) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("result") if data.get("hash") == digest else None


# -- the run -------------------------------------------------------------------------------

def _reference(course: Path, notebook: str):
    """The trainee release of the master, to spot deleted or re-ordered cells (None if absent)."""
    master = course / "notebooks" / f"{notebook}.ipynb"
    if not master.exists():
        return None
    try:
        import nbformat
        from ..authoring.release import release_notebook
        return release_notebook(nbformat.read(master, as_version=4), notebook)
    except Exception:
        return None


def select_notebooks(opts: Options) -> list[str]:
    have = {p.stem for p in answer_keys.key_files()}
    if opts.notebooks:
        unknown = [n for n in opts.notebooks if n not in have]
        if unknown:
            raise GradeError(f"no answer key for {', '.join(unknown)} (keys: {', '.join(sorted(have)) or 'none'})")
        return sorted(set(opts.notebooks))
    chosen = sorted(notebooks_in(opts.submissions) & have)
    if not chosen:
        raise GradeError(f"no submitted notebook in {opts.submissions} has an answer key "
                         f"(keys: {', '.join(sorted(have)) or 'none'})")
    return chosen


class _Progress:
    def __init__(self, total: int, quiet: bool):
        self.total, self.done, self.quiet, self.start = total, 0, quiet, time.monotonic()

    def __call__(self, text: str) -> None:
        self.done += 1
        if self.quiet:
            return
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        print(f"[{self.done}/{self.total}] {text}  (eta {eta:.0f} s)", flush=True)


def preload_for(path: Path) -> tuple[str, ...]:
    """Libraries a notebook imports: its pre-started kernel imports them while waiting."""
    import re
    try:
        found = set(re.findall(r"(?:import|from)\s+(pandas|numpy|matplotlib|seaborn|ipywidgets|grading)\b",
                               path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return ()
    if "seaborn" in found:
        found.add("matplotlib")
    if "matplotlib" in found:
        found.add("matplotlib.pyplot")
    return tuple(m for m in PRELOAD_ORDER if m in found)


async def _grade_one(sub: Submission, key: dict, pool: KernelPool | None, opts: Options, reference,
                     summary: Summary, progress) -> Result:
    nb, nb_notes = read_notebook(sub.ipynb)
    saved, ans_notes = read_answers(sub.answers, sub.notebook)
    names = [ex["answer"] for ex in key["exercises"] if ex["kind"] == "code"]
    log = None
    started = time.monotonic()
    if nb is not None and names and pool is not None:
        try:
            log = await run_notebook(pool, nb, sub.files, names, opts.limits, preload_for(sub.ipynb))
        except Exception as exc:  # a grader bug on one submission must not stop the class
            log = RunLog(start_error=f"the grader failed on this notebook ({type(exc).__name__}: {exc})")
    summary.seconds[(sub.trainee, sub.notebook)] = time.monotonic() - started
    result = submission_result(sub, key, Attempt(nb, nb_notes, saved, ans_notes, log), opts.limits, reference)
    earned = sum(e["earned"] or 0 for e in result["exercises"])
    total = sum(e["points"] for e in result["exercises"])
    progress(f"{sub.trainee} {sub.notebook}: {points_text(earned)}/{points_text(total)}"
             + (f" — {result['notes'][0]}" if result["notes"] else ""))
    return result


async def _run(todo: list, opts: Options, summary: Summary, progress) -> None:
    jobs = opts.jobs or os.cpu_count() or 1
    needs_kernel = [t for t in todo if t[3]]
    scratch = Path(tempfile.mkdtemp(prefix="ck-grade-"))
    pool = KernelPool(opts.limits, kernel_env(opts.course), scratch, spare=jobs) if needs_kernel else None
    if pool:
        pool.want(preload_for(t[0].ipynb) for t in needs_kernel)
    gate = asyncio.Semaphore(jobs)

    async def one(sub, key, reference, _needs, digest):
        async with gate:
            result = await _grade_one(sub, key, pool, opts, reference, summary, progress)
        write_json(cache_path(opts.out, sub.trainee, sub.notebook), {"hash": digest, "result": result})
        summary.graded += 1

    try:
        await asyncio.gather(*(one(*t) for t in todo))
    finally:
        if pool:
            await pool.close()
        shutil.rmtree(scratch, ignore_errors=True)


def grade(opts: Options) -> Summary:
    """Grade every submission (resuming from the cache), then write every output."""
    opts = dataclasses.replace(opts, course=Path(opts.course or course_root()).resolve(),
                               submissions=Path(opts.submissions), out=Path(opts.out))
    if not opts.submissions.is_dir():
        raise GradeError(f"{opts.submissions} is not a folder")
    summary = Summary(out=opts.out)
    with answer_keys.using(opts.keys):
        notebooks = select_notebooks(opts)
        keys = {nb: answer_keys.notebook_key(nb) for nb in notebooks}
        subs = discover(opts.submissions, notebooks)
        if not subs:
            raise GradeError(f"no submissions found in {opts.submissions}")
        opts.out.mkdir(parents=True, exist_ok=True)
        references = {nb: _reference(opts.course, nb) for nb in notebooks}
        todo, entries = [], {}
        for trainee in sorted(subs):
            for nb in notebooks:
                sub = subs[trainee][nb]
                digest = cache_key(sub, opts.limits)
                path = cache_path(opts.out, trainee, nb)
                entries.setdefault(trainee, {})[nb] = path.relative_to(opts.out).as_posix()
                if not opts.force and load_cached(path, digest) is not None:
                    summary.cached += 1
                    continue
                needs = sub.ipynb is not None and any(ex["kind"] == "code" for ex in keys[nb]["exercises"])
                todo.append((sub, keys[nb], references[nb], needs, digest))
        progress = _Progress(len(todo), opts.quiet)
        if not opts.quiet and summary.cached:
            print(f"{summary.cached} result(s) already graded (cached); {len(todo)} to grade", flush=True)
        if todo:
            asyncio.run(_run(todo, opts, summary, progress))
        write_json(opts.out / MANIFEST, {"format": 1, "notebooks": notebooks, "entries": entries,
                                         "limits": opts.limits.as_dict(),
                                         "keys": str(Path(opts.keys).resolve()) if opts.keys else None})
        write_outputs(opts.out)
    return summary
