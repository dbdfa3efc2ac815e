"""Compare a canonical answer with the expected one under a named rule.

Everything here works on the plain data from `canon.to_data`, so the trainee's
kernel and the instructor's grader reach the same verdict.  Messages say what is
off (shape, type, which labels) without printing the expected values.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .i18n import _, clauses, join, listed, ngettext, quoted
from .status import CORRECT, INCORRECT, INVALID, PARTIAL, UNANSWERED  # noqa: F401  (re-exported)


@dataclass
class Verdict:
    status: str
    score: float  # share of the points earned, 0..1
    message: str
    details: list[str] = field(default_factory=list)


def unanswered(what: str | None = None) -> Verdict:
    return Verdict(UNANSWERED, 0.0, _("Not answered yet: replace `...` with {what}.").format(
        what=what or _("your answer")))


# -- small helpers ---------------------------------------------------------------

def _kind_name(data: dict) -> str:
    kind = data.get("kind")
    if kind == "other":
        return _("a {type}").format(type=data.get("type", "value"))
    names = {"number": _("a number"), "text": _("text"), "bool": _("True/False"), "list": _("a list"),
             "set": _("a set"), "mapping": _("a dict"), "series": _("a pandas Series"),
             "frame": _("a DataFrame"), "missing": _("nothing")}
    return names.get(kind, str(kind))


def _num(x):
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (int, float)):
        return float(x)
    return None


def _close(a, b, rule: dict) -> bool:
    """Numbers within tolerance; text equal ignoring case and outer spaces."""
    fa, fb = _num(a), _num(b)
    if fa is not None and fb is not None:
        tol = float(rule.get("tol", 1e-6))
        rel = float(rule.get("rel", 1e-6))
        if math.isclose(fa, fb, abs_tol=tol, rel_tol=rel):
            return True
        return bool(rule.get("percent")) and math.isclose(fa, fb * 100, abs_tol=tol * 100, rel_tol=rel)
    if a is None or b is None:
        return a is None and b is None
    return norm_text(a) == norm_text(b)


def norm_text(x) -> str:
    """Text as compared: spacing and case do not matter, nor a space beside Chinese ("S09 维修" = "S09维修")."""
    text = " ".join(str(x).split()).casefold()
    return _SPACE_BY_CJK.sub("", text)


_SPACE_BY_CJK = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]) | (?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")


def _key(x) -> str:
    """Labels compare as text: 1 and "1", "Reliability" and "reliability " match."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return norm_text(x)


def _names(labels, limit: int = 4) -> str:
    shown = listed(quoted(x) for x in labels[:limit])
    if len(labels) > limit:
        return _("{names} and {n} more").format(names=shown, n=len(labels) - limit)
    return shown


def _per(rule: dict, n: int) -> str:
    per = rule.get("per")
    return _("one value per {per} ({n})").format(per=per, n=n) if per else _("{n} values").format(n=n)


# -- rules ------------------------------------------------------------------------

def apply(rule: dict, expected: dict, answer: dict) -> Verdict:
    """The verdict for `answer` against `expected` under `rule` (never raises)."""
    if answer.get("kind") == "missing":
        return unanswered(rule.get("what"))
    kind = rule.get("type", "exact")
    fn = RULES.get(kind)
    if fn is None:
        return Verdict(INVALID, 0.0, _("This exercise's key names an unknown rule {rule}; tell your instructor.").format(
            rule=repr(kind)))
    try:
        return fn(rule, expected, answer)
    except Exception as exc:  # a judging bug must never crash the trainee's notebook
        return Verdict(INVALID, 0.0, _("Could not judge this answer ({error}).").format(
            error=f"{type(exc).__name__}: {exc}"))


def _number(rule, expected, answer):
    if answer["kind"] not in ("number",):
        if answer["kind"] in ("list", "series") and len(answer.get("items", answer.get("values", []))) == 1:
            answer = {"kind": "number", "value": (answer.get("items") or answer.get("values"))[0]}
        else:
            return Verdict(INVALID, 0.0, _("Expected a single number, got {kind}.").format(kind=_kind_name(answer)))
    got, want = _num(answer["value"]), _num(expected["value"])
    if got is None:
        return Verdict(INVALID, 0.0, _("Expected a number, got a missing value (NaN)."))
    if _close(got, want, rule):
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
    if rule.get("percent") is False and math.isclose(got, want * 100, rel_tol=1e-3):
        return Verdict(INCORRECT, 0.0, _("Give this as a share between 0 and 1, not a percentage."))
    if want and math.isclose(got, -want, rel_tol=1e-3, abs_tol=float(rule.get("tol", 1e-6))):
        return Verdict(INCORRECT, 0.0, _("Right size, wrong sign: check which value you subtract from which."))
    off = (_("Not quite: your value is higher than expected.") if got > want
           else _("Not quite: your value is lower than expected."))
    return Verdict(INCORRECT, 0.0, join(off, rule.get("advice", "")))


def _text(rule, expected, answer):
    if answer["kind"] != "text":
        return Verdict(INVALID, 0.0, _("Expected text (a name in quotes), got {kind}.").format(kind=_kind_name(answer)))
    # `accept` may hold the name in every language (`assess` adds the key catalogue's translations)
    accepted = [expected.get("value")] + list(rule.get("accept", []))
    if any(norm_text(answer["value"]) == norm_text(a) for a in accepted):
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
    choices = rule.get("choices")
    if choices and not any(norm_text(answer["value"]) == norm_text(c) for c in choices):
        return Verdict(INVALID, 0.0, _("{answer} is not one of the options: {choices}.").format(
            answer=quoted(answer["value"]), choices=listed(choices)))
    return Verdict(INCORRECT, 0.0, join(_("{answer} is not it.").format(answer=quoted(answer["value"])),
                                        rule.get("advice", "")))


def _bool(rule, expected, answer):
    if answer["kind"] != "bool":
        return Verdict(INVALID, 0.0, _("Expected True or False, got {kind}.").format(kind=_kind_name(answer)))
    ok = answer["value"] == expected["value"]
    return Verdict(CORRECT if ok else INCORRECT, float(ok), _("Correct.") if ok else _("Not this time."))


def _items(data) -> list | None:
    """The items of anything list-like: list, set, Series values, one-column frame."""
    kind = data.get("kind")
    if kind in ("list", "set"):
        return list(data["items"])
    if kind == "series":
        return list(data["values"])
    if kind == "mapping":
        return list(data["keys"])
    if kind == "frame" and len(data["columns"]) == 1:
        return list(data["data"][0])
    return None


def _collection(rule, expected, answer, ordered=False):
    got = _items(answer)
    if got is None:
        if answer["kind"] in ("text", "number"):
            got = [answer["value"]]
        else:
            return Verdict(INVALID, 0.0, _("Expected a list of items, got {kind}.").format(kind=_kind_name(answer)))
    want = _items(expected)
    gk, wk = [_key(x) for x in got], [_key(x) for x in want]
    if ordered and gk == wk:
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct, and in the right order."))
    missing = [w for w, k in zip(want, wk) if k not in gk]
    extra = [g for g, k in zip(got, gk) if k not in wk]
    if not missing and not extra and len(set(gk)) == len(gk):
        if not ordered:
            return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
        first = next(i for i, (a, b) in enumerate(zip(gk, wk)) if a != b)
        return Verdict(PARTIAL if rule.get("partial") else INCORRECT,
                       first / len(wk) if rule.get("partial") else 0.0,
                       _("The right items, but the order goes wrong from position {n}.").format(n=first + 1))
    parts = []
    if len(gk) != len(wk):
        parts.append(_("expected {n} {per}, got {got}").format(n=len(wk), per=rule.get("per") or _("items"),
                                                              got=len(gk)))
    if extra:
        parts.append(_("{n} of yours should not be there ({names})").format(n=len(extra), names=_names(extra)))
    if missing:
        parts.append(_("{n} expected item(s) are missing").format(n=len(missing)))
    if len(set(gk)) != len(gk):
        parts.append(_("some items appear twice"))
    right = len([k for k in set(gk) if k in wk])
    score = right / len(wk) if rule.get("partial") and wk else 0.0
    score = max(0.0, score - (len(extra) / len(wk) if wk else 0))
    return Verdict(PARTIAL if score > 0 else INCORRECT, score, clauses(parts))


def _pairs(data) -> tuple[list, list] | None:
    """Labels and values of anything dict-like: dict, Series, two-column or one-column frame."""
    kind = data.get("kind")
    if kind == "mapping":
        return data["keys"], data["values"]
    if kind == "series":
        return data["index"], data["values"]
    if kind == "frame":
        cols = data["data"]
        if len(cols) == 1:
            return data["index"], cols[0]
        if len(cols) == 2:
            return cols[0], cols[1]
    return None


def _mapping(rule, expected, answer):
    pairs = _pairs(answer)
    if pairs is None:
        if answer["kind"] in ("list", "set"):
            return Verdict(INVALID, 0.0, _("Expected labelled values ({per}) such as a Series or dict; "
                                           "got a plain list without labels.").format(
                per=_per(rule, len(_pairs(expected)[0]))))
        return Verdict(INVALID, 0.0, _("Expected a Series or dict, got {kind}.").format(kind=_kind_name(answer)))
    wl, wv = _pairs(expected)
    gl, gv = pairs
    if len(gl) != len(wl):
        return Verdict(INCORRECT, 0.0, _("Expected {per}, got {got}.").format(per=_per(rule, len(wl)), got=len(gl)))
    got = {_key(k): v for k, v in zip(gl, gv)}
    missing = [k for k in wl if _key(k) not in got]
    if missing:
        return Verdict(INCORRECT, 0.0, _("The labels do not match: missing {names}.").format(names=_names(missing)))
    wrong = [k for k, v in zip(wl, wv) if not _close(got[_key(k)], v, rule)]
    if not wrong:
        if rule.get("ordered") and [_key(k) for k in gl] != [_key(k) for k in wl]:
            return Verdict(INCORRECT, 0.0, _("The right values, but not in the expected order ({hint}).").format(
                hint=rule.get("order_hint") or _("check the sort")))
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
    share = 1 - len(wrong) / len(wl)
    partial = bool(rule.get("partial")) and share > 0
    signs = [k for k, v in zip(wl, wv) if _num(got[_key(k)]) is not None and _num(v)
             and math.isclose(_num(got[_key(k)]), -_num(v), rel_tol=1e-3)]
    extra = _("Several have the wrong sign: which value do you subtract from which?") if len(signs) == len(wrong) else ""
    return Verdict(PARTIAL if partial else INCORRECT, share if partial else 0.0,
                   join(_("{n} of {total} values are off: {names}.").format(n=len(wrong), total=len(wl),
                                                                           names=_names(wrong)), extra))


def _frame_rows(data, key: list[str]):
    """Column name -> list of values, with index levels turned into columns."""
    cols = {}
    if data.get("kind") == "series":
        names = [data.get("name") or "value"]
        cols = {str(names[0]): data["values"]}
        index_names = [key[0]] if key else ["index"]
        cols[norm_text(index_names[0])] = data["index"]
        return {norm_text(k): v for k, v in cols.items()}
    for name, values in zip(data["columns"], data["data"]):
        cols[norm_text(name)] = values
    names = [n for n in data.get("index_names", []) if n is not None]
    if len(names) == 1 and norm_text(names[0]) not in cols:
        cols[norm_text(names[0])] = data["index"]
    elif key and len(key) == 1 and norm_text(key[0]) not in cols:
        cols[norm_text(key[0])] = data["index"]  # an unnamed index holding the key
    return cols


def _frame(rule, expected, answer):
    if answer["kind"] not in ("frame", "series"):
        return Verdict(INVALID, 0.0, _("Expected a DataFrame, got {kind}.").format(kind=_kind_name(answer)))
    key = list(rule.get("key", []))
    want, got = _frame_rows(expected, key), _frame_rows(answer, key)
    want_rows = expected.get("rows", len(expected["index"]))
    got_rows = answer.get("rows", len(answer["index"]))
    if got_rows != want_rows:
        if rule.get("per"):
            text = _("Expected {n} rows (one per {per}), got {got}.").format(n=want_rows, per=rule["per"], got=got_rows)
        else:
            text = _("Expected {n} rows, got {got}.").format(n=want_rows, got=got_rows)
        return Verdict(INCORRECT, 0.0, text)
    needed = [c for c in rule.get("columns", list(want))]
    missing = [c for c in needed if norm_text(c) not in got]
    if missing:
        return Verdict(INCORRECT, 0.0, _("Missing column(s) {names}; you have {have}.").format(
            names=_names(missing), have=_names(list(got))))
    order = list(range(want_rows))
    if key:
        gk = [tuple(_key(v) for v in row) for row in zip(*(got[norm_text(k)] for k in key))]
        wk = [tuple(_key(v) for v in row) for row in zip(*(want[norm_text(k)] for k in key))]
        if sorted(gk) != sorted(wk):
            return Verdict(INCORRECT, 0.0, _("The rows are not the expected ones: check the {columns} values.").format(
                columns=listed(key)))
        pos = {k: i for i, k in enumerate(gk)}
        order = [pos[k] for k in wk]
    else:
        order = _index_order(expected, answer, want_rows) or order
    wrong = []
    for c in needed:
        w, g = want[norm_text(c)], got[norm_text(c)]
        bad = sum(not _close(g[order[i]], w[i], rule) for i in range(want_rows))
        if bad:
            wrong.append(ngettext("{column} ({n} row)", "{column} ({n} rows)", bad).format(column=quoted(c), n=bad))
    if not wrong:
        if rule.get("ordered") and order != list(range(want_rows)):
            return Verdict(INCORRECT, 0.0, _("The right values, but not in the expected order ({hint}).").format(
                hint=rule.get("order_hint") or _("check the sort")))
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
    return Verdict(INCORRECT, 0.0, _("Values differ in column {columns}.").format(columns=listed(wrong)))


def _index_order(expected: dict, answer: dict, rows: int) -> list[int] | None:
    """Where each expected row is in the answer, matched by index label: the same rows in another
    order (e.g. sorted, same index) line up as pandas would align them.  None when the labels are
    not the same unique set (then rows are compared by position, as before)."""
    wi = [_key(x) for x in expected.get("index", [])]
    gi = [_key(x) for x in answer.get("index", [])]
    if len(wi) != rows or len(gi) != rows or len(set(wi)) != rows or set(gi) != set(wi):
        return None
    pos = {k: i for i, k in enumerate(gi)}
    return [pos[k] for k in wi]


def _exact(rule, expected, answer):
    ok = expected == answer
    return Verdict(CORRECT if ok else INCORRECT, float(ok), _("Correct.") if ok else _("Not this time."))


RULES = {
    "number": _number, "text": _text, "bool": _bool,
    "collection": _collection,
    "sequence": lambda r, e, a: _collection(r, e, a, ordered=True),
    "mapping": _mapping, "series": _mapping,
    "frame": _frame, "exact": _exact,
}
