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
from .status import CORRECT, ERROR, INCORRECT, INVALID, PARTIAL, UNANSWERED  # noqa: F401  (re-exported)


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
    """Numbers within tolerance or rounded as the policy allows; text equal ignoring case and spacing."""
    fa, fb = _num(a), _num(b)
    if fa is not None and fb is not None:
        tol = float(rule.get("tol", 1e-6))
        rel = float(rule.get("rel", 1e-6))
        if math.isclose(fa, fb, abs_tol=tol, rel_tol=rel) or (isinstance(b, float) and rounded_right(fa, fb)):
            return True
        return bool(rule.get("percent")) and (math.isclose(fa, fb * 100, abs_tol=tol * 100, rel_tol=rel)
                                              or (isinstance(b, float) and rounded_right(fa, fb * 100)))
    if a is None or b is None:
        return a is None and b is None
    return norm_text(a) == norm_text(b)


# -- the rounding policy ------------------------------------------------------------------
# One policy for every exercise, in the trainee's check and in grading alike: a measured value
# (a float in the key; counts are exact) rounded to 2 decimal places, or to 3 significant
# digits where that is coarser (values of 10 and more), or more finely, counts as right.
# Rounded more coarsely it is off, and the message asks "rounded?".  A rule's `tol`/`rel`
# only cover floating-point noise and method variants the key accepts on purpose.
ROUND_DECIMALS = 2
ROUND_DIGITS = 3


def _magnitude(x: float) -> int:
    return math.floor(math.log10(abs(x))) if x else 0


def accepted_step(want: float) -> float:
    """The coarsest rounding step the policy accepts for a value of this size."""
    return max(10.0 ** -ROUND_DECIMALS, 10.0 ** (_magnitude(want) - ROUND_DIGITS + 1))


def rounding_step(got: float, want: float) -> float | None:
    """The finest step `got` is `want` rounded by (0.01 for 0.36 from 0.3595), or None if it is not a
    rounding of it (a value from another method is rarely a whole number of steps within half a step).

    At most as coarse as two significant digits (0.3 is no rounding of 0.25 worth naming) or the
    policy's own step if that is coarser (0.03 from 0.026 is 2 decimal places)."""
    if got == want:
        return None
    return _common_step([(got, want)], max(_magnitude(want) - 1, round(math.log10(accepted_step(want)))))


def _common_step(pairs, top: int) -> float | None:
    """The finest step of at most 10**top that every answer is its expected value rounded by."""
    for exp in range(top - 11, top + 1):
        step = 10.0 ** exp
        if all(abs(g / step - round(g / step)) <= 1e-6 and abs(g - w) <= step / 2 * (1 + 1e-6) for g, w in pairs):
            return step
    return None


def rounded_right(got: float, want: float) -> bool:
    step = rounding_step(got, want)
    return step is not None and step <= accepted_step(want) * (1 + 1e-9)


def _places(step: float) -> str:
    """A rounding step in words: "1 decimal place", "whole numbers", "the nearest 100"."""
    if step < 1:
        n = round(-math.log10(step))
        return ngettext("{n} decimal place", "{n} decimal places", n).format(n=n)
    if step == 1:
        return _("whole numbers")
    return _("the nearest {step}").format(step=f"{step:,.0f}")


def diagnose(pairs, rule: dict) -> str:
    """What a set of (answer, expected) numbers that are off have in common, in one sentence:
    rounded too coarsely, or percentages (×100), or a wrong sign; "" when nothing is common.
    Only a cause every pair shows is named, so a method error is never called rounding."""
    measured = all(isinstance(w, float) for _g, w in pairs)  # counts are exact: never "rounded"
    pairs = [(_num(g), _num(w)) for g, w in pairs]
    pairs = [(g, w) for g, w in pairs if g is not None and w is not None]
    if not pairs:
        return ""
    # one rounding for every value that is off (one value alone: as a number is judged)
    step = (rounding_step(*pairs[0]) if len(pairs) == 1
            else _common_step(pairs, _magnitude(max(abs(w) for _g, w in pairs))))
    if step and measured:
        return _("Rounded? They look rounded to {places}; round to {needed} or finer, or not at all.").format(
            places=_places(step), needed=_places(min(accepted_step(w) for _g, w in pairs)))
    if not rule.get("percent") and all(w and (math.isclose(g, w * 100, rel_tol=1e-3) or rounded_right(g, w * 100))
                                       for g, w in pairs):
        return _("They look like percentages (×100): give the values themselves, not multiplied by 100.")
    signs = sum(1 for g, w in pairs if w and math.isclose(g, -w, rel_tol=1e-3))
    if signs == len(pairs) == 1:
        return _("It has the wrong sign.")
    if signs == len(pairs):
        return _("They all have the wrong sign: which value do you subtract from which?")
    if signs:
        return ngettext("{n} of them has the wrong sign.", "{n} of them have the wrong sign.", signs).format(n=signs)
    return ""


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
        return Verdict(ERROR, 0.0, _("This exercise's key names an unknown rule {rule}; tell your instructor.").format(
            rule=repr(kind)))
    try:
        return fn(rule, expected, answer)
    except Exception as exc:  # a judging bug must never crash the trainee's notebook, nor count against them
        error = f"{type(exc).__name__}: {exc}"
        return Verdict(ERROR, 0.0, _("Could not judge this answer ({error}): a problem in the checker, not "
                                     "necessarily in your answer. Tell your instructor.").format(error=error), [error])


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
    step = rounding_step(got, want) if isinstance(expected["value"], float) else None
    if step:  # rounded too coarsely: say so, and not the advice about the method
        return Verdict(INCORRECT, 0.0, _("Rounded? Your value looks rounded to {places}; round to {needed} or "
                                         "finer, or not at all.").format(places=_places(step),
                                                                         needed=_places(accepted_step(want))))
    if not rule.get("percent") and want and (math.isclose(got, want * 100, rel_tol=1e-3)
                                             or rounded_right(got, want * 100)):
        if rule.get("percent") is False:  # the key says it is a share
            return Verdict(INCORRECT, 0.0, _("Give this as a share between 0 and 1, not a percentage."))
        return Verdict(INCORRECT, 0.0, _("Your value looks like a percentage (×100): give the value itself, "
                                         "not multiplied by 100."))
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


def _labelled_items(data, wanted: set) -> list | None:
    """The items of a Series or a one-column frame given as a collection: its labels when they
    hold more of the expected items than its values do (`scores.nlargest(10)` holds the ids in
    its index), else its values."""
    values = _items(data)
    labels = data.get("index") if data.get("kind") in ("series", "frame") else None
    if values is None or not labels:
        return values
    hits = lambda items: sum(_key(x) in wanted for x in items)  # noqa: E731
    return list(labels) if hits(labels) > hits(values) else values


def _collection(rule, expected, answer, ordered=False):
    want = _items(expected)
    wk = [_key(x) for x in want]
    got = _labelled_items(answer, set(wk))
    if got is None:
        if answer["kind"] in ("text", "number"):
            got = [answer["value"]]
        else:
            return Verdict(INVALID, 0.0, _("Expected a list of items, got {kind}.").format(kind=_kind_name(answer)))
    gk = [_key(x) for x in got]
    if ordered and gk == wk:
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct, and in the right order."))
    missing = [w for w, k in zip(want, wk) if k not in gk]
    extra = [g for g, k in zip(got, gk) if k not in wk]
    if not missing and not extra and len(set(gk)) == len(gk):
        if not ordered:
            return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
        if len(gk) > 1 and gk == wk[::-1]:
            return Verdict(INCORRECT, 0.0, _("The right items, but in reverse order: the first belongs last."))
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
    wrong = [(k, v) for k, v in zip(wl, wv) if not _close(got[_key(k)], v, rule)]
    if not wrong:
        if rule.get("ordered"):
            return _order_verdict(rule, [_key(k) for k in gl], [_key(k) for k in wl])
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
    share = 1 - len(wrong) / len(wl)
    partial = bool(rule.get("partial")) and share > 0
    return Verdict(PARTIAL if partial else INCORRECT, share if partial else 0.0,
                   join(_("{n} of {total} values are off: {names}.").format(n=len(wrong), total=len(wl),
                                                                           names=_names([k for k, _v in wrong])),
                        diagnose([(got[_key(k)], v) for k, v in wrong], rule)))


def _order_verdict(rule: dict, got: list, want: list) -> Verdict:
    """The verdict on right values whose order the rule checks (`got`, `want`: the keys in order)."""
    if got == want:
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
    hint = rule.get("order_hint") or _("check the sort")
    if len(got) > 1 and got == want[::-1]:
        return Verdict(INCORRECT, 0.0, _("The right values, but in reverse order ({hint}).").format(hint=hint))
    return Verdict(INCORRECT, 0.0, _("The right values, but not in the expected order ({hint}).").format(hint=hint))


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
    levels = data.get("index_levels") or [data["index"]]  # a MultiIndex keeps each level apart
    names = list(data.get("index_names") or [None])
    if len(names) != len(levels) or all(n is None for n in names):
        names = list(key) if len(key) == len(levels) else [None] * len(levels)  # unnamed levels holding the key
    for name, values in zip(names, levels):
        if name is not None and norm_text(name) not in cols:
            cols[norm_text(name)] = values
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
    wrong, pairs = [], []
    for c in needed:
        w, g = want[norm_text(c)], got[norm_text(c)]
        bad = [(g[order[i]], w[i]) for i in range(want_rows) if not _close(g[order[i]], w[i], rule)]
        if bad:
            wrong.append(ngettext("{column} ({n} row)", "{column} ({n} rows)", len(bad)).format(
                column=quoted(c), n=len(bad)))
            pairs += bad
    if not wrong:
        if rule.get("ordered"):
            return _order_verdict(rule, order, list(range(want_rows)))
        return Verdict(CORRECT, 1.0, rule.get("success") or _("Correct."))
    return Verdict(INCORRECT, 0.0, join(_("Values differ in column {columns}.").format(columns=listed(wrong)),
                                        diagnose(pairs, rule)))


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
