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
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core import i18n
from ..core import keys as answer_keys
from ..core.i18n import _
from ..core.paths import PACKAGE_DIR, course_root
from ..core.status import CORRECT
from . import fresh as fresh_data
from . import runs
from .execute import Limits, RunLog, preload_for, walls, walls_available
from .executors import Executor, ExecutorLost, LocalExecutor
from .gradebook import MANIFEST, GradeError, safe_name, write_json, write_outputs
from .language import instructor_language, submission_languages
from .progress import Progress
from .similarity import DEFAULT_THRESHOLD
from .submissions import Submission, discover, notebooks_in, read_answers, read_notebook
from .verdicts import Attempt, Result, failed_result, submission_result
from .collect import read_mapping
from .deadlines import run_deadlines, submission_times
from .roster import RosterError, class_people

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
    fresh: str | None = None       # fresh-data grading: "flag" or "zero" (fresh.py); None: off
    fresh_seed: int | None = None  # the variant's seed (None: drawn once per output folder)
    roster: Path | None = None  # the class list: everyone on it gets a row (roster.py)
    due: tuple = ()             # deadlines, "TIME" or "NOTEBOOK=TIME" (deadlines.py)
    late_penalty: float = 0.0   # % of a notebook's points per started day late
    extensions: Path | None = None  # CSV: trainee, due[, notebook]
    scheduler: object = None  # a Dask scheduler (address, scheduler file, Client or cluster): run there (cluster.py)


@dataclass
class Summary:
    graded: int = 0
    cached: int = 0
    executed: int = 0   # notebooks run in a kernel (the rest were judged from cached runs)
    seconds: dict = field(default_factory=dict)  # (trainee, notebook) -> seconds of execution
    workers: dict = field(default_factory=dict)  # where it ran ("local", a worker's address) -> [notebooks, seconds]
    startup_seconds: float = 0.0  # of the workers' seconds: this machine's kernel factories starting, once
    fresh_seconds: float = 0.0   # of which on fresh data, plus drawing the data and the masters' runs
    output_seconds: float = 0.0  # writing the gradebook, feedback pages and report
    out: Path | None = None


# -- the cache ---------------------------------------------------------------------------

def engine_files() -> list[Path]:
    """Every file of the grading package except the keys (hashed per notebook)."""
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def language_files(notebook: str, lang: str) -> list[Path]:
    """The catalogues a result in `lang` is written from: the engine's messages and the key's texts."""
    if lang == i18n.DEFAULT:
        return []
    return [i18n.LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / "grading.po",
            answer_keys.KEYS_DIR / lang / f"{notebook}.po"]


@functools.lru_cache(maxsize=None)
def _engine_digest() -> str:
    """The grading package's code, hashed once per process (not once per submission)."""
    return runs.code_digest(engine_files())


def cache_key(sub: Submission, limits: Limits, lang: str = i18n.DEFAULT, fresh: str = "") -> str:
    """What a cached result depends on; any change to one of these grades the submission again:
    the grader version and limits, the engine's code, the notebook's key and recorded expected
    values, the language the result is written in and its catalogues, fresh-data grading's
    settings and inputs (`fresh.digest`), and every file of the submission (by name and content)."""
    h = hashlib.sha256(f"grader {GRADER_VERSION} {json.dumps(limits.as_dict(), sort_keys=True)}".encode())
    h.update(f"lang {lang}".encode())
    h.update(f"fresh {fresh}".encode())
    h.update(_engine_digest().encode())
    for path in (answer_keys.KEYS_DIR / f"{sub.notebook}.yml", answer_keys.expected_path(sub.notebook),
                 *language_files(sub.notebook, lang)):
        h.update(path.name.encode())
        runs.digest_file(h, path)
    runs.submission_digest(h, sub)
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


def _earlier_run(out: Path, notebooks: list[str]) -> dict:
    """What an earlier run wrote into this output folder for the other modules, which this run keeps
    (grading week 4 into the folder of weeks 1-3 keeps those in the gradebook and feedback)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        have = {p.stem for p in answer_keys.key_files()}
        kept = [nb for nb in manifest["notebooks"] if nb not in notebooks and nb in have]
        entries = {t: {nb: rel for nb, rel in by.items() if nb in kept and (out / rel).is_file()}
                   for t, by in manifest["entries"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {"notebooks": [], "entries": {}, "times": {}, "deadlines": {}, "people": {}, "roster": False}
    return {"notebooks": kept, "entries": {t: by for t, by in entries.items() if by},
            "times": manifest.get("times") or {}, "deadlines": manifest.get("deadlines") or {},
            "people": manifest.get("people") or {}, "roster": bool(manifest.get("roster"))}


def _warn_lms_names(subs: dict, quiet: bool) -> None:
    """Folders named as an LMS download names them would become trainee ids no LMS can import."""
    from .collect import MOODLE_FOLDER
    named = sorted(t for t in subs if MOODLE_FOLDER.match(t))
    if named and not quiet:
        print(_("warning: {count} trainee folder(s) are named as in a Moodle download (such as {example}); "
                "run `python -m grading collect DOWNLOAD --lms moodle --out FOLDER` first, so the gradebook "
                "has ids the LMS can import").format(count=len(named), example=named[0]), file=sys.stderr)


def _merged_deadlines(now: dict, before: dict, kept: list[str]) -> dict:
    """This run's deadline rules, plus the earlier ones of the modules it keeps."""
    merged = {part: {nb: v for nb, v in (before.get(part) or {}).items() if nb in kept}
              for part in ("due", "penalty")}
    merged["extensions"] = {t: {nb: v for nb, v in by.items() if nb in kept}
                            for t, by in (before.get("extensions") or {}).items()}
    for part in ("due", "penalty"):
        merged[part].update(now.get(part, {}))
    for trainee, by in now.get("extensions", {}).items():
        merged["extensions"].setdefault(trainee, {}).update(by)
    return merged if merged["due"] else {}


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
        raise GradeError(_("no submitted notebook in {folder} has an answer key (keys: {keys}); the grader "
                           "reads TRAINEE/NN-slug.ipynb or TRAINEE__NN-slug.ipynb; for a Moodle or Canvas "
                           "download run `python -m grading collect` first").format(
            folder=opts.submissions, keys=", ".join(sorted(have)) or _("none")))
    return chosen


@dataclass
class _Item:
    """One (trainee, notebook) to judge."""
    sub: Submission
    key: dict
    reference: object
    digest: str            # of the result (cache_key)
    lang: str
    runs: runs.RunRecord   # its cached runs
    fresh: str = ""        # fresh.digest for its notebook ("" when fresh-data grading is off)
    transient: bool = False  # its kernel could not start: graded again by the next run

    @property
    def names(self) -> list[str]:
        return [ex["answer"] for ex in self.key["exercises"] if ex["kind"] == "code"]

    @property
    def must_run(self) -> bool:
        return self.sub.ipynb is not None and bool(self.names) and self.runs.log is None


async def _grade_one(item: _Item, executor: Executor | None, opts: Options, summary: Summary, progress,
                     fresh: fresh_data.FreshRun | None = None) -> Result:
    try:
        return await _judge_one(item, executor, opts, summary, progress, fresh)
    except ExecutorLost:
        raise
    except (Exception, RecursionError) as exc:  # whatever a submission holds, the class still gets its gradebook
        with i18n.use(item.lang):
            result = failed_result(item.sub, item.key, _("the grader failed on this submission ({error}); tell "
                                                         "the course maintainers").format(error=type(exc).__name__))
        progress(f"{item.sub.trainee} {item.sub.notebook}", result["notes"][0])
        return result


async def _judge_one(item: _Item, executor: Executor | None, opts: Options, summary: Summary, progress,
                     fresh: fresh_data.FreshRun | None = None) -> Result:
    sub, key = item.sub, item.key
    with i18n.use(item.lang):  # the submission's notes and messages in its own language
        nb, nb_notes = read_notebook(sub.ipynb)
        saved, ans_notes = read_answers(sub.answers, sub.notebook)
        log = item.runs.log  # a cached run: judged again without running anything
        started = time.monotonic()
        if log is None and nb is not None and item.names and executor is not None:
            try:
                log = await executor.run(sub, nb, sub.files, item.names, opts.limits, preload_for(sub.ipynb),
                                         opts.course)
            except ExecutorLost:
                raise
            except Exception as exc:  # a grader bug on one submission must not stop the class
                log = RunLog(start_error=_("the grader failed on this notebook ({error})")
                             .format(error=f"{type(exc).__name__}: {exc}"))
            summary.executed += 1
            item.runs.keep(log)
            item.transient = bool(log.start_error)
        summary.seconds[(sub.trainee, sub.notebook)] = time.monotonic() - started
        result = submission_result(sub, key, Attempt(nb, nb_notes, saved, ans_notes, log), opts.limits,
                                   item.reference)
        if fresh is not None and log is not None and _worth_checking(result, key):
            expected = await fresh.master(key)
            if expected:
                fresh_log = item.runs.fresh.get(item.fresh)
                if fresh_log is None:
                    fresh_log = await fresh.run(nb, sub.files, item.names, preload_for(sub.ipynb))
                    summary.executed += 1
                    item.runs.keep(fresh_log, item.fresh)
                result = fresh_data.judge(result, key, fresh_log, expected, fresh.settings)
    progress(f"{sub.trainee} {sub.notebook}", result["notes"][0] if result["notes"] else None)
    return result


def _worth_checking(result: Result, key: dict) -> bool:
    """Whether any code answer is right and could change with the data (else no second run)."""
    code = {spec["id"] for spec in key["exercises"] if spec["kind"] == "code" and spec.get("fresh") is not False}
    return any(ex["id"] in code and ex["status"] == CORRECT for ex in result["exercises"])


async def _walls(opts: Options, scratch: Path) -> dict | None:
    """What every grading kernel is walled off from (execute.walls), or None where the machine
    does not allow it (the run then says so)."""
    if not await asyncio.to_thread(walls_available):
        if not opts.quiet:
            print(_("warning: this machine does not let the grader wall off its kernels (Linux mount "
                    "namespaces): a submission could read the answer keys; see GRADING.md"), flush=True)
        return None
    from ..authoring.handout import copy_keys
    exam = scratch / "exam-keys"
    await asyncio.to_thread(copy_keys, exam, False, True, answer_keys.KEYS_DIR)
    return walls(opts.course, [answer_keys.KEYS_DIR, opts.submissions, opts.out, scratch], exam)


async def _executor(opts: Options, to_run: list[_Item], scratch: Path, walled: dict | None) -> Executor:
    """Where the notebooks run: this machine, or the Dask cluster of `--scheduler` (cluster.py, whose
    workers wall their kernels off themselves)."""
    if opts.scheduler is None:
        executor = LocalExecutor(opts.limits, opts.jobs or os.cpu_count() or 1, scratch, walled)
    else:
        from .cluster import DaskExecutor
        probe = [p for item in to_run[:3] for p in (item.sub.ipynb, item.sub.answers) if p]
        executor = await DaskExecutor.connect(opts.scheduler, [*probe, opts.course / "datasets"])
    executor.plan([preload_for(item.sub.ipynb) for item in to_run], opts.course)
    return executor


async def _run(todo: list[_Item], opts: Options, summary: Summary, progress, fresh_settings=None) -> None:
    jobs = opts.jobs or os.cpu_count() or 1
    to_run = [item for item in todo if item.must_run]
    may_run = to_run or (fresh_settings is not None and any(item.names for item in todo))
    scratch = Path(tempfile.mkdtemp(prefix="ck-grade-"))
    executor = fresh = None
    tasks: list = []

    async def one(item: _Item, gate: asyncio.Semaphore):
        async with gate:
            result = await _grade_one(item, executor, opts, summary, progress, fresh)
        path = cache_path(opts.out, item.sub.trainee, item.sub.notebook)
        try:
            # a kernel that could not start may start next time: the row is written, never reused
            write_json(path, {"hash": "" if item.transient else item.digest, "result": result})
        except (ValueError, TypeError, RecursionError) as exc:  # a result that cannot be stored still gets a row
            with i18n.use(item.lang):
                write_json(path, {"hash": item.digest, "result": failed_result(
                    item.sub, item.key, _("the grader failed on this submission ({error}); tell the course "
                                          "maintainers").format(error=type(exc).__name__))})
        summary.graded += 1

    try:
        walled = await _walls(opts, scratch) if may_run else None  # a cluster's workers raise their own
        if to_run:
            executor = await _executor(opts, to_run, scratch, walled)
        if fresh_settings is not None and may_run:
            fresh = fresh_data.FreshRun(fresh_settings, opts.course, opts.out, scratch, opts.limits, jobs, walled)
        gate = asyncio.Semaphore(executor.slots if executor is not None else jobs)
        tasks = [asyncio.ensure_future(one(item, gate)) for item in todo]
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:  # the engine failed, or Ctrl-C: nothing is left running on its own
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if executor is not None:
            summary.startup_seconds = getattr(executor, "startup_seconds", 0.0)
            await executor.close()
            summary.workers = executor.busy
        if fresh:
            await fresh.close()
            summary.fresh_seconds += fresh.seconds
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
        unusable = answer_keys.problems_before_grading(notebooks)  # refuse before running anything
        if unusable:
            raise GradeError(_("the answer keys cannot be used (keys: {folder}); nothing was graded:").format(
                folder=answer_keys.KEYS_DIR) + "".join(f"\n  - {line}" for line in unusable))
        keys = {nb: answer_keys.notebook_key(nb) for nb in notebooks}
        subs = discover(opts.submissions, notebooks)
        try:
            people = class_people(opts.roster, read_mapping(opts.submissions))
        except RosterError as exc:
            raise GradeError(str(exc)) from None
        deadlines = run_deadlines(notebooks, list(opts.due), opts.late_penalty, opts.extensions)
        earlier = _earlier_run(opts.out, notebooks)
        people = {**earlier["people"], **people}
        _warn_lms_names(subs, opts.quiet)
        for trainee in [t for t, p in people.items() if p.get("roster")] + list(earlier["entries"]):
            subs.setdefault(trainee, {})  # on the class list, or graded here before: a row even without work
        if not subs:
            raise GradeError(_("no submissions found in {folder}").format(folder=opts.submissions))
        kept = earlier["notebooks"]  # modules graded into this folder before, not graded again now
        for trainee in subs:
            for nb in notebooks + kept:
                subs[trainee].setdefault(nb, Submission(trainee, nb))
        keys.update({nb: answer_keys.notebook_key(nb) for nb in kept})
        opts.out.mkdir(parents=True, exist_ok=True)
        references = functools.cache(_reference)  # only for notebooks to grade: reading nbformat costs ~2 s
        fresh = fresh_data.choose(opts.out, opts.fresh, opts.fresh_seed, opts.course) if opts.fresh else None
        fresh_inputs = {nb: fresh_data.digest(fresh, opts.course, nb) for nb in notebooks}
        data = runs.data_digest(opts.course)
        todo, entries = [], {}
        for trainee in sorted(subs):
            langs = submission_languages(subs[trainee], opts.lang)
            for nb in kept:
                if nb in earlier["entries"].get(trainee, {}):
                    entries.setdefault(trainee, {})[nb] = earlier["entries"][trainee][nb]
                else:  # new to this folder: "not submitted" for the module graded before (nothing runs)
                    sub = subs[trainee][nb]
                    digest = cache_key(sub, opts.limits, langs[nb])
                    path = cache_path(opts.out, trainee, nb)
                    entries.setdefault(trainee, {})[nb] = path.relative_to(opts.out).as_posix()
                    if load_cached(path, digest) is None:
                        record = runs.RunRecord.load(opts.out, trainee, nb,
                                                     runs.run_digest(sub, opts.limits, [], langs[nb], data))
                        todo.append(_Item(sub, keys[nb], None, digest, langs[nb], record))
            for nb in notebooks:
                sub = subs[trainee][nb]
                digest = cache_key(sub, opts.limits, langs[nb], fresh_inputs[nb])
                path = cache_path(opts.out, trainee, nb)
                entries.setdefault(trainee, {})[nb] = path.relative_to(opts.out).as_posix()
                if not opts.force and load_cached(path, digest) is not None:
                    summary.cached += 1
                    continue
                names = [ex["answer"] for ex in keys[nb]["exercises"] if ex["kind"] == "code"]
                run_digest = runs.run_digest(sub, opts.limits, names, langs[nb], data)
                record = runs.RunRecord.load(opts.out, trainee, nb, run_digest)
                if opts.force:  # everything again, runs included
                    record.log, record.fresh = None, {}
                todo.append(_Item(sub, keys[nb], references(opts.course, nb), digest, langs[nb], record,
                                  fresh_inputs[nb]))
        progress = Progress(len(todo), opts.quiet)
        if not opts.quiet and summary.cached:
            print(_("{cached} result(s) already graded (cached); {todo} to grade").format(
                cached=summary.cached, todo=len(todo)), flush=True)
        if todo:
            try:
                asyncio.run(_run(todo, opts, summary, progress, fresh))
            except ExecutorLost as exc:
                raise GradeError(str(exc)) from None
            finally:
                progress.close()
        times = submission_times(opts.submissions, {t: {nb: subs[t][nb] for nb in notebooks} for t in subs})
        for trainee, by_nb in earlier["times"].items():
            times.setdefault(trainee, {}).update({nb: v for nb, v in by_nb.items() if nb in kept})
        write_json(opts.out / MANIFEST, {"format": 1, "notebooks": sorted(notebooks + kept), "entries": entries,
                                         "people": people, "roster": bool(opts.roster) or earlier["roster"],
                                         "times": times,
                                         "deadlines": _merged_deadlines(deadlines, earlier["deadlines"], kept),
                                         "limits": opts.limits.as_dict(), "lang": opts.lang,
                                         "similarity": opts.similarity, "course": str(opts.course),
                                         "fresh": fresh.as_dict() if fresh else None,
                                         "keys": str(Path(opts.keys).resolve()) if opts.keys else None})
        started = time.monotonic()
        write_outputs(opts.out, i18n.language(), force=opts.force)
        summary.output_seconds = time.monotonic() - started
    return summary
