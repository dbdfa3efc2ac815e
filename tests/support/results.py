"""Finished grading runs made from data, without running a notebook: for the tests of the outputs
(feedback pages, class report, stamps) that need results of every kind in seconds."""
from __future__ import annotations

import json
from pathlib import Path

from . import ENGINE, FIXTURE_KEYS
from . import submissions as S

NB = ENGINE  # every exercise kind, frozen: editing the course never changes these tests


def exercise(spec: dict, status: str = "correct", value=None, message: str = "Correct.", **extra) -> dict:
    """One ExerciseResult for `spec` (a key entry): full points when correct, none otherwise,
    None while a person has to grade it."""
    earned = None if status in ("submitted", "grader-error") else (spec["points"] if status == "correct" else 0.0)
    return {"id": spec["id"], "title": spec.get("title", spec["id"]), "kind": spec["kind"],
            "points": spec["points"], "status": status, "earned": earned, "message": message,
            "details": [], "value": value, "hint": None, **extra}


def result(trainee: str, notebook: str = NB, changes: dict | None = None, notes=(), errors=(),
           lang: str = "en") -> dict:
    """A Result with every exercise correct (reflections and forms waiting for a person),
    except those in `changes`: exercise id -> keyword arguments of `exercise`."""
    exercises = []
    for spec in S.key(notebook, FIXTURE_KEYS)["exercises"]:
        manual = spec["kind"] in ("reflection", "form")
        kwargs = {"status": "submitted", "message": "Saved."} if manual else {}
        kwargs.update((changes or {}).get(spec["id"], {}))
        exercises.append(exercise(spec, **kwargs))
    return {"trainee": trainee, "notebook": notebook, "submitted": True, "notes": list(notes),
            "errors": list(errors), "exercises": exercises, "attempts": 1, "lang": lang}


def write_run(out: Path, results: dict, notebooks=(NB,), **manifest) -> Path:
    """OUT as `grade` leaves it: the manifest and one cached result per (trainee, notebook).
    `results`: trainee -> notebook -> Result."""
    entries = {}
    for trainee, by_nb in results.items():
        for nb, res in by_nb.items():
            rel = f"cache/{trainee}/{nb}.json"
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(json.dumps({"hash": "test", "result": res}, ensure_ascii=False), encoding="utf-8")
            entries.setdefault(trainee, {})[nb] = rel
    (out / "grading.json").write_text(json.dumps({
        "format": 1, "notebooks": list(notebooks), "entries": entries, "limits": {}, "lang": None,
        "similarity": 0.85, "course": str(S.ROOT), "keys": str(FIXTURE_KEYS), **manifest}, ensure_ascii=False), encoding="utf-8")
    return out
