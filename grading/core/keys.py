"""Answer keys: one YAML file per notebook in grading/keys/, plus recorded expected values.

A key lists each exercise with its id, kind, points, comparison rule, hints,
worked solution and (for widgets) the exercise itself.  Expected values of code
exercises are recorded from the instructor master by `python -m grading keys`
into `<notebook>.expected.json`, so authors write each solution once.
"""
from __future__ import annotations

import contextlib
import json
from functools import lru_cache
from pathlib import Path

from .i18n import _, join, listed
from .paths import KEYS_DIR

KINDS = {"code", "choose-one", "choose-many", "buckets", "order", "numeric", "scenario", "reflection", "form"}
MANUAL_KINDS = {"reflection", "form"}  # graded by a person with the key's rubric


class AnswerKeyError(LookupError):
    """A key file is missing, malformed, or does not know an exercise id."""


def _yaml():
    import yaml
    return yaml


@lru_cache(maxsize=None)
def _load_file(path: Path) -> dict:
    yaml = _yaml()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        key = yaml.load(fh, Loader=loader)
    problems = validate(key, path.name)
    if problems:
        raise AnswerKeyError(f"{path.name}: " + "; ".join(problems))
    for ex in key["exercises"]:  # each spec knows its notebook: its text is translated from that key's catalogue
        ex.setdefault("notebook", key["notebook"])
    return key


def validate(key, name: str = "key") -> list[str]:
    """Everything wrong with a key's structure, as readable sentences."""
    if not isinstance(key, dict) or "notebook" not in key or not isinstance(key.get("exercises"), list):
        return [_("a key needs 'notebook' and a list of 'exercises'")]
    problems, seen = [], set()
    for i, ex in enumerate(key["exercises"]):
        eid = ex.get("id") if isinstance(ex, dict) else None
        where = _("exercise {id}").format(id=eid or "#" + str(i + 1))
        if not eid:
            problems.append(_("{where} has no id").format(where=where))
            continue
        if eid in seen:
            problems.append(_("{where} appears twice").format(where=where))
        seen.add(eid)
        if ex.get("kind") not in KINDS:
            problems.append(_("{where} has kind {kind}, not one of {kinds}").format(
                where=where, kind=repr(ex.get("kind")), kinds=sorted(KINDS)))
        if not isinstance(ex.get("points"), (int, float)) or ex["points"] < 0:
            problems.append(_("{where} needs points (a number >= 0)").format(where=where))
        if ex.get("kind") == "code" and not ex.get("answer"):
            problems.append(_("{where} is a code exercise without 'answer' (the variable name)").format(where=where))
        if ex.get("kind") == "code" and "rule" not in ex and not ex.get("exam"):
            problems.append(_("{where} is a code exercise without a 'rule'").format(where=where))
        if not isinstance(ex.get("fresh", True), bool):
            problems.append(_("{where} has fresh: {value}; write true or false").format(
                where=where, value=repr(ex["fresh"])))
    return problems


def key_files() -> list[Path]:
    return sorted(KEYS_DIR.glob("*.yml"))


@lru_cache(maxsize=None)
def _index() -> dict[str, tuple[str, dict]]:
    """exercise id -> (notebook, exercise spec), across every key."""
    index = {}
    for path in key_files():
        key = _load_file(path)
        for ex in key["exercises"]:
            index[ex["id"]] = (key["notebook"], ex)
    return index


def exercise(exercise_id: str) -> tuple[str, dict]:
    """(notebook name, spec) for an exercise id, or an AnswerKeyError that suggests near ids."""
    index = _index()
    if exercise_id in index:
        return index[exercise_id]
    import difflib
    near = difflib.get_close_matches(str(exercise_id), list(index), n=3)
    tip = _("Did you mean {names}?").format(names=listed(repr(n) for n in near)) if near else ""
    raise AnswerKeyError(join(_("There is no exercise {id} in this course.").format(id=repr(exercise_id)), tip))


def notebook_key(notebook: str) -> dict:
    """The whole key of one notebook (validated), from the current keys folder."""
    path = KEYS_DIR / f"{notebook}.yml"
    if not path.exists():
        raise AnswerKeyError(_("No answer key for notebook {notebook} (looked for {file}).").format(
            notebook=repr(notebook), file=path.name))
    return _load_file(path)


def expected_path(notebook: str) -> Path:
    return KEYS_DIR / f"{notebook}.expected.json"


@lru_cache(maxsize=None)
def _expected(notebook: str) -> dict:
    path = expected_path(notebook)
    if not path.exists():
        return {}
    from .seal import open_expected  # a default hand-out's file is veiled: decoded here, in memory only
    return open_expected(json.loads(path.read_text(encoding="utf-8")))


def expected_value(notebook: str, spec: dict) -> dict | None:
    """The canonical expected answer of a code exercise, inline in the key or recorded."""
    if "expected" in spec:
        from .canon import to_data
        return to_data(spec["expected"])
    return _expected(notebook).get(spec["id"])


def clear_caches() -> None:
    for fn in (_load_file, _index, _expected):
        fn.cache_clear()


@contextlib.contextmanager
def using(folder: Path | str | None):
    """Read keys from another folder (an archived or test key) inside this block."""
    global KEYS_DIR
    if folder is None or Path(folder).resolve() == KEYS_DIR.resolve():
        yield
        return
    previous, KEYS_DIR = KEYS_DIR, Path(folder).resolve()
    clear_caches()
    try:
        yield
    finally:
        KEYS_DIR = previous
        clear_caches()
