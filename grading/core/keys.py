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
        try:
            key = yaml.load(fh, Loader=loader)
        except yaml.YAMLError as exc:  # a hand-edited key: say where, never a traceback
            raise AnswerKeyError(_("{file} is not valid YAML: {error}").format(file=path.name, error=exc)) from None
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
        if ex.get("kind") == "code":
            problems += _rule_problems(where, ex)
    return problems


# The fields each comparison rule reads (`rules.py`); anything else is a typo that would be ignored.
RULE_TEXT_FIELDS = {"what", "success", "advice", "per", "order_hint", "message"}
RULE_FIELDS = {
    "number": {"tol", "rel", "percent"},
    "text": {"accept", "choices", "digests"},  # digests: a sealed hand-out's hashed names
    "bool": set(),
    "collection": {"partial"},
    "sequence": {"partial"},
    "mapping": {"tol", "rel", "percent", "ordered", "partial"},
    "series": {"tol", "rel", "percent", "ordered", "partial"},
    "frame": {"key", "columns", "tol", "rel", "percent", "ordered"},
    "exact": set(),
    "withheld": set(),  # an unsealed hand-out's placeholder for the hidden rules
}


def _rule_problems(where: str, ex: dict) -> list[str]:
    """What is wrong with a code exercise's `rule` and `hidden` rules."""
    from .seal import is_veiled  # a sealed hand-out's hidden rules: checked before they were sealed
    problems = []
    rules = [("rule", ex["rule"])] if "rule" in ex else []
    hidden = ex.get("hidden", [])
    if "hidden" in ex and not is_veiled(hidden):
        if not isinstance(hidden, list) or not hidden:
            problems.append(_("{where}: 'hidden' must be a list of rules (it is {value}); to drop the hidden "
                              "rules, delete the 'hidden:' line too").format(where=where, value=_shown(hidden)))
        else:
            rules += [("hidden", rule) for rule in hidden]
    for field, rule in rules:
        if not isinstance(rule, dict) or rule.get("type", "exact") not in RULE_FIELDS:
            kind = rule.get("type") if isinstance(rule, dict) else rule
            problems.append(_("{where}: {field} {value} is not a rule; the types are {types}").format(
                where=where, field=field, value=_shown(kind), types=", ".join(sorted(RULE_FIELDS))))
            continue
        known = RULE_FIELDS[rule.get("type", "exact")] | RULE_TEXT_FIELDS | {"type"} | ({"share"} if field == "hidden"
                                                                                     else set())
        unknown = sorted(set(rule) - known)
        if unknown:
            problems.append(_("{where}: the {type} {field} has unknown field(s) {names}; it reads {known}").format(
                where=where, type=rule.get("type", "exact"), field=field, names=", ".join(unknown),
                known=", ".join(sorted(known - {"type"}))))
        for name in ("tol", "rel"):
            if name in rule and (not isinstance(rule[name], (int, float)) or isinstance(rule[name], bool)
                                 or rule[name] < 0):
                problems.append(_("{where}: {name} must be a number >= 0 (it is {value})").format(
                    where=where, name=name, value=_shown(rule[name])))
        share = rule.get("share", 0)
        if field == "hidden" and (not isinstance(share, (int, float)) or isinstance(share, bool)
                                  or not 0 <= share < 1):
            problems.append(_("{where}: a hidden rule's share must be a number from 0 up to (not including) 1, "
                              "the part of the points kept when only it fails (it is {value})").format(
                where=where, value=_shown(share)))
    return problems


def _shown(value) -> str:
    return _("empty") if value is None else repr(value)


def missing_expected(notebook: str) -> list[str]:
    """Code exercises of a notebook's key without a recorded expected value (grading would call every
    answer to them invalid): their ids, in key order."""
    recorded = _expected(notebook)
    return [ex["id"] for ex in notebook_key(notebook)["exercises"]
            if ex["kind"] == "code" and "expected" not in ex and not ex.get("exam") and ex["id"] not in recorded]


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


def problems_before_grading(notebooks) -> list[str]:
    """Everything that makes the keys of these notebooks unfit to grade with, one line per key file:
    a malformed key (e.g. an empty `hidden:`, a rule with an unknown field) or code exercises without
    a recorded expected value (a --keys folder holding only the .yml files)."""
    problems = []
    for notebook in notebooks:
        try:
            missing = missing_expected(notebook)
        except AnswerKeyError as exc:
            problems.append(str(exc))
            continue
        if missing:
            problems.append(_("{file}: no recorded expected value for {ids}; copy {expected} beside the key "
                              "(or record it with `python -m grading keys`)").format(
                file=f"{notebook}.yml", ids=listed(missing), expected=expected_path(notebook).name))
    return problems
