"""Sealed keys: what a default hand-out ships instead of its right answers.

A sealed key keeps instant feedback but cannot simply be read back:

- right answers (a choice's `correct` flag, an item's `bucket`, the order of `steps`, a code
  exercise's expected text and `accept` names in every language) become salted hashes of their
  normalised form (`rules.norm_text`): the judge hashes what the trainee chose and compares;
- numbers (a numeric widget's `expected`, a reply's `points`, every recorded expected value in
  `*.expected.json`) and the texts shown only after answering (feedback, outcomes, consequences)
  are veiled: compressed and XOR-ed with a stream made from the salt, decoded only in memory.

Neither is encryption: the salt travels with the key, so a determined programmer can run the
same code (try every option, decode every veil).  It stops reading the answers off the files
(grep, a text editor, `yaml.safe_load` in a notebook); fresh-data grading is the backstop for
numbers.  `unseal()` rebuilds the open spec in memory, so every judge runs unchanged and gives
the same verdict and message as on the open key.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import secrets
import zlib

from .rules import norm_text

SEAL = "sealed"      # a sealed exercise's salt; present only while the spec still needs unsealing
OPENED = "unsealed"  # the same salt on a spec rebuilt in memory (its veiled texts still decode)
VEIL = "veiled"
VEILED_TEXTS = ("feedback", "feedback_low", "feedback_high", "outcome", "consequence")
MARK, MARKS, DIGESTS = "mark", "marks", "digests"


def new_salt() -> str:
    return secrets.token_hex(8)


def digest(salt: str, eid: str, *parts) -> str:
    """The salted hash of normalised parts (texts compare as `norm_text` does)."""
    text = "\x1f".join([salt, str(eid), *(norm_text(p) for p in parts)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _stream(salt: str, n: int) -> bytes:
    out, i = bytearray(), 0
    while len(out) < n:
        out += hashlib.sha256(f"{salt}:{i}".encode()).digest()
        i += 1
    return bytes(out[:n])


def _xor(data: bytes, salt: str) -> bytes:
    if not data:
        return data
    return (int.from_bytes(data, "big") ^ int.from_bytes(_stream(salt, len(data)), "big")).to_bytes(len(data), "big")


def veil(salt: str, value) -> dict:
    raw = zlib.compress(json.dumps(value, ensure_ascii=False).encode("utf-8"), 9)
    return {VEIL: base64.b64encode(_xor(raw, salt)).decode("ascii")}


def is_veiled(value) -> bool:
    return isinstance(value, dict) and set(value) == {VEIL}


def unveil(salt: str, value):
    return json.loads(zlib.decompress(_xor(base64.b64decode(value[VEIL]), salt)).decode("utf-8"))


def salt_of(spec: dict) -> str | None:
    return spec.get(SEAL) or spec.get(OPENED)


def veiled_text(spec: dict, value) -> str:
    """A veiled key text in the reader's language (it was veiled with every translation)."""
    from .i18n import DEFAULT, language
    texts = unveil(salt_of(spec), value)
    return texts.get(language()) or texts.get(DEFAULT) or ""


# -- the judge's side: rebuild the open spec in memory ------------------------------------------

def unseal(spec: dict) -> dict:
    """The open spec of a sealed widget exercise (any other spec unchanged)."""
    salt = spec.get(SEAL)
    if not salt or spec.get("kind") == "code":
        return spec
    eid, out = spec["id"], copy.deepcopy(spec)
    out[OPENED] = out.pop(SEAL)
    kind = spec["kind"]
    if kind in ("choose-one", "choose-many"):
        for option in out["options"]:
            if option.pop(MARK, None) == digest(salt, eid, "option", option["text"], "right"):
                option["correct"] = True
    elif kind == "buckets":
        for item in out["items"]:
            mark = item.pop(MARK, None)
            item["bucket"] = next((b for b in out["buckets"] if digest(salt, eid, "bucket", item["text"], b) == mark),
                                  None)
    elif kind == "order":
        marks = out.pop(MARKS)
        out["steps"] = [next(s for s in spec["steps"] if digest(salt, eid, "step", i, s) == mark)
                        for i, mark in enumerate(marks)]
    elif kind == "numeric":
        out["expected"] = unveil(salt, out["expected"])
    elif kind == "scenario":
        for node in out["nodes"].values():
            for reply in node.get("replies") or []:
                if is_veiled(reply.get("points")):
                    reply["points"] = unveil(salt, reply["points"])
    return out


def text_judgement(spec: dict, answer: dict) -> tuple[dict, dict]:
    """(rule, expected) for a sealed text answer: the open rule's judgement, without the answer.

    A right answer (its hash is one of the accepted names') stands in for the expected value;
    any other is compared with a value no answer equals, so `rules._text` gives the open key's
    verdict and message in both cases.
    """
    rule = {k: v for k, v in spec["rule"].items() if k != DIGESTS}
    value = answer.get("value") if answer.get("kind") == "text" else None
    right = isinstance(value, str) and digest(spec[SEAL], spec["id"], "text", value) in spec["rule"][DIGESTS]
    return rule, {"kind": "text", "value": value if right else f"{value}\x00"}


def hidden_rules(spec: dict) -> list:
    """A code exercise's hidden rules; a hand-out's are veiled, each text in every language."""
    rules = spec.get("hidden") or []
    if not is_veiled(rules):  # an open key (a `withheld` placeholder is no rule to apply)
        return [rule for rule in rules if rule.get("type") != "withheld"]
    from .i18n import DEFAULT, language
    pick = lambda v: (v.get(language()) or v.get(DEFAULT) or "") if isinstance(v, dict) else v  # noqa: E731
    return [{name: pick(value) for name, value in rule.items()} for rule in unveil(salt_of(spec), rules)]


def is_sealed_text(spec: dict) -> bool:
    return bool(spec.get(SEAL)) and spec.get("kind") == "code" and DIGESTS in (spec.get("rule") or {})


def open_expected(data: dict) -> dict:
    """The recorded expected values of a notebook: a sealed file is decoded in memory."""
    if isinstance(data, dict) and SEAL in data and VEIL in data:
        return unveil(data[SEAL], {VEIL: data[VEIL]})
    return data


# -- the hand-out's side: seal an open key ----------------------------------------------------

def _every_language_text(notebook: str, eid: str, text: str) -> dict:
    from .i18n import LANGUAGES, key_text, use
    found = {}
    for lang in LANGUAGES:
        with use(lang):
            found[lang] = key_text(notebook, eid, text)
    return found


def seal_exercise(notebook: str, ex: dict, expected: dict | None = None) -> dict:
    """A trainee's sealed copy of one (already stripped) exercise of an open key."""
    kind, eid = ex["kind"], ex["id"]
    if kind in ("reflection", "form"):
        return ex
    if kind == "code":
        if ex.get("hidden"):  # the check says at once what grading will cost, without showing the rules
            ex = _seal_hidden(notebook, ex)
        rule = ex.get("rule") or {}
        if rule.get("type") != "text" or not isinstance((expected or {}).get("value"), str):
            return ex
        from .assess import localised_rule
        from .i18n import DEFAULT, use
        salt = ex.get(SEAL) or new_salt()
        with use(DEFAULT):
            opened = localised_rule(notebook, ex, rule, expected)  # every accepted name in every language
        sealed_rule = {k: v for k, v in rule.items() if k != "accept"}
        if rule.get("choices"):
            sealed_rule["choices"] = opened["choices"]  # shown to the trainee anyway
        sealed_rule[DIGESTS] = sorted({digest(salt, eid, "text", name) for name in opened["accept"]})
        return {**ex, SEAL: salt, "rule": sealed_rule}
    salt = new_salt()
    out = copy.deepcopy(ex)
    out[SEAL] = salt

    def veil_texts(node: dict) -> None:
        for name in VEILED_TEXTS:
            if isinstance(node.get(name), str):
                node[name] = veil(salt, _every_language_text(notebook, eid, node[name]))

    if kind in ("choose-one", "choose-many"):
        for option in out["options"]:
            right = bool(option.pop("correct", False))
            option[MARK] = digest(salt, eid, "option", option["text"], "right" if right else "wrong")
            veil_texts(option)
    elif kind == "buckets":
        for item in out["items"]:
            item[MARK] = digest(salt, eid, "bucket", item["text"], item.pop("bucket"))
            veil_texts(item)
    elif kind == "order":
        steps = list(out["steps"])
        out[MARKS] = [digest(salt, eid, "step", i, s) for i, s in enumerate(steps)]
        shuffled = sorted(steps, key=lambda s: digest(salt, eid, "shuffle", s))
        if len(steps) > 1 and shuffled == steps:
            shuffled = shuffled[1:] + shuffled[:1]
        out["steps"] = shuffled
    elif kind == "numeric":
        out["expected"] = veil(salt, ex["expected"])
        veil_texts(out)
    elif kind == "scenario":
        for node in out["nodes"].values():
            veil_texts(node)
            for reply in node.get("replies") or []:
                reply["points"] = veil(salt, reply.get("points", 0))
                veil_texts(reply)
    return out


def _seal_hidden(notebook: str, ex: dict) -> dict:
    """A code exercise with its hidden rules veiled, each readable text in every language."""
    from .assess import RULE_TEXTS
    salt = ex.get(SEAL) or new_salt()
    rules = [{name: _every_language_text(notebook, ex["id"], value) if name in RULE_TEXTS and isinstance(value, str)
              else value for name, value in rule.items()} for rule in ex["hidden"]]
    return {**ex, SEAL: salt, "hidden": veil(salt, rules)}


def seal_expected(values: dict, text_ids: set[str]) -> dict:
    """A notebook's expected values veiled; a sealed text answer's value left out (its hash is in the key)."""
    values = {eid: ({"kind": "text"} if eid in text_ids else v) for eid, v in values.items()}
    salt = new_salt()
    return {SEAL: salt, VEIL: veil(salt, values)[VEIL]}
