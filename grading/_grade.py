"""`python -m grading grade SUBMISSIONS --out OUTDIR`: grade a class.

For each (trainee, notebook): run the notebook in a sandboxed kernel
(`_grade_kernel`), take the answer variables out as data, read the widget
answers from the answers file, and judge everything here, in the grader's own
process, with `assess(..., hidden=True)`.  Statuses and scores written by the
trainee's kernel or in the answers file are never used.

Each result is cached in OUTDIR/cache under a hash of the submission files, the
key files, the limits and the grader's code, so an interrupted run resumes and a
second run over the same folder reproduces the same gradebook byte for byte.
"""
from __future__ import annotations

import asyncio
import difflib
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import _keys
from ._grade_input import Submission, discover, notebooks_in, read_answers, read_notebook, structure_notes
from ._grade_kernel import KernelPool, Limits, RunLog, kernel_env, run_notebook
from ._paths import PACKAGE_DIR

GRADER_VERSION = "1"
MANIFEST = "grading.json"
MANUAL = "manual.json"
_ENGINE = ("_canon.py", "_judge.py", "_exercises.py", "_checks.py", "_keys.py", "_grade.py",
           "_grade_input.py", "_grade_kernel.py", "_grade_extract.py", "_sandbox.py")
NOT_RUN, MISSING = "not-run", "missing"


class GradeError(Exception):
    """A problem with the grading request itself (not with a submission)."""


@dataclass
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




def safe_name(trainee: str) -> str:
    return re.sub(r"[^\w.-]+", "_", trainee).strip("._") or "trainee"


def fmt(x) -> str:
    """Points as text: 2, 1.5, 0.67 (never 2.0 or 0.6666)."""
    if x is None:
        return ""
    text = f"{round(float(x), 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# -- judging (the grader's own process) ------------------------------------------------

def _cell_ref(nb, index) -> str:
    if nb is None or index is None or not 0 <= index < len(nb.cells):
        return "a cell"
    first = next((l.strip() for l in nb.cells[index].source.splitlines() if l.strip()), "")
    first = first if len(first) <= 48 else first[:45] + "..."
    return f"cell {index + 1} (`{first}`)" if first else f"cell {index + 1}"


def run_notes(nb, log: RunLog | None, limits: Limits) -> tuple[list[str], list[str]]:
    """(problems worth a gradebook note, every cell error for the feedback)."""
    if log is None:
        return [], []
    problems, errors = [], []
    if log.start_error:
        problems.append(log.start_error)
    for i in log.died:
        problems.append(f"the kernel died in {_cell_ref(nb, i)}; the notebook was run again without it")
    for i in log.stalled:
        problems.append(f"the notebook ran past its time limit ({limits.timeout:g} s) in {_cell_ref(nb, i)}; "
                        "it was run again without that cell")
    for i in log.timeouts:
        problems.append(f"{_cell_ref(nb, i)} was stopped after {limits.cell_timeout:g} s (time limit per cell)")
    for i in log.memory:
        problems.append(f"{_cell_ref(nb, i)} ran out of memory (limit {limits.memory_mb} MB)")
    for i in log.overflow:
        problems.append(f"{_cell_ref(nb, i)} printed more than {limits.max_output_kb} KB; the rest was discarded")
    if log.extract_error:
        problems.append(log.extract_error)
    shown = set(log.timeouts) | set(log.memory)
    for i, ename, evalue in log.errors:
        if i not in shown:
            errors.append(f"{_cell_ref(nb, i)} raised {ename}" + (f": {evalue}" if evalue else ""))
    return problems, errors


def _code_verdict(notebook: str, spec: dict, nb, nb_notes: list[str], log: RunLog | None):
    """(status, score, message, details, canonical value) of one code exercise."""
    from ._checks import assess
    var = spec["answer"]
    if nb is None:
        return NOT_RUN, 0.0, f"Not graded: {nb_notes[0] if nb_notes else 'the notebook could not be run'}.", [], None
    if log is None or log.start_error:
        return NOT_RUN, 0.0, "Not graded: the notebook could not be run.", [], None
    got = log.answers.get(var)
    if got is None:
        reason = log.extract_error or "the notebook did not finish"
        return NOT_RUN, 0.0, f"Not graded: {reason}.", [], None
    if not got.get("found"):
        assign = re.compile(rf"^\s*{re.escape(var)}\s*(?:\[.*\])?\s*=(?!=)", re.M)
        left_out = [i for i in log.skipped if assign.search(nb.cells[i].source)]
        if left_out:
            return (MISSING, 0.0, f"Variable `{var}` was never set: {_cell_ref(nb, left_out[0])}, which computes "
                    "it, was left out because it stopped the kernel or ran out of time or memory.", [], None)
        failed = [(i, ename) for i, ename, _ in log.errors if assign.search(nb.cells[i].source)]
        if failed:
            i, ename = failed[-1]
            return (MISSING, 0.0, f"Variable `{var}` was never set: {_cell_ref(nb, i)}, which computes it, "
                    f"raised {ename}.", [], None)
        near = difflib.get_close_matches(var, log.names, n=2, cutoff=0.6)
        tip = f" (the notebook has {', '.join(f'`{n}`' for n in near)})" if near else ""
        return (MISSING, 0.0, f"Variable `{var}` not found — did you rename it or delete its cell?{tip} "
                f"Keep the name `{var}`: the grader reads the answer from it.", [], None)
    if "error" in got:
        return "invalid", 0.0, f"Your `{var}` could not be read ({got['error']}).", [], None
    data = got.get("data")
    try:
        verdict = assess(notebook, spec, data, hidden=True)
    except Exception as exc:  # a judging bug must not stop the class
        return "invalid", 0.0, f"Could not judge this answer ({type(exc).__name__}).", [], data
    return verdict.status, verdict.score, verdict.message, list(verdict.details), data


def _widget_verdict(notebook: str, spec: dict, saved: dict | None, answers_ok: bool):
    from ._checks import assess
    if not answers_ok:
        return "unanswered", 0.0, "Not answered: no usable answers file was submitted with the notebook.", [], None
    record = (saved or {}).get(spec["id"])
    if not record or "value" not in record:
        return "unanswered", 0.0, "Not answered (nothing was saved for this exercise).", [], None
    data = record["value"]
    if not isinstance(data, dict) or "kind" not in data:
        return "invalid", 0.0, "Your saved answer could not be read.", [], None
    try:
        verdict = assess(notebook, spec, data, hidden=True)
    except Exception:
        return "invalid", 0.0, "Your saved answer could not be read (it does not fit this exercise).", [], None
    return verdict.status, verdict.score, verdict.message, list(verdict.details), data


def judge(sub: Submission, key: dict, nb, nb_notes: list[str], saved, ans_notes: list[str],
          log: RunLog | None, limits: Limits, reference=None) -> dict:
    """The cached result of one (trainee, notebook): every exercise judged, plus notes."""
    notebook = key["notebook"]
    problems, errors = run_notes(nb, log, limits)
    absent = sub.ipynb is None and sub.answers is None
    has_code = any(spec["kind"] == "code" for spec in key["exercises"])
    has_widgets = any(spec["kind"] != "code" for spec in key["exercises"])
    others = [n for n in sub.others if n != f"{notebook}.ipynb"]
    seen = f" (the folder has {', '.join(others[:3])}{' …' if len(others) > 3 else ''})" if others else ""
    notes = [f"not submitted{seen}"] if absent else (
        (list(nb_notes) if has_code or sub.ipynb is not None else [])
        + (structure_notes(nb, key, reference) if nb is not None else []) + problems
        + (ans_notes if has_widgets else []))
    exercises = []
    for spec in key["exercises"]:
        if absent:
            status, score, message, details, value = "unanswered", 0.0, "Not submitted.", [], None
        elif spec["kind"] == "code":
            status, score, message, details, value = _code_verdict(notebook, spec, nb, nb_notes, log)
        else:
            status, score, message, details, value = _widget_verdict(notebook, spec, saved, saved is not None)
        hints = spec.get("hints") or []
        exercises.append({
            "id": spec["id"], "title": spec.get("title", spec["id"]), "kind": spec["kind"],
            "points": spec["points"], "status": status,
            "earned": None if status == "submitted" else round(score * spec["points"], 4),
            "message": message, "details": details, "value": value,
            "hint": hints[0] if hints and status not in ("correct", "submitted") else None,
        })
    return {"trainee": sub.trainee, "notebook": notebook, "submitted": not absent,
            "notes": notes, "errors": errors, "exercises": exercises,
            "attempts": log.attempts if log else 0}


# -- caching -----------------------------------------------------------------------------

def _digest_file(h, path: Path | None) -> None:
    if path is None:
        h.update(b"<none>")
        return
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)


def cache_key(sub: Submission, limits: Limits) -> str:
    h = hashlib.sha256(f"grader {GRADER_VERSION} {json.dumps(limits.as_dict(), sort_keys=True)}".encode())
    for name in _ENGINE:
        _digest_file(h, PACKAGE_DIR / name)
    for path in (_keys.KEYS_DIR / f"{sub.notebook}.yml", _keys.expected_path(sub.notebook)):
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


def _write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


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
        from ._release import release_notebook
        return release_notebook(nbformat.read(master, as_version=4), notebook)
    except Exception:
        return None


def select_notebooks(opts: Options) -> list[str]:
    have = {p.stem for p in _keys.key_files()}
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


async def _grade_one(sub: Submission, key: dict, pool: KernelPool | None, opts: Options, reference,
                     summary: Summary, progress) -> dict:
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
    result = judge(sub, key, nb, nb_notes, saved, ans_notes, log, opts.limits, reference)
    earned = sum(e["earned"] or 0 for e in result["exercises"])
    total = sum(e["points"] for e in result["exercises"])
    progress(f"{sub.trainee} {sub.notebook}: {fmt(earned)}/{fmt(total)}"
             + (f" — {result['notes'][0]}" if result["notes"] else ""))
    return result


_IMPORT = re.compile(r"(?:import|from)\s+(pandas|numpy|matplotlib|seaborn|ipywidgets|grading)\b")


def preload_for(path: Path) -> tuple[str, ...]:
    """Libraries a notebook imports: its pre-started kernel imports them while waiting."""
    try:
        found = set(_IMPORT.findall(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return ()
    if "seaborn" in found:
        found.add("matplotlib")
    if "matplotlib" in found:
        found.add("matplotlib.pyplot")
    order = ("numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "ipywidgets", "grading")
    return tuple(m for m in order if m in found)


async def _run(todo: list, opts: Options, summary: Summary, progress) -> None:
    jobs = opts.jobs or os.cpu_count() or 1
    course = opts.course
    needs_kernel = [t for t in todo if t[3]]
    scratch = Path(tempfile.mkdtemp(prefix="ck-grade-"))
    pool = KernelPool(opts.limits, kernel_env(course), scratch, spare=jobs) if needs_kernel else None
    if pool:
        pool.want(preload_for(t[0].ipynb) for t in needs_kernel)
    gate = asyncio.Semaphore(jobs)

    async def one(sub, key, reference, _needs, digest):
        async with gate:
            result = await _grade_one(sub, key, pool, opts, reference, summary, progress)
        _write_json(cache_path(opts.out, sub.trainee, sub.notebook), {"hash": digest, "result": result})
        summary.graded += 1

    try:
        await asyncio.gather(*(one(*t) for t in todo))
    finally:
        if pool:
            await pool.close()
        shutil.rmtree(scratch, ignore_errors=True)


def grade(opts: Options) -> Summary:
    """Grade every submission (resuming from the cache), then write every output."""
    from ._paths import course_root
    opts.course = Path(opts.course or course_root()).resolve()
    opts.submissions, opts.out = Path(opts.submissions), Path(opts.out)
    if not opts.submissions.is_dir():
        raise GradeError(f"{opts.submissions} is not a folder")
    summary = Summary(out=opts.out)
    with _keys.using(opts.keys):
        notebooks = select_notebooks(opts)
        keys = {nb: _keys.notebook_key(nb) for nb in notebooks}
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
                entries.setdefault(trainee, {})[nb] = cache_path(opts.out, trainee, nb).relative_to(opts.out).as_posix()
                if not opts.force and load_cached(cache_path(opts.out, trainee, nb), digest) is not None:
                    summary.cached += 1
                    continue
                needs = sub.ipynb is not None and any(ex["kind"] == "code" for ex in keys[nb]["exercises"])
                todo.append((sub, keys[nb], references[nb], needs, digest))
        progress = _Progress(len(todo), opts.quiet)
        if not opts.quiet and summary.cached:
            print(f"{summary.cached} result(s) already graded (cached); {len(todo)} to grade", flush=True)
        if todo:
            asyncio.run(_run(todo, opts, summary, progress))
        _write_json(opts.out / MANIFEST, {"format": 1, "notebooks": notebooks, "entries": entries,
                                          "limits": opts.limits.as_dict(),
                                          "keys": str(Path(opts.keys).resolve()) if opts.keys else None})
        write_outputs(opts.out)
    return summary


# -- outputs ------------------------------------------------------------------------------

def load_results(out: Path) -> tuple[list[str], dict, dict]:
    """(notebooks, trainee -> notebook -> result, key by notebook) from a finished grading run."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise GradeError(f"{out} holds no finished grading run: run `python -m grading grade` first") from None
    results = {}
    for trainee, entries in manifest["entries"].items():
        for nb, rel in entries.items():
            try:
                results.setdefault(trainee, {})[nb] = json.loads((out / rel).read_text(encoding="utf-8"))["result"]
            except (OSError, ValueError, KeyError):
                raise GradeError(f"the cached result {rel} is missing: run `python -m grading grade` again") from None
    return manifest["notebooks"], results, manifest


def load_manual(out: Path) -> dict:
    try:
        return json.loads((out / MANUAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}




def manual_text(value) -> str:
    """The text a person grades: a reflection, or a form's parts one per paragraph."""
    if not isinstance(value, dict):
        return ""
    if value.get("kind") == "text":
        return str(value.get("value", ""))
    if value.get("kind") == "mapping":
        return "\n\n".join(f"{k}: {v}" for k, v in zip(value.get("keys", []), value.get("values", [])))
    return ""


def text_digest(value) -> str | None:
    text = manual_text(value)
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:16] if text.strip() else None


def apply_manual(results: dict, manual: dict) -> None:
    """Manual rubric scores replace the automatic ones (never the other way round)."""
    for trainee, by_nb in results.items():
        for result in by_nb.values():
            for ex in result["exercises"]:
                m = manual.get(trainee, {}).get(ex["id"])
                if not m or m.get("score") in (None, ""):
                    continue
                ex["earned"], ex["status"] = float(m["score"]), "graded"
                ex["message"] = "Graded by your instructor with the rubric."
                ex["comment"] = m.get("comment") or ""
                ex["hint"] = None
                if m.get("text") and m["text"] != text_digest(ex.get("value")):
                    result["notes"].append(f"{ex['id']}: the answer changed after it was graded by hand")


def gradebook_rows(notebooks: list[str], results: dict, keys: dict) -> tuple[list[str], list[list[str]]]:
    header = ["trainee"]
    for nb in notebooks:
        header += [ex["id"] for ex in keys[nb]["exercises"]]
    header += [f"{nb} total" for nb in notebooks] + ["total", "max", "notes"]
    rows = []
    for trainee in sorted(results):
        row, totals, notes = [trainee], [], []
        for nb in notebooks:
            result = results[trainee][nb]
            row += [fmt(ex["earned"]) for ex in result["exercises"]]
            totals.append(sum(ex["earned"] or 0 for ex in result["exercises"]))
            pending = sum(ex["status"] == "submitted" for ex in result["exercises"])
            extra = result["notes"] + ([f"{pending} answer(s) to grade by hand"] if pending else [])
            if result["errors"]:
                extra.append(f"{len(result['errors'])} cell(s) raised errors")
            if extra:
                notes.append(f"{nb}: " + "; ".join(extra))
        maximum = sum(ex["points"] for nb in notebooks for ex in keys[nb]["exercises"])
        rows.append(row + [fmt(t) for t in totals] + [fmt(sum(totals)), fmt(maximum), " | ".join(notes)])
    return header, rows


def write_outputs(out: Path) -> None:
    """gradebook.csv, results.csv, feedback/<trainee>.html and report.html from the cached results."""
    import csv
    notebooks, results, manifest = load_results(out)
    apply_manual(results, load_manual(out))
    with _keys.using(manifest.get("keys")):
        keys = {nb: _keys.notebook_key(nb) for nb in notebooks}
    header, rows = gradebook_rows(notebooks, results, keys)
    with open(out / "gradebook.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    with open(out / "results.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["trainee", "notebook", "exercise", "kind", "status", "points", "max", "message"])
        for trainee in sorted(results):
            for nb in notebooks:
                for ex in results[trainee][nb]["exercises"]:
                    writer.writerow([trainee, nb, ex["id"], ex["kind"], ex["status"], fmt(ex["earned"]),
                                     fmt(ex["points"]), ex["message"]])
    from ._feedback import write_feedback
    feedback = out / "feedback"
    feedback.mkdir(exist_ok=True)
    for trainee in sorted(results):
        write_feedback(feedback / f"{safe_name(trainee)}.html", trainee, notebooks, results[trainee], keys)
    from ._report import write_report
    write_report(out / "report.html", notebooks, results, keys)
