"""Similar answers between trainees: the similarity report (`similarity.csv`, a section of report.html).

For each exercise, pairs of trainees whose answers are the same or nearly the same once
what does not matter is taken away:

- code answers (the cells that assign the answer variable, kept in each cached result as
  `source`): tokenized; comments, blank lines and spacing dropped; the names the answer
  itself binds (variables, functions, loop and lambda variables) renamed to placeholders in
  order of appearance (`tmp = …` and `t = …` read the same); strings and numbers compared
  by value; the lines of the hand-out's own cell (`name = ...`, an echo line, given setup
  lines) removed first;
- reflections and forms: Unicode-normalised (NFKC), lower-cased, punctuation and spacing
  dropped; English compared word by word, Chinese (no spaces) character by character.

Two answers are similar when difflib's ratio of their token sequences is at least the
threshold (`DEFAULT_THRESHOLD`, `grade --similarity`).  Never counted: unanswered stubs
(nothing left once the hand-out's lines are removed), answers the same as or near the
hand-out's code or the key's worked solution (trainees may call `solution()`), reflections
of fewer than `MIN_TEXT_TOKENS` words, and code that more than `COMMON` trainees handed in
identically (a common answer, as MOSS ignores passages found in many programs; answers near
it are not paired either).  Nothing is penalised: the pairs are listed for a person to look at.

Fast for large classes: identical forms are bucketed first (one comparison per distinct
form, not per trainee), forms are compared in order of length so a pair that cannot reach
the threshold by length alone is never compared, and difflib's cheap upper bounds
(`real_quick_ratio`, `quick_ratio`) come before the full ratio.
"""
from __future__ import annotations

import ast
import builtins
import io
import keyword
import math
import re
import tokenize
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from ..core.keys import MANUAL_KINDS
from ..core.status import UNANSWERED
from .submissions import assigns

DEFAULT_THRESHOLD = 0.85   # difflib ratio of the normalised token sequences
COMMON = 10                # identical code from more trainees than this is a common answer, not a pair
MIN_TEXT_TOKENS = 8        # reflections and forms shorter than this (words; a CJK character each) never count
SIMILARITY_CSV = "similarity.csv"
CSV_HEADER = ["notebook", "exercise", "kind", "trainee_1", "trainee_2", "similarity", "same"]

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f"
_TEXT_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class Pair:
    notebook: str
    exercise: str
    kind: str
    first: str          # trainee ids, first < second
    second: str
    similarity: float
    text_first: str     # the answers as handed in
    text_second: str

    @property
    def shown(self) -> str:
        """The similarity with two decimals, rounded down (0.899 is not shown as 0.90)."""
        return f"{math.floor(self.similarity * 100 + 1e-9) / 100:.2f}"

    def row(self) -> list[str]:
        return [self.notebook, self.exercise, self.kind, self.first, self.second, self.shown,
                "yes" if self.similarity >= 1 else "no"]


# -- what is compared ------------------------------------------------------------------------

def answer_source(nb, var: str) -> str:
    """The code of an answer: every code cell that assigns the answer variable (check cells aside)."""
    if nb is None:
        return ""
    assign = assigns(var)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and isinstance(c.source, str)
             and "check" not in c.get("metadata", {}).get("tags", []) and assign.search(c.source)]
    return "\n\n".join(cells)


def _bound_names(text: str) -> set[str] | None:
    """The names the code binds itself (None when it does not parse)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.alias) and node.asname:
            names.add(node.asname)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _literal(text: str) -> str:
    try:
        return repr(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return text


def code_tokens(source: str, given: frozenset = frozenset()) -> tuple[str, ...] | None:
    """The normalised tokens of an answer's code, without the hand-out's lines (`given`);
    None when nothing of the trainee's own is left (an unanswered stub)."""
    text = "\n".join(line for line in source.splitlines() if line.strip() not in given)
    bound = _bound_names(text)
    out, names, prev = [], {}, None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, string = tok.type, tok.string
            if kind in (tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER):
                continue
            if kind == tokenize.NEWLINE:
                string = "⏎"
            elif kind == tokenize.INDENT:
                string = "→"
            elif kind == tokenize.DEDENT:
                string = "←"
            elif kind == tokenize.NAME and not keyword.iskeyword(string) and prev != ".":
                rename = string in bound if bound is not None else string not in _BUILTINS
                if rename:
                    string = names.setdefault(string, f"·{len(names)}")
            elif kind in (tokenize.STRING, tokenize.NUMBER):
                string = _literal(string)
            if string == "⏎" and (not out or out[-1] == "⏎"):
                continue
            out.append(string)
            prev = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        out = text.split()
    meaningful = [t for t in out if t not in ("⏎", "→", "←")]
    if not meaningful or all(t == "..." for t in meaningful):
        return None
    return tuple(out)


def text_tokens(text: str) -> tuple[str, ...]:
    """Words of a free text, case, spacing and punctuation aside; each CJK character is a token."""
    return tuple(_TEXT_TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()))


def free_text(value) -> str:
    """The text of a reflection, or a form's parts (its labels are the same for everyone)."""
    from .gradebook import manual_text
    return manual_text(value, labels=False)


def ratio(a: tuple, b: tuple) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


# -- finding pairs ----------------------------------------------------------------------------

def _near(sm: SequenceMatcher, a: tuple, threshold: float) -> float | None:
    sm.set_seq1(a)
    if sm.real_quick_ratio() < threshold or sm.quick_ratio() < threshold:
        return None
    r = sm.ratio()
    return r if r >= threshold else None


def _near_any(forms: list[tuple], bases: list[tuple], threshold: float) -> set[tuple]:
    """The forms that are the same as or near one of `bases`."""
    found = set()
    for base in bases:
        sm = SequenceMatcher(None, autojunk=False)
        sm.set_seq2(base)
        for form in forms:
            if form not in found and (form == base or _near(sm, form, threshold) is not None):
                found.add(form)
    return found


def similar_forms(forms: list[tuple], threshold: float) -> list[tuple[tuple, tuple, float]]:
    """Pairs of distinct forms whose ratio is at least `threshold` (compared in order of length:
    two sequences of lengths m <= n cannot reach a ratio above 2m/(m+n))."""
    order = sorted(forms, key=lambda f: (len(f), f))
    found = []
    for j, b in enumerate(order):
        sm = SequenceMatcher(None, autojunk=False)
        sm.set_seq2(b)
        for i in range(j - 1, -1, -1):
            a = order[i]
            if 2 * len(a) < threshold * (len(a) + len(b)):
                break
            r = _near(sm, a, threshold)
            if r is not None:
                found.append((a, b, r))
    return found


def exercise_pairs(notebook: str, spec: dict, answers: dict, kit: list[str], threshold: float) -> tuple[list, int]:
    """(pairs, trainees left out for handing in a common answer) for one exercise.

    `answers`: trainee -> the text handed in (code or free text); `kit`: the hand-out's own
    texts for the exercise (the released cell, the worked solution)."""
    code = spec["kind"] == "code"
    given = frozenset(line.strip() for line in (kit[0] if code and kit else "").splitlines() if line.strip())
    tokens = {}
    for trainee, text in answers.items():
        form = code_tokens(text, given) if code else text_tokens(text)
        if form and (code or len(form) >= MIN_TEXT_TOKENS):
            tokens[trainee] = form
    groups: dict[tuple, list[str]] = {}
    for trainee in sorted(tokens):
        groups.setdefault(tokens[trainee], []).append(trainee)
    bases = [f for f in ((code_tokens(t, given) if code else text_tokens(t)) for t in kit if t) if f]
    common = [f for f, who in groups.items() if code and len(who) > COMMON]
    left_out = sum(len(groups[f]) for f in common)
    drop = _near_any(list(groups), bases + common, threshold)
    forms = [f for f in groups if f not in drop]
    kind = spec["kind"]
    pairs = []

    def add(first, second, r):
        a, b = sorted((first, second))
        pairs.append(Pair(notebook, spec["id"], kind, a, b, r, answers[a], answers[b]))

    for form in forms:
        who = groups[form]
        for i, a in enumerate(who):
            for b in who[i + 1:]:
                add(a, b, 1.0)
    for fa, fb, r in similar_forms(forms, threshold):
        for a in groups[fa]:
            for b in groups[fb]:
                add(a, b, r)
    return pairs, left_out


def kit_texts(course: Path | None, notebook: str, keys: dict) -> dict[str, list[str]]:
    """exercise id -> the hand-out's own texts: its released answer cell (code) and the key's
    worked solution."""
    from .run import _reference
    release = _reference(Path(course), notebook) if course else None
    texts = {}
    for spec in keys[notebook]["exercises"]:
        own = [answer_source(release, spec["answer"]) if spec["kind"] == "code" and release is not None else ""]
        texts[spec["id"]] = own + [str(spec.get("solution") or "")]
    return texts


def find_pairs(notebooks: list[str], results: dict, keys: dict, threshold: float = DEFAULT_THRESHOLD,
               course: Path | None = None) -> tuple[list[Pair], int]:
    """(every similar pair, sorted: notebook and exercise in key order, most similar first, then by
    trainee; trainee × exercise answers left out as common answers)."""
    pairs, left_out = [], 0
    for nb in notebooks:
        kit = kit_texts(course, nb, keys)
        for spec in keys[nb]["exercises"]:
            if spec["kind"] != "code" and spec["kind"] not in MANUAL_KINDS:
                continue
            answers = {}
            for trainee, by_nb in results.items():
                result = by_nb.get(nb)
                ex = next((e for e in (result or {}).get("exercises", []) if e["id"] == spec["id"]), None)
                if ex is None or ex.get("status") == UNANSWERED:  # a stub, or nothing saved
                    continue
                text = (ex.get("source") or "") if spec["kind"] == "code" else free_text(ex.get("value"))
                if text.strip():
                    answers[trainee] = text
            found, common = exercise_pairs(nb, spec, answers, kit[spec["id"]], threshold)
            order = {s["id"]: i for i, s in enumerate(keys[nb]["exercises"])}
            pairs += sorted(found, key=lambda p: (order[p.exercise], -p.similarity, p.first, p.second))
            left_out += common
    return pairs, left_out


def similarity_outputs(out: Path, notebooks: list[str], results: dict, keys: dict, manifest: dict,
                       write_csv) -> dict:
    """Write OUT/similarity.csv (with `write_csv(path, header, rows)`, the kit's CSV writer) and
    return what the report shows: {"pairs", "threshold", "left_out"}."""
    from ..core.paths import course_root
    threshold = float(manifest.get("similarity") or DEFAULT_THRESHOLD)
    course = manifest.get("course") or course_root()
    pairs, left_out = find_pairs(notebooks, results, keys, threshold, Path(course))
    write_csv(out / SIMILARITY_CSV, CSV_HEADER, [p.row() for p in pairs])
    return {"pairs": pairs, "threshold": threshold, "left_out": left_out}
