"""How long a free-text answer is, fairly for text with and without spaces.

`str.split()` counts a 200-character Chinese reflection as a handful of "words".
Here each CJK character counts as half a word (two characters carry about what
one English word does) and everything else as words between spaces, so mixed
text counts both parts.  Reflections, forms, the widgets' live count and the
grader all measure with `text_length`; a person reads the length in their own
language's unit (`shown_length`: words in English, characters (字) in Chinese).
"""
from __future__ import annotations

import re

from .i18n import _, language

# Han ideographs (with extensions and compatibility forms) and Japanese kana: scripts written without spaces.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
CHARACTERS_PER_WORD = 2
CHARACTER_LANGUAGES = {"zh-CN"}  # readers who count length in characters (字), not words


def counts(text) -> tuple[int, int]:
    """(words written with spaces, CJK characters) in `text`."""
    text = str(text or "")
    cjk = len(CJK.findall(text))
    words = 0
    for token in text.split():
        if not CJK.search(token):
            words += 1  # as str.split() counts: text without CJK measures exactly as before
        else:  # Latin words glued to Chinese ("用Excel做表") count as words too
            words += sum(any(ch.isalnum() for ch in piece) for piece in CJK.split(token))
    return words, cjk


def text_length(text) -> int:
    """The length of `text` in words: two CJK characters count as one word (rounded up)."""
    words, cjk = counts(text)
    return words + -(-cjk // CHARACTERS_PER_WORD)


def in_characters() -> bool:
    return language() in CHARACTER_LANGUAGES


def shown_length(text) -> str:
    """The length as the reader counts it: '70 words', or '140字' (characters, Latin words as one each)."""
    words, cjk = counts(text)
    if in_characters():
        return _("{n} characters").format(n=words + cjk)
    return _("{n} words").format(n=text_length(text))


def shown_aim(text, need: int) -> str:
    """How long to aim for, in the reader's unit: the number of words, or of characters (字)."""
    if not in_characters():
        return str(need)
    words, cjk = counts(text)
    short = max(0.0, need - (words + cjk / CHARACTERS_PER_WORD))  # in words
    return _("{n} characters").format(n=int(words + cjk + CHARACTERS_PER_WORD * short + 0.5))
