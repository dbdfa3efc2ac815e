"""Translation catalogues: bring them up to the English source, and say what is missing.

Where each translation lives (English is the source; `<lang>` is e.g. zh-CN):

| text | English source | translation |
|---|---|---|
| engine messages | `_()`/`N_()`/`ngettext()` in `grading/**.py` | `grading/locale/<ll_CC>/LC_MESSAGES/grading.po` |
| answer-key text | `grading/keys/<nb>.yml` | `grading/keys/<lang>/<nb>.po` (context: exercise id) |
| notebook cells | `notebooks/<nb>.ipynb` | `notebooks/<lang>/<nb>.po` (context: cell id) |
| lessons | `lessons/<page>.md` | `lessons/<lang>/<page>.md`, first line `<!-- source sha256: … -->` |

`sync()` rewrites each PO file from the current English: new text gets an empty
entry, changed text keeps its old translation marked fuzzy (with the previous
English beside it), text that is gone is dropped.  `problems()` lists every
missing, fuzzy or stale translation; `make test` fails on any.
"""
from __future__ import annotations

import hashlib
import io
import re
import tokenize
from pathlib import Path

from ..core import keys
from ..core.i18n import DEFAULT, LANGUAGES, LOCALE_DIR
from ..core.paths import KEYS_DIR, PACKAGE_DIR
from .release import LESSON_STAMP, cell_context, masters, read_catalogue, translated_lesson

# Key fields a person reads (every string under them, in lists too).  Everything else
# in a key is code or data: ids, kinds, variable names, column names, rule types.
KEY_TEXT_FIELDS = {
    "title", "prompt", "buckets", "text", "feedback", "bucket", "steps", "hints", "solution",
    "success", "feedback_high", "feedback_low", "unit", "help", "label", "customer", "outcome",
    "consequence", "style", "criterion", "advice", "per", "what", "order_hint", "message",
    "accept",  # a text answer's accepted names: the translation is accepted too
}
ENGINE_KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}


def _babel():
    from babel.messages import Catalog
    from babel.messages.pofile import read_po, write_po
    return Catalog, read_po, write_po


# -- what needs translating ----------------------------------------------------------

def key_messages(key: dict) -> list[tuple[str, str]]:
    """(context, English text) for every string a person reads in one key."""
    found = [("module", key["title"])] if key.get("title") else []

    def walk(value, context, readable):
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, context, name in KEY_TEXT_FIELDS)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, context, readable)
        elif readable and isinstance(value, str) and value.strip():
            found.append((context, value))

    for ex in key["exercises"]:
        walk(ex, ex["id"], False)
    return list(dict.fromkeys(found))


def code_needs_translation(source: str) -> bool:
    """A code cell with a comment or a sentence in a string (a title, a label, a printed line)."""
    return any(kind == tokenize.COMMENT or (kind == tokenize.STRING and re.search(r"[A-Za-z]{2,}\s+[A-Za-z]", text))
               for kind, text in _tokens(source))


def _tokens(source: str) -> list[tuple[int, str]]:
    try:
        return [(t.type, t.string) for t in tokenize.generate_tokens(io.StringIO(source).readline)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [(tokenize.COMMENT, source)]


def code_shape(source: str) -> list[tuple[int, str]]:
    """The code with comments and string contents left out: a translation must keep it."""
    return [(kind, "" if kind == tokenize.STRING else text) for kind, text in _tokens(source)
            if kind not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE)]


def notebook_messages(nb) -> list[tuple[str, str]]:
    """('markdown:<cell id>' or 'code:<cell id>', English source) for every cell a person reads."""
    return [(cell_context(cell), cell.source) for cell in nb.cells if cell.source.strip() and (
        cell.cell_type == "markdown" or (cell.cell_type == "code" and code_needs_translation(cell.source)))]


def engine_messages() -> list[tuple[str, str | tuple]]:
    """('', msgid) for every marked message in the engine's code (plural: a (singular, plural) tuple)."""
    from babel.messages.extract import extract_from_dir
    found = []
    for _file, _line, message, _comments, context in extract_from_dir(
            str(PACKAGE_DIR), method_map=[("**.py", "python")], keywords=ENGINE_KEYWORDS):
        found.append((context or "", message))
    return list(dict.fromkeys(found))


# -- where each catalogue is -----------------------------------------------------------

def engine_po(lang: str) -> Path:
    return LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / "grading.po"


def catalogues(course: Path, lang: str) -> list[tuple[Path, list]]:
    """(PO file, its current English messages) for every catalogue of one language."""
    import nbformat
    found = [(engine_po(lang), engine_messages())]
    for path in keys.key_files():
        key = keys.notebook_key(path.stem)
        found.append((KEYS_DIR / lang / f"{path.stem}.po", key_messages(key)))
    for path in masters(course / "notebooks"):
        found.append((course / "notebooks" / lang / f"{path.stem}.po",
                      notebook_messages(nbformat.read(path, as_version=4))))
    return found


def lesson_pages(course: Path) -> list[Path]:
    folder = course / "lessons"
    return [*sorted(folder.glob("[0-9][0-9]-*.md")), folder / "SOURCES.md"]


def lesson_digest(english: Path) -> str:
    return hashlib.sha256(english.read_bytes()).hexdigest()[:16]


# -- updating and checking ----------------------------------------------------------------

def sync(course: Path, lang: str) -> list[str]:
    """Rewrite every PO file of `lang` from the current English; one line per changed file."""
    Catalog, _, write_po = _babel()
    report = []
    for path, messages in catalogues(course, lang):
        old = read_catalogue(path, lang)
        by_context = {}
        for m in old:
            if m.id:
                by_context.setdefault(m.context or "", []).append(m)
        new = Catalog(locale=lang.replace("-", "_"), project="Customer-service course kit",
                      header_comment=f"# {LANGUAGES[lang]} translation of the course kit.\n"
                                     "# Edit msgstr only; `python -m grading translations` keeps msgid current.")
        fresh = fuzzy = 0
        for context, msgid in messages:
            kept = old.get(msgid, context or None)
            if kept is not None and kept.string and (kept.string[0] if isinstance(kept.string, tuple) else kept.string):
                new.add(msgid, kept.string, context=context or None, flags=kept.flags)
                continue
            # Changed English in the same place (a cell, or an exercise with one changed text):
            # keep the old translation as a starting point, marked fuzzy.
            siblings = [m for m in by_context.get(context, []) if m.string and old.get(m.id, context or None)
                        and all(m.id != current for c, current in messages if c == context)]
            if context and context != "module" and len(siblings) == 1 and not isinstance(msgid, tuple):
                new.add(msgid, siblings[0].string, context=context, flags={"fuzzy"},
                        previous_id=siblings[0].id)
                fuzzy += 1
            else:
                new.add(msgid, "" if not isinstance(msgid, tuple) else ("", ""), context=context or None)
                fresh += 1
        buffer = io.BytesIO()
        write_po(buffer, new, width=0, omit_header=False, include_previous=True, sort_output=False)
        text = buffer.getvalue()
        text = re.sub(rb'^"POT-Creation-Date: .*\\n"\n', b"", text, flags=re.M)
        text = re.sub(rb'^"PO-Revision-Date: .*\\n"\n', b"", text, flags=re.M)
        if not path.exists() or path.read_bytes() != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text)
            report.append(f"{path.relative_to(course) if path.is_relative_to(course) else path}: "
                          f"{fresh} new, {fuzzy} changed (fuzzy)")
    return report


def problems(course: Path, lang: str) -> list[str]:
    """Every translation of `lang` that is missing, fuzzy, stale or breaks the code it translates."""
    found = []
    for path, messages in catalogues(course, lang):
        where = path.relative_to(course) if path.is_relative_to(course) else path
        if not path.exists():
            found.append(f"{where}: missing (run `python -m grading translations --lang {lang}`)")
            continue
        catalog = read_catalogue(path, lang)
        for context, msgid in messages:
            m = catalog.get(msgid, context or None)
            text = m.string if m else None
            first = text[0] if isinstance(text, tuple) else text
            label = f"{where} [{context}] {str(msgid if not isinstance(msgid, tuple) else msgid[0])[:60]!r}"
            if m is None or not first:
                found.append(f"{label}: not translated")
            elif m.fuzzy:
                found.append(f"{label}: the English changed; update the translation and remove 'fuzzy'")
            elif context.startswith("code:") and code_shape(text) != code_shape(msgid):
                found.append(f"{label}: the translation changes the code (only comments and strings may change)")
    for english in lesson_pages(course):
        target = translated_lesson(english, lang)
        where = target.relative_to(course)
        if not target.exists():
            found.append(f"{where}: missing")
            continue
        stamp = LESSON_STAMP.match(target.read_text(encoding="utf-8"))
        if not stamp:
            found.append(f"{where}: first line must be <!-- source sha256: {lesson_digest(english)} -->")
        elif stamp.group(1) != lesson_digest(english):
            found.append(f"{where}: translates an older {english.name}; update it, then set the first line "
                         f"to <!-- source sha256: {lesson_digest(english)} -->")
    return found
