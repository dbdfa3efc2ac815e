"""Fresh-data grading (`grade --fresh-data`): is each code answer computed from the data?

Every submission runs a second time on a *variant* of the course data: the same
generator (`datasets/generate.py`) drawing the same tables with another seed.  Each
code answer that was right on the course data is judged again against the master's
answer on that same variant.  An answer computed from the data is right on both; a
number typed in, or copied from someone else or from a key, is right only on the
course data, and is flagged (policy "flag") or earns nothing (policy "zero").

An exercise whose answer must not change with the data (a finding the trainee is
asked to write down) says `fresh: false` in its key and is judged as usual.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..core.assess import assess
from ..core.i18n import _, ngettext
from ..core.status import CORRECT, INCORRECT
from .execute import KernelPool, Limits, kernel_env, preload_for, run_notebook
from .gradebook import GradeError, write_json

POLICIES = ("flag", "zero")
SEED_FILE = "fresh-data.json"  # in the output folder: a re-run draws the same variant


@dataclass(frozen=True)
class FreshData:
    seed: int
    policy: str = "flag"   # "flag": keep the points and say so; "zero": no points for that answer

    def as_dict(self) -> dict:
        return {"seed": self.seed, "policy": self.policy}


def choose(out: Path, policy: str, seed: int | None, course: Path) -> FreshData:
    """The variant for this output folder: `seed` if given, else the one drawn at its first
    fresh-data run (a random seed, kept so that re-runs reuse the cache and trainees cannot
    know it in advance)."""
    if policy not in POLICIES:
        raise GradeError(_("--fresh-data takes {choices}, not {value}").format(
            choices=" / ".join(POLICIES), value=repr(policy)))
    if not (course / "datasets" / "generate.py").exists():
        raise GradeError(_("--fresh-data needs the dataset generator ({file}); grade from the course kit, "
                           "not from a hand-out").format(file=course / "datasets" / "generate.py"))
    path = out / SEED_FILE
    if seed is None:
        try:
            seed = int(json.loads(path.read_text(encoding="utf-8"))["seed"])
        except (OSError, ValueError, KeyError, TypeError):
            seed = secrets.randbelow(2**31 - 1) + 1
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"seed": seed}) + "\n", encoding="utf-8")
    return FreshData(int(seed), policy)


def build_variant(course: Path, seed: int, where: Path) -> Path:
    """A course folder at `where` whose datasets are drawn with `seed`; the kit's own generator."""
    import importlib.util
    script = course / "datasets" / "generate.py"
    spec = importlib.util.spec_from_file_location("_ck_generate", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build_all(where / "datasets", seed)
    return where


def digest(fresh: FreshData | None, course: Path, notebook: str) -> str:
    """What a fresh-data verdict depends on beyond the submission: the seed and policy, the
    generator that draws the variant, and the master whose answers on it are expected."""
    if fresh is None:
        return ""
    h = hashlib.sha256(json.dumps(fresh.as_dict(), sort_keys=True).encode())
    for path in [*sorted((course / "datasets").glob("generat*/**/*.py")), course / "datasets" / "generate.py",
                 course / "notebooks" / f"{notebook}.ipynb"]:
        h.update(path.name.encode())
        if path.exists():
            h.update(path.read_bytes())
    return h.hexdigest()


@dataclass
class FreshRun:
    """One grading run's fresh data: the variant is drawn and its kernels started the first
    time a submission needs them; each master runs on it once (cached in OUT/cache)."""
    settings: FreshData
    course: Path
    out: Path
    scratch: Path
    limits: Limits
    jobs: int
    walled: dict | None = None
    seconds: float = 0.0                             # drawing, masters and second runs
    _pool: KernelPool | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _masters: dict = field(default_factory=dict)     # notebook -> task giving its answers

    async def pool(self) -> KernelPool:
        async with self._lock:
            if self._pool is None:
                started = time.monotonic()
                variant = await asyncio.to_thread(build_variant, self.course, self.settings.seed,
                                                  self.scratch / "fresh-course")
                folder = self.scratch / "fresh-kernels"
                folder.mkdir(exist_ok=True)
                self._pool = KernelPool(self.limits, kernel_env(variant), folder, spare=self.jobs,
                                        walled=self.walled)
                self.seconds += time.monotonic() - started
        return self._pool

    async def master(self, key: dict) -> dict:
        """The master's answers on the variant, by variable (empty if it could not run)."""
        notebook = key["notebook"]
        if notebook not in self._masters:
            self._masters[notebook] = asyncio.ensure_future(self._master(key))
        return await self._masters[notebook]

    async def _master(self, key: dict) -> dict:
        import nbformat
        path = self.course / "notebooks" / f"{key['notebook']}.ipynb"
        cached = self.out / "cache" / "fresh-masters" / f"{key['notebook']}.json"
        want = digest(self.settings, self.course, key["notebook"])
        try:
            data = json.loads(cached.read_text(encoding="utf-8"))
            if data.get("hash") == want:
                return data["answers"]
        except (OSError, ValueError, KeyError, AttributeError):
            pass
        started = time.monotonic()
        names = [ex["answer"] for ex in key["exercises"] if ex["kind"] == "code"]
        try:
            nb = nbformat.read(path, as_version=4)
            log = await run_notebook(await self.pool(), nb, [], names, self.limits, preload_for(path))
        except Exception:  # no master answers: the notebook is judged as without fresh data
            log = None
        self.seconds += time.monotonic() - started
        answers = master_answers(log)
        if answers:
            write_json(cached, {"hash": want, "answers": answers})
        return answers

    async def run(self, nb, files, names: list, profile):
        """Run a submission on the variant."""
        started = time.monotonic()
        try:
            return await run_notebook(await self.pool(), nb, files, names, self.limits, profile)
        except Exception:  # as on the course data: never the class's problem
            return None
        finally:
            self.seconds += time.monotonic() - started

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()


def master_answers(log) -> dict:
    """The master's canonical answers on the variant, by variable name (what it could compute)."""
    if log is None:
        return {}
    return {name: got["data"] for name, got in log.answers.items()
            if got.get("found") and "error" not in got and "data" in got}


def _fresh_answer(log, var: str):
    got = (log.answers if log is not None else {}).get(var) or {}
    if got.get("found") and "error" not in got and "data" in got:
        return got["data"]
    return None


def judge(result: dict, key: dict, log, expected: dict, fresh: FreshData) -> dict:
    """`result` (judged on the course data) with each right code answer checked on the variant."""
    flagged = []
    specs = {spec["id"]: spec for spec in key["exercises"]}
    for ex in result["exercises"]:
        spec = specs.get(ex["id"])
        if (spec is None or spec["kind"] != "code" or spec.get("fresh") is False
                or ex["status"] != CORRECT or spec["answer"] not in expected):
            continue
        answer = _fresh_answer(log, spec["answer"])
        verdict = (assess(key["notebook"], spec, answer, hidden=True, expected=expected[spec["answer"]])
                   if answer is not None else None)
        if verdict is not None and verdict.status == CORRECT:
            ex["fresh"] = "passed"
            continue
        ex["fresh"] = "failed"
        flagged.append(ex["id"])
        why = (_("Right on the course data, but wrong when the notebook was run again on fresh data "
                 "(the same tables drawn again): was it computed from the data, or typed in?")
               if answer is not None else
               _("Right on the course data, but on fresh data (the same tables drawn again) the notebook "
                 "did not compute it: was it computed from the data, or typed in?"))
        if fresh.policy == "zero":
            ex["status"], ex["earned"] = INCORRECT, 0.0
            ex["message"] = why + " " + _("No points: the grader checks that answers are computed.")
        else:
            ex["message"] = why + " " + _("Your instructor will look at it.")
    if flagged:
        result["notes"].append(ngettext(
            "fresh data: {count} answer right on the course data but not on fresh data ({ids})",
            "fresh data: {count} answers right on the course data but not on fresh data ({ids})",
            len(flagged)).format(count=len(flagged), ids=", ".join(flagged)))
    return result
