"""The class report's "most common mistakes": wrong answers grouped by what the grader said.

Two trainees who rounded their weights get the same message; two who got different rows
wrong get messages that differ only in counts and the labels they quote ("2 of 5 values are
off: 'reliability', 'tangibles'" and "1 of 5 values are off: 'empathy'").  Both kinds are one
diagnosis here: a message is grouped with the numbers and quoted names set aside, and shown
with the parts every message of the group shares ("… of 5 values are off: …").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..core import i18n
from ..core.i18n import _

_QUOTE = r"(?:'[^']*'|“[^”]*”)"
_NUMBER = r"(?<![A-Za-z0-9_.])-?\d+(?:\.\d+)?(?![A-Za-z0-9_])"  # "5个" is a number beside Chinese text


@lru_cache(maxsize=None)
def _varying() -> re.Pattern:
    """A quoted name or a list of them ('a', 'b'; “甲”、“乙”), with the judge's "… and N more" tail
    in any course language, or a number."""
    tails = []
    for lang in i18n.LANGUAGES:
        with i18n.use(lang):
            tail = _("{names} and {n} more").split("{names}", 1)[-1]
        tails.append(re.escape(tail).replace(re.escape("{n}"), r"\d+"))
    return re.compile(rf"({_QUOTE}(?:(?:, |、|，)\s*{_QUOTE})*(?:{'|'.join(tails)})?|{_NUMBER})")


@dataclass
class Diagnosis:
    message: str                                  # what the grader said, varying parts as "…"
    answers: list = field(default_factory=list)   # (trainee, their canonical value), in trainee order

    @property
    def count(self) -> int:
        return len(self.answers)


def _parts(message: str) -> list[str]:
    """Fixed text and varying parts alternate: [text, varying, text, ...]."""
    return _varying().split(message)


def group_key(message: str) -> tuple:
    return tuple(p for i, p in enumerate(_parts(message)) if i % 2 == 0)


def shared_message(messages: list[str]) -> str:
    """The messages of one group as one: parts they all share kept, the rest shown as "…"."""
    split = [_parts(m) for m in messages]
    return "".join(p if i % 2 == 0 or all(s[i] == p for s in split) else "…" for i, p in enumerate(split[0]))


def diagnoses(wrong: list[tuple[str, str, dict | None]]) -> list[Diagnosis]:
    """(trainee, message, value) of each wrong answer -> diagnoses, most common first."""
    groups: dict[tuple, list] = {}
    for trainee, message, value in wrong:
        groups.setdefault(group_key(message or ""), []).append((trainee, message or "", value))
    found = [Diagnosis(shared_message([m for _t, m, _v in group]), [(t, v) for t, _m, v in group])
             for group in groups.values()]
    return sorted(found, key=lambda d: (-d.count, d.message))
