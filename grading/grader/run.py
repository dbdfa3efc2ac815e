"""`python -m grading grade SUBMISSIONS --out OUTDIR`: grade a class.

For each (trainee, notebook): read the submission (`submissions`), run the
notebook in a sandboxed kernel (`execute`), and judge the answers here, in the
grader's own process (`verdicts`); then write every output (`gradebook`).

Each submission is judged in its own language (`language`: the notebook's
`metadata.grading.lang`, or `--lang` for everyone); what the instructor reads is in
`--lang`, else COURSE_LANG, else English.  Points never depend on the language.

Each result is cached in OUTDIR/cache under a hash of the submission files, the
key files, the limits, every file of the grading package, and the language it is
written in (with that language's catalogues), so an interrupted run resumes and a
second run over the same folder reproduces the same gradebook byte for byte.
"""
from __future__ import annotations

import asyncio
import dataclasses
import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core import i18n
from ..core import keys as answer_keys
from ..core.i18n import _
from ..core.paths import PACKAGE_DIR, course_root
from .execute import PRELOAD_ORDER, KernelPool, Limits, RunLog, kernel_env, run_notebook
from .gradebook import MANIFEST, GradeError, points_text, safe_name, write_json, write_outputs
from .language import instructor_language, submission_languages
from .similarity import DEFAULT_THRESHOLD
from .submissions import MAX_NOTEBOOK_BYTES, Submission, discover, notebooks_in, read_answers, read_notebook
from .verdicts import Attempt, Result, failed_result, submission_result

GRADER_VERSION = "3"  # 2: results carry their language; 3: and each code answer's source


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
    lang: str | None = None   # every trainee's feedback and notes in this language (None: each their own)
    similarity: float = DEFAULT_THRESHOLD  # pairs of answers at least this similar are listed (similarity.py)


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


def language_files(notebook: str, lang: str) -> list[Path]:
    """The catalogues a result in `lang` is written from: the engine's messages and the key's texts."""
    if lang == i18n.DEFAULT:
        return []
    return [i18n.LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / "grading.po",
            answer_keys.KEYS_DIR / lang / f"{notebook}.po"]


def cache_key(sub: Submission, limits: Limits, lang: str = i18n.DEFAULT) -> str:
    """What a cached result depends on; any change to one of these grades the submission again:
    the grader version and limits, the engine's code, the notebook's key and recorded expected
    values, the language the result is written in and its catalogues, and every file of the
    submission (by name and content)."""
    h = hashlib.sha256(f"grader {GRADER_VERSION} {json.dumps(limits.as_dict(), sort_keys=True)}".encode())
    h.update(f"lang {lang}".encode())
    for path in engine_files():
        h.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        _digest_file(h, path)
    for path in (answer_keys.KEYS_DIR / f"{sub.notebook}.yml", answer_keys.expected_path(sub.notebook),
                 *language_files(sub.notebook, lang)):
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
            raise GradeError(_("no answer key for {notebooks} (keys: {keys})").format(
                notebooks=", ".join(unknown), keys=", ".join(sorted(have)) or _("none")))
        return sorted(set(opts.notebooks))
    chosen = sorted(notebooks_in(opts.submissions) & have)
    if not chosen:
        raise GradeError(_("no submitted notebook in {folder} has an answer key (keys: {keys})").format(
            folder=opts.submissions, keys=", ".join(sorted(have)) or _("none")))
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
        print(f"[{self.done}/{self.total}] {text}  " + _("(eta {seconds} s)").format(seconds=f"{eta:.0f}"),
              flush=True)


def preload_for(path: Path) -> tuple[str, ...]:
    """Libraries a notebook imports: its pre-started kernel imports them while waiting."""
    import re
    try:
        with open(path, "rb") as fh:
            text = fh.read(MAX_NOTEBOOK_BYTES + 1)
    except (OSError, TypeError):
        return ()
    if len(text) > MAX_NOTEBOOK_BYTES:  # not run anyway
        return ()
    found = set(re.findall(r"(?:import|from)\s+(pandas|numpy|matplotlib|seaborn|ipywidgets|grading)\b",
                           text.decode("utf-8", errors="replace")))
    if "seaborn" in found:
        found.add("matplotlib")
    if "matplotlib" in found:
        found.add("matplotlib.pyplot")
    return tuple(m for m in PRELOAD_ORDER if m in found)


async def _grade_one(sub: Submission, key: dict, pool: KernelPool | None, opts: Options, reference,
                     summary: Summary, progress, lang: str = i18n.DEFAULT) -> Result:
    try:
        return await _judge_one(sub, key, pool, opts, reference, summary, progress, lang)
    except (Exception, RecursionError) as exc:  # whatever a submission holds, the class still gets its gradebook
        with i18n.use(lang):
            result = failed_result(sub, key, _("the grader failed on this submission ({error}); tell the "
                                               "course maintainers").format(error=type(exc).__name__))
        progress(f"{sub.trainee} {sub.notebook}: 0 — {result['notes'][0]}")
        return result


async def _judge_one(sub: Submission, key: dict, pool: KernelPool | None, opts: Options, reference,
                     summary: Summary, progress, lang: str = i18n.DEFAULT) -> Result:
    with i18n.use(lang):  # the submission's notes and messages in its own language
        nb, nb_notes = read_notebook(sub.ipynb)
        saved, ans_notes = read_answers(sub.answers, sub.notebook)
        names = [ex["answer"] for ex in key["exercises"] if ex["kind"] == "code"]
        log = None
        started = time.monotonic()
        if nb is not None and names and pool is not None:
            try:
                log = await run_notebook(pool, nb, sub.files, names, opts.limits, preload_for(sub.ipynb))
            except Exception as exc:  # a grader bug on one submission must not stop the class
                log = RunLog(start_error=_("the grader failed on this notebook ({error})")
                             .format(error=f"{type(exc).__name__}: {exc}"))
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

    async def one(sub, key, reference, _needs, digest, lang):
        async with gate:
            result = await _grade_one(sub, key, pool, opts, reference, summary, progress, lang)
        path = cache_path(opts.out, sub.trainee, sub.notebook)
        try:
            write_json(path, {"hash": digest, "result": result})
        except (ValueError, TypeError, RecursionError) as exc:  # a result that cannot be stored still gets a row
            with i18n.use(lang):
                write_json(path, {"hash": digest, "result": failed_result(
                    sub, key, _("the grader failed on this submission ({error}); tell the course maintainers")
                    .format(error=type(exc).__name__))})
        summary.graded += 1

    try:
        await asyncio.gather(*(one(*t) for t in todo))
    finally:
        if pool:
            await pool.close()
        shutil.rmtree(scratch, ignore_errors=True)


def grade(opts: Options) -> Summary:
    """Grade every submission (resuming from the cache), then write every output."""
    try:
        lang = i18n.normalise(opts.lang) if opts.lang else None
    except ValueError as exc:
        raise GradeError(str(exc)) from None
    if not 0 < opts.similarity <= 1:
        raise GradeError(_("the similarity threshold must be above 0 and at most 1 (got {value})")
                         .format(value=opts.similarity))
    opts = dataclasses.replace(opts, course=Path(opts.course or course_root()).resolve(),
                               submissions=Path(opts.submissions), out=Path(opts.out), lang=lang)
    with i18n.use(instructor_language(opts.lang)):
        return _grade(opts)


def _grade(opts: Options) -> Summary:
    if not opts.submissions.is_dir():
        raise GradeError(_("{folder} is not a folder").format(folder=opts.submissions))
    summary = Summary(out=opts.out)
    with answer_keys.using(opts.keys):
        notebooks = select_notebooks(opts)
        keys = {nb: answer_keys.notebook_key(nb) for nb in notebooks}
        subs = discover(opts.submissions, notebooks)
        if not subs:
            raise GradeError(_("no submissions found in {folder}").format(folder=opts.submissions))
        opts.out.mkdir(parents=True, exist_ok=True)
        references = functools.cache(_reference)  # only for notebooks to grade: reading nbformat costs ~2 s
        todo, entries = [], {}
        for trainee in sorted(subs):
            langs = submission_languages(subs[trainee], opts.lang)
            for nb in notebooks:
                sub = subs[trainee][nb]
                digest = cache_key(sub, opts.limits, langs[nb])
                path = cache_path(opts.out, trainee, nb)
                entries.setdefault(trainee, {})[nb] = path.relative_to(opts.out).as_posix()
                if not opts.force and load_cached(path, digest) is not None:
                    summary.cached += 1
                    continue
                needs = sub.ipynb is not None and any(ex["kind"] == "code" for ex in keys[nb]["exercises"])
                todo.append((sub, keys[nb], references(opts.course, nb), needs, digest, langs[nb]))
        progress = _Progress(len(todo), opts.quiet)
        if not opts.quiet and summary.cached:
            print(_("{cached} result(s) already graded (cached); {todo} to grade").format(
                cached=summary.cached, todo=len(todo)), flush=True)
        if todo:
            asyncio.run(_run(todo, opts, summary, progress))
        write_json(opts.out / MANIFEST, {"format": 1, "notebooks": notebooks, "entries": entries,
                                         "limits": opts.limits.as_dict(), "lang": opts.lang,
                                         "similarity": opts.similarity, "course": str(opts.course),
                                         "keys": str(Path(opts.keys).resolve()) if opts.keys else None})
        write_outputs(opts.out, i18n.language(), force=opts.force)
    return summary
