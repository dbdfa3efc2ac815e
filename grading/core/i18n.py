"""Which language a person reads, and the text in it.

Two kinds of text, two catalogues, both gettext PO files written by translators:

- the engine's own messages (check, widgets, progress, the grader's pages):
  `grading/locale/<ll_CC>/LC_MESSAGES/grading.po`, extracted from the code by
  Babel (`_()`, `N_()`, `ngettext()`); compiled in memory on first use, so there
  is no binary .mo file to go stale;
- the text of each answer key (prompts, options, feedback, hints, solutions):
  `grading/keys/<lang>/<notebook>.po`, one entry per English string, its context
  the exercise id.

English is the source language: a missing translation shows the English text.
The language is, in order: `use(lang)` (the grader, per submission), the
`COURSE_LANG` environment variable (set by `make lab`), the nearest `.course-lang`
file from the working folder up (a release and a workspace carry one), then English.
"""
from __future__ import annotations

import contextlib
import contextvars
import gettext
import io
import os
from functools import lru_cache
from pathlib import Path

from .paths import KEYS_DIR, PACKAGE_DIR

LANGUAGES = {"en": "English", "zh-CN": "简体中文"}
DEFAULT = "en"
LANG_FILE = ".course-lang"
LOCALE_DIR = PACKAGE_DIR / "locale"
_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("course_lang", default=None)


def normalise(lang: str | None) -> str:
    """'zh_CN', 'zh-cn', 'zh' -> 'zh-CN'; a language the course does not have is an error."""
    text = str(lang or DEFAULT).strip().replace("_", "-")
    for code in LANGUAGES:
        if text.lower() in (code.lower(), code.split("-")[0].lower()):
            return code
    raise ValueError(f"unknown course language {lang!r}; choose one of {', '.join(LANGUAGES)}")


def language() -> str:
    chosen = _chosen.get()
    if chosen:
        return chosen
    env = os.environ.get("COURSE_LANG")
    if env:
        return normalise(env)
    return folder_language(Path.cwd())


def folder_language(folder: Path) -> str:
    """The language remembered by `folder` or the nearest folder above it (English if none)."""
    for place in (folder, *folder.parents):
        try:
            return normalise((place / LANG_FILE).read_text(encoding="utf-8").strip())
        except (OSError, ValueError):
            continue
    return DEFAULT


@contextlib.contextmanager
def use(lang: str | None):
    """Everything inside the block speaks `lang` (None: keep the current language)."""
    token = _chosen.set(normalise(lang) if lang else _chosen.get())
    try:
        yield
    finally:
        _chosen.reset(token)


def _read_po(path: Path):
    from babel.messages.pofile import read_po
    with open(path, "rb") as fh:
        return read_po(fh)


@lru_cache(maxsize=None)
def _engine(lang: str) -> gettext.NullTranslations:
    path = LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / "grading.po"
    if lang == DEFAULT or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    buffer = io.BytesIO()
    write_mo(buffer, _read_po(path), use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """The engine message in the current language."""
    return _engine(language()).gettext(message)


def pgettext(context: str, message: str) -> str:
    """The engine message in the current language, where one English word needs two translations."""
    return _engine(language()).pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _engine(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it with `_()` where it is shown."""
    return message


@lru_cache(maxsize=None)
def _key_catalog(notebook: str, lang: str, keys_dir: str) -> dict:
    path = Path(keys_dir) / lang / f"{notebook}.po"
    if lang == DEFAULT or not path.exists():
        return {}
    return {(m.context or "", m.id): m.string for m in _read_po(path)
            if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def _keys_dir(keys_dir: Path | None) -> str:
    """The keys folder in use: `keys.using(folder)` (an archived or test key) moves it."""
    if keys_dir is not None:
        return str(keys_dir)
    from . import keys  # not at import time: keys' own messages use this module
    return str(getattr(keys, "KEYS_DIR", KEYS_DIR))


def key_text(notebook: str, context: str, text, keys_dir: Path | None = None):
    """A key's English `text` in the current language (unchanged if untranslated or not text)."""
    if not isinstance(text, str) or not text or not notebook:
        return text
    catalog = _key_catalog(notebook, language(), _keys_dir(keys_dir))
    return catalog.get((context, text)) or text


def key_texts(notebook: str, context: str, text: str, keys_dir: Path | None = None) -> set[str]:
    """Every language's version of a key's text: answers may name a concept in either."""
    found = {text}
    if not isinstance(text, str) or not notebook:
        return found
    for lang in LANGUAGES:
        if lang != DEFAULT:
            found.add(_key_catalog(notebook, lang, _keys_dir(keys_dir)).get((context, text)) or text)
    return found


# -- typography: how a language quotes, lists and joins sentences --------------------------

_FULL_WIDTH_END = tuple("。！？；：，、）」』")  # only CJK punctuation: English text joins as before
_FULL_WIDTH_START = tuple("（「『")
_TYPOGRAPHY = {
    DEFAULT: {"quote": "'{}'", "comma": ", ", "semicolon": "; ", "stop": "."},
    "zh-CN": {"quote": "“{}”", "comma": "、", "semicolon": "；", "stop": "。"},
}


def _typography() -> dict:
    return _TYPOGRAPHY.get(language(), _TYPOGRAPHY[DEFAULT])


def quoted(text) -> str:
    """'text' in English, “text” in Chinese."""
    return _typography()["quote"].format(text)


def listed(items, semicolons: bool = False) -> str:
    """a, b, c in English; a、b、c in Chinese (with semicolons: a; b; c and a；b；c)."""
    return _typography()["semicolon" if semicolons else "comma"].join(str(x) for x in items)


def clauses(parts) -> str:
    """Clauses as one sentence: 'A; b; c.' in English, 'A；b；c。' in Chinese."""
    text = _typography()["semicolon"].join(p for p in parts if p)
    return (text[:1].upper() + text[1:] + _typography()["stop"]) if text else ""


def join(*parts) -> str:
    """Sentences one after another: a space between them, none after Chinese punctuation."""
    text = ""
    for part in parts:
        if not part:
            continue
        if text and not text.endswith(_FULL_WIDTH_END) and not part.startswith(_FULL_WIDTH_START):
            text += " "
        text += part
    return text
