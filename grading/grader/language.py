"""Which language the grader writes in, and how long a free-text answer is.

- A submission is judged in its own language: `metadata.grading.lang` of the submitted
  notebook (a zh-CN release stamps it; English notebooks carry none), so its notes,
  messages and feedback page are in that language.  A missing or unreadable notebook
  takes the language of the trainee's other notebooks.  `--lang` forces one language.
- What the instructor reads (progress lines, the class report, the rubric sheet,
  command-line messages) is in `--lang`, else `COURSE_LANG`, else English.
- Points never depend on the language.

Free text is measured with `core.length.text_length` (fair to text without spaces), the
same measure the trainee's widget uses.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from ..core import i18n
from ..core import keys as answer_keys
from ..core.length import text_length


def known(lang) -> str | None:
    """A course language code for `lang`, or None if it is missing or not a course language."""
    if not lang or not isinstance(lang, str):
        return None
    try:
        return i18n.normalise(lang)
    except ValueError:
        return None


def instructor_language(lang: str | None = None) -> str:
    """What the instructor reads: `lang` (--lang), else COURSE_LANG, else English."""
    return known(lang) or known(os.environ.get("COURSE_LANG")) or i18n.DEFAULT


def notebook_language(path: Path | None) -> str | None:
    """The language a submitted notebook was released in; English if it says none;
    None when there is no readable notebook to tell."""
    if path is None:
        return None
    from .submissions import MAX_NOTEBOOK_BYTES, read_json
    raw = read_json(path, MAX_NOTEBOOK_BYTES).data  # within the grader's limits; None if unusable
    if not isinstance(raw, dict):
        return None
    meta = raw.get("metadata")
    grading = meta.get("grading") if isinstance(meta, dict) else None
    lang = grading.get("lang") if isinstance(grading, dict) else None
    return known(lang) or i18n.DEFAULT


def submission_languages(subs: dict, forced: str | None = None) -> dict:
    """notebook -> the language to judge each of one trainee's submissions in."""
    if forced:
        return {nb: forced for nb in subs}
    own = {nb: notebook_language(sub.ipynb) for nb, sub in subs.items()}
    said = [lang for nb, lang in sorted(own.items()) if lang]
    fallback = Counter(said).most_common(1)[0][0] if said else i18n.DEFAULT
    return {nb: lang or fallback for nb, lang in own.items()}


def trainee_language(results: dict) -> str:
    """The language of a trainee's feedback page: that of most of their submissions."""
    found = [known(r.get("lang")) or i18n.DEFAULT for nb, r in sorted(results.items()) if r.get("submitted")]
    found = found or [known(r.get("lang")) or i18n.DEFAULT for nb, r in sorted(results.items())]
    return Counter(found).most_common(1)[0][0] if found else i18n.DEFAULT


def html_lang(lang: str) -> str:
    return known(lang) or i18n.DEFAULT


def key_text(notebook: str, context: str, text):
    """A key's text in the current language, from the keys folder being graded with."""
    return i18n.key_text(notebook, context, text, keys_dir=answer_keys.KEYS_DIR)


def tr(message):
    """A message that may be an English engine message (e.g. a verdict marked with N_()), translated;
    any other text unchanged."""
    return i18n._(message) if isinstance(message, str) and message else message


# -- length of free text -------------------------------------------------------------------

def has_text(value) -> bool:
    """Whether a saved reflection or form holds any text at all."""
    if not isinstance(value, dict):
        return False
    if value.get("kind") == "text":
        return bool(str(value.get("value", "")).strip())
    if value.get("kind") == "mapping":
        return any(str(v or "").strip() for v in value.get("values", []))
    return False


def short_parts(spec: dict, value) -> tuple[int, list[str]]:
    """(length in words, what is shorter than the key asks) of a saved reflection or form.

    A reflection is short below its `min_words` (['']); a form lists its parts below
    their `min_words` (default 1)."""
    if not isinstance(value, dict):
        return 0, []
    if value.get("kind") == "text":
        length = text_length(value.get("value", ""))
        need = int(spec.get("min_words", 0) or 0)
        return length, ([""] if length < need else [])
    if value.get("kind") == "mapping":
        answers = dict(zip(value.get("keys", []), value.get("values", [])))
        lengths = {str(k): text_length(v) for k, v in answers.items()}
        short = [str(f["name"]) for f in spec.get("fields", [])
                 if lengths.get(str(f["name"]), 0) < int(f.get("min_words", 1) or 0)]
        return sum(lengths.values()), short
    return 0, []


def short_note(notebook: str, spec: dict, short: list) -> str:
    """What is short in a reflection or form, for the instructor ('' when nothing is)."""
    from ..core.i18n import _
    if not short:
        return ""
    if spec.get("kind") == "form":
        return _("short or empty parts: {parts}").format(parts=part_labels(notebook, spec, short))
    return _("shorter than {need} words").format(need=spec.get("min_words", 0))


def part_labels(notebook: str, spec: dict, names: list[str]) -> str:
    """A form's parts as the trainee sees them (their labels, in the current language)."""
    from ..core.i18n import _
    labels = {f["name"]: f.get("label") or f["name"] for f in spec.get("fields", [])}
    return _(", ").join(key_text(notebook, spec["id"], labels.get(n, n)) for n in names)
