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


def key_text(notebook: str, context: str, text, keys_dir: Path | None = None):
    """A key's English `text` in the current language (unchanged if untranslated or not text)."""
    if not isinstance(text, str) or not text:
        return text
    catalog = _key_catalog(notebook, language(), str(keys_dir or KEYS_DIR))
    return catalog.get((context, text)) or text


def key_texts(notebook: str, context: str, text: str, keys_dir: Path | None = None) -> set[str]:
    """Every language's version of a key's text: answers may name a concept in either."""
    found = {text}
    for lang in LANGUAGES:
        if lang != DEFAULT:
            found.add(_key_catalog(notebook, lang, str(keys_dir or KEYS_DIR)).get((context, text)) or text)
    return found
