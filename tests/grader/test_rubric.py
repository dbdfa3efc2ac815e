"""Scores set by hand (issue 16, items 1 and 7): overrides, per-criterion rubric scores, a rubric
round trip that never loses work, and the HTML grading sheets.

One class of four is graded once without a kernel (widget, reflection and form exercises only);
each test works on its own copy of the output folder.  Every bad sheet must be refused with a
message naming the row or column, and must change nothing.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading.grader import Limits, Options, grade
from grading.grader.rubric import RubricError, export, merge, override
from tests.support import ROOT
from tests.support import submissions as S

NB = "92-review"
KEY = f"""notebook: {NB}
title: Review
exercises:
  - id: review.pick
    title: Pick one
    kind: choose-one
    points: 2
    prompt: Pick
    options: [{{text: A, correct: true}}, {{text: B}}]
  - id: review.story
    title: Your story
    kind: reflection
    points: 3
    prompt: Tell a story about a service you received.
    min_words: 20
    rubric:
      - {{criterion: A concrete event, points: 1}}
      - {{criterion: A cause from the lesson, points: 1}}
      - {{criterion: A remedy, points: 1}}
  - id: review.plan
    title: A plan
    kind: form
    points: 2
    prompt: Plan it.
    fields:
      - {{name: Goal, label: "1. Goal", min_words: 2}}
      - {{name: Steps, label: "2. Steps", min_words: 3}}
    rubric:
      - {{criterion: A goal, points: 1}}
      - {{criterion: Steps in order, points: 1}}
"""
STORY_ZH = "上个月我在网上买的路由器三周后才送到。我打了两次电话，每次都要重新解释问题，没有人回电话。" \
    "客服说会记录下来，可是后来再也没有消息。🙁"  # GBK has no emoji
LIMITS = Limits(cell_timeout=5, timeout=20, memory_mb=1024, max_output_kb=256)


def _answers(pick: str, story: str, plan: list[str]) -> dict:
    return {"format": 1, "notebook": NB, "exercises": {
        "review.pick": {"value": {"kind": "text", "value": pick}},
        "review.story": {"value": {"kind": "text", "value": story}},
        "review.plan": {"value": {"kind": "mapping", "keys": ["Goal", "Steps"], "values": plan}}}}


CLASS = {
    "alice": _answers("A", S.REFLECTION, ["Answer every call", "log it, assign it, call back"]),
    "王芳": _answers("A", STORY_ZH, ["每个电话都有人负责", "登记、分派、回电"]),
    "bob": _answers("B", "<script>alert(1)</script> it was late", ["", ""]),
    "carol": _answers("A", "", ["", ""]),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    keys = root / "keys"
    keys.mkdir()
    (keys / f"{NB}.yml").write_text(KEY, encoding="utf-8")
    subs = root / "subs"
    for trainee, answers in CLASS.items():
        S.write(subs, trainee, NB, S.code_notebook("print('hello')"), answers)
    grade(Options(subs, root / "out", [NB], jobs=1, limits=LIMITS, keys=keys, quiet=True))
    return root


@pytest.fixture
def run(graded, tmp_path, monkeypatch):
    """A fresh copy of the graded class: (out, submissions, keys). The report is written without its
    plots (seconds each on a busy machine, and not what these tests are about)."""
    from grading.grader import class_report
    monkeypatch.setattr(class_report, "_plots", lambda *args: [], raising=False)
    shutil.copytree(graded / "out", tmp_path / "out")
    shutil.copytree(graded / "subs", tmp_path / "subs")
    manifest = json.loads((tmp_path / "out" / "grading.json").read_text(encoding="utf-8"))
    return {"out": tmp_path / "out", "subs": tmp_path / "subs", "keys": Path(manifest["keys"])}


def _cli(*args, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k != "COURSE_LANG"}
    return subprocess.run([sys.executable, "-m", "grading", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**clean, "PYTHONPATH": str(ROOT), **env}, timeout=120)


def _regrade(run):
    grade(Options(run["subs"], run["out"], [NB], jobs=1, limits=LIMITS, keys=run["keys"], quiet=True))


def _book(out: Path) -> dict:
    with open(out / "gradebook.csv", encoding="utf-8") as fh:
        return {row["trainee"]: row for row in csv.DictReader(fh)}


def _sheet(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, header: list[str], rows: list[list], encoding="utf-8", delimiter=",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _state(out: Path) -> dict:
    """Every file a merge may change."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and "cache" not in p.parts}


# -- overrides -------------------------------------------------------------------------------

def test_an_override_survives_a_regrade_and_is_flagged_when_the_answer_changes(run):
    out = run["out"]
    assert _book(out)["bob"]["review.pick"] == "0"
    ex, score = override(out, "bob", "review.pick", "1,5", "Option B is defensible: you argued it well.")
    assert ex["earned"] == 0 and score == 1.5
    book = _book(out)
    assert book["bob"]["review.pick"] == "1.5" and float(book["bob"][f"{NB} total"]) == 1.5
    page = (out / "feedback" / "bob.html").read_text(encoding="utf-8")
    assert "Score set by your instructor (the automatic check gave 0 of 2)" in page
    assert "Option B is defensible" in page
    _regrade(run)  # everything cached: the override stays
    assert _book(out)["bob"]["review.pick"] == "1.5" and "changed" not in _book(out)["bob"]["notes"]
    answers = CLASS["bob"] | {"exercises": {**CLASS["bob"]["exercises"],
                                            "review.pick": {"value": {"kind": "text", "value": "A"}}}}
    S.write(run["subs"], "bob", NB, answers=answers)
    _regrade(run)  # graded again: the override still counts, and says the answer changed
    book = _book(out)
    assert book["bob"]["review.pick"] == "1.5"
    assert "review.pick: the answer changed after it was graded by hand" in book["bob"]["notes"]
    for page in ("feedback/bob.html", "report.html"):
        assert "review.pick: the answer changed after it was graded by hand" in (out / page).read_text(encoding="utf-8")
    rows = {(r["trainee"], r["exercise"]): r for r in _sheet(export(out)[0])}  # listed in the rubric sheet
    assert rows["bob", "review.pick"]["score"] == "1.5" and "graded automatically: 2 of 2" in \
        rows["bob", "review.pick"]["answer"]
    override(out, "bob", "review.pick", None)
    assert _book(out)["bob"]["review.pick"] == "2"  # the automatic result counts again
    assert "review.pick" not in json.loads((out / "manual.json").read_text(encoding="utf-8")).get("bob", {})


@pytest.mark.parametrize("trainee, exercise, points, says", [
    ("bobby", "review.pick", "1", "no trainee 'bobby' in this run (did you mean bob?)"),
    ("bob", "review.pik", "1", "trainee 'bob' has no exercise 'review.pik' in this run (did you mean review.pick"),
    ("bob", "review.pick", "3", "column POINTS: 3 is outside 0..2"),
    ("bob", "review.pick", "two", "column POINTS: 'two' is not a number"),
    ("bob", "review.pick", "nan", "'nan' is not a number"),
    ("bob", "review.pick", None, "'bob' has no score set by hand for review.pick; nothing to remove"),
])
def test_a_bad_override_is_refused_and_changes_nothing(run, trainee, exercise, points, says):
    before = _state(run["out"])
    with pytest.raises(RubricError) as err:
        override(run["out"], trainee, exercise, points)
    assert says in str(err.value)
    assert _state(run["out"]) == before


def test_the_override_command(run):
    def cli(*args, **env):
        return _cli("override", str(run["out"]), *args, **env)
    done = cli("bob", "review.pick", "2", "--comment", "Fine after all.")
    assert done.returncode == 0, done.stderr
    assert "bob review.pick: 2 of 2 point(s), set by hand" in done.stdout
    assert _book(run["out"])["bob"]["review.pick"] == "2"
    refused = cli("bob", "review.pick", "5", COURSE_LANG="zh-CN")
    assert refused.returncode == 2 and "POINTS" in refused.stderr and "不在0到2之间" in refused.stderr
    assert cli("bob", "review.pick").returncode == 2  # neither points nor --remove


# -- per-criterion scores and the round trip -------------------------------------------------------

def test_scores_per_criterion_add_up_and_come_back_prefilled(run):
    out = run["out"]
    path, n = export(out)
    rows = _sheet(path)
    assert n == len(rows) == 5  # alice and 王芳: story and plan; bob: his story (his plan is empty)
    assert list(rows[0])[-3:] == ["criterion 1", "criterion 2", "criterion 3"]
    story = next(r for r in rows if r["trainee"] == "alice" and r["exercise"] == "review.story")
    assert story["criteria"].splitlines() == ["1. A concrete event (1 pt)", "2. A cause from the lesson (1 pt)",
                                              "3. A remedy (1 pt)"]
    story.update({"criterion 1": "1", "criterion 2": "0,5", "criterion 3": "1", "comment": "Good; name the gap."})
    plan = next(r for r in rows if r["trainee"] == "alice" and r["exercise"] == "review.plan")
    plan.update({"score": "2"})
    _write(path, list(rows[0]), [list(r.values()) for r in rows])
    merged = merge(out, path)
    assert (merged.scores, merged.removed) == (2, 0)
    book = _book(out)
    assert book["alice"]["review.story"] == "2.5" and book["alice"]["review.plan"] == "2"
    stored = json.loads((out / "manual.json").read_text(encoding="utf-8"))["alice"]["review.story"]
    assert stored["score"] == 2.5 and stored["criteria"] == [1, 0.5, 1]
    page = (out / "feedback" / "alice.html").read_text(encoding="utf-8")
    assert "A cause from the lesson: 0.5 of 1" in page and "Good; name the gap." in page
    again = {(r["trainee"], r["exercise"]): r for r in _sheet(export(out)[0])}  # the same file: nothing unmerged
    assert [again["alice", "review.story"][f"criterion {i}"] for i in (1, 2, 3)] == ["1", "0.5", "1"]
    assert again["alice", "review.story"]["score"] == "2.5" and again["alice", "review.plan"]["criterion 3"] == ""


def test_export_never_overwrites_scores_not_merged_yet(run):
    out = run["out"]
    path, _n = export(out)
    rows = _sheet(path)
    rows[1]["score"] = "2"
    rows[3]["comment"] = "See me."
    _write(path, list(rows[0]), [list(r.values()) for r in rows])
    before = path.read_bytes()
    with pytest.raises(RubricError, match=r"not merged yet \(rows 3, 5\), so it is not overwritten: merge it first"):
        export(out)
    assert path.read_bytes() == before
    merge(out, path)
    export(out)  # merged: nothing to lose, so it may be written again
    assert {r["score"] for r in _sheet(path)} >= {"2"}
    (out / "notes.csv").write_text("my own notes\n", encoding="utf-8")
    with pytest.raises(RubricError, match="not a rubric sheet this command can read"):
        export(out, out / "notes.csv")
    assert (out / "notes.csv").read_text(encoding="utf-8") == "my own notes\n"


def test_a_sheet_without_a_comment_column_keeps_the_stored_comments(run):
    out = run["out"]
    override(out, "alice", "review.story", "3", "Excellent detail.")
    override(out, "王芳", "review.story", "2", "具体，但缺少补救措施。")
    sheet = _write(out.parent / "scores.csv", ["trainee", "exercise", "score"],
                   [["alice", "review.story", "2.5"], ["王芳", "review.story", "2"]])
    merge(out, sheet)
    manual = json.loads((out / "manual.json").read_text(encoding="utf-8"))
    assert manual["alice"]["review.story"]["score"] == 2.5
    assert manual["alice"]["review.story"]["comment"] == "Excellent detail."
    assert manual["王芳"]["review.story"]["comment"] == "具体，但缺少补救措施。"


def test_a_comment_written_before_the_score_is_kept(run):
    out = run["out"]
    sheet = _write(out.parent / "draft.csv", ["trainee", "exercise", "score", "comment"],
                   [["alice", "review.story", "", "Half read: come back to the remedy."]])
    assert merge(out, sheet).scores == 0
    assert _book(out)["alice"]["review.story"] == ""  # still to grade
    rows = {(r["trainee"], r["exercise"]): r for r in _sheet(export(out)[0])}
    assert rows["alice", "review.story"]["comment"] == "Half read: come back to the remedy."


def test_a_score_merged_from_a_sheet_exported_before_the_answer_changed_is_flagged(run):
    out = run["out"]
    path, _n = export(out)
    rows = _sheet(path)
    for row in rows:
        row["score"] = "1" if (row["trainee"], row["exercise"]) == ("bob", "review.story") else ""
    S.write(run["subs"], "bob", NB, answers=_answers("B", "A longer story, written after the export.", ["", ""]))
    _regrade(run)
    _write(path, list(rows[0]), [list(r.values()) for r in rows])
    merge(out, path)
    assert "review.story: the answer changed after it was graded by hand" in _book(out)["bob"]["notes"]


def test_a_sheet_saved_as_gbk_does_not_date_a_score_by_its_answer_cells(run):
    """Chinese Excel writes '?' for what GBK lacks (an emoji): that answer did not change."""
    out = run["out"]
    path, _n = export(out)
    rows = _sheet(path)
    for row in rows:
        row["score"] = "2" if (row["trainee"], row["exercise"]) == ("王芳", "review.story") else ""
    with open(path, "w", encoding="gbk", errors="replace", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(rows[0]))
        writer.writerows(list(r.values()) for r in rows)
    assert "?" in path.read_bytes().decode("gbk") and merge(out, path).sheet.encoding == "GB18030"
    book = _book(out)
    assert book["王芳"]["review.story"] == "2" and "changed" not in book["王芳"]["notes"]


# -- every bad sheet: refused, nothing changed, the row or column named ----------------------------------

HEADER = ["trainee", "exercise", "score", "comment", "criterion 1", "criterion 2", "criterion 3"]
BAD = {
    "score above the maximum": ([["alice", "review.story", "7", "", "", "", ""]],
                                "row 2: column score: 7 is outside 0..3"),
    "score not a number": ([["alice", "review.story", "four", "", "", "", ""]], "row 2: column score: 'four' is not a number"),
    "negative score": ([["alice", "review.story", "-1", "", "", "", ""]], "row 2: column score: -1 is outside 0..3"),
    "unknown trainee": ([["alice", "review.story", "2", "", "", "", ""], ["mallory", "review.story", "2", "", "", "", ""]],
                        "row 3: no trainee 'mallory' in this run"),
    "unknown exercise": ([["alice", "review.stroy", "2", "", "", "", ""]],
                         "row 2: trainee 'alice' has no exercise 'review.stroy' in this run (did you mean review.story?)"),
    "duplicate rows": ([["alice", "review.story", "2", "", "", "", ""], ["bob", "review.story", "1", "", "", "", ""],
                        ["alice", "review.story", "1", "", "", "", ""]],
                       "row 4: a second row for 'alice' and review.story (the first is row 2); keep one"),
    "criterion above its points": ([["alice", "review.story", "", "", "2", "1", "0"]],
                                   "row 2: column criterion 1: 2 is outside 0..1"),
    "criteria partly filled": ([["alice", "review.story", "", "", "1", "", "1"]],
                               "row 2: criterion 2 empty: fill every criterion of review.story, or none and the score"),
    "score is not their sum": ([["alice", "review.story", "3", "", "1", "1", "0"]],
                               "row 2: score 3 is not the sum of the criteria (2)"),
    "too many criteria": ([["alice", "review.plan", "", "", "1", "1", "1"]],
                          "row 2: column criterion 3: review.plan has 2 rubric criteria"),
    "criteria of an automatic exercise": ([["bob", "review.pick", "", "", "1", "", ""]],
                                          "row 2: column criterion 1: review.pick has no rubric criteria"),
    "no trainee": ([["", "review.story", "2", "", "", "", ""]],
                   "row 2: the trainee and exercise cells must both be filled"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_row_is_refused_with_its_row_and_column_and_changes_nothing(run, case):
    rows, says = BAD[case]
    sheet = _write(run["out"].parent / "bad.csv", HEADER, rows)
    before = _state(run["out"])
    with pytest.raises(RubricError) as err:
        merge(run["out"], sheet)
    assert str(err.value).startswith("nothing merged; fix these rows:") and says in str(err.value)
    assert _state(run["out"]) == before


BAD_FILES = {
    "empty": (b"", "is empty"),
    "wrong columns": ("name;points\nalice;2\n".encode(), "needs the columns trainee, exercise and score (as written by "
                                                          "rubric export), separated by commas, semicolons or tabs; its "
                                                          "first row reads: name;points"),
    "not text": ("trainee,exercise,score,comment\nalice,review.story,2,".encode() + "ｽﾄｰﾘｰ、良い".encode("shift_jis")
                 + b"\x80\xff\n", "line 2 is not UTF-8 text, and the file reads neither as Chinese"),
    "a cell too many": (b"trainee,exercise,score\nalice,review.story,2,5,extra\n",
                        "row 2: 5 cells, more than the 3 columns of the first row"),
    "a column twice": (b"trainee,exercise,score,score\nalice,review.story,2,3\n", "the column score appears twice"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_file_that_cannot_be_read_is_refused_and_says_why(run, case):
    data, says = BAD_FILES[case]
    sheet = run["out"].parent / "bad.csv"
    sheet.write_bytes(data)
    before = _state(run["out"])
    with pytest.raises(RubricError, match=r"bad\.csv") as err:
        merge(run["out"], sheet)
    assert says in str(err.value)
    assert _state(run["out"]) == before


GOOD = {  # what Excel saves, in Chinese and European settings
    "Chinese Excel (GBK)": ("gbk", ",", "很好：证据计划具体。", "2.5"),
    "Chinese Excel (GB18030, with its BOM)": ("gb18030-bom", ",", "很好：证据计划具体。", "2.5"),
    "CSV UTF-8 (with a BOM)": ("utf-8-sig", ",", "很好，Très bien", "2.5"),
    "European Excel (Windows-1252, semicolons, decimal commas)": ("cp1252", ";", "Très bien, réponse complète", "2,5"),
    "Excel's sep= line": ("utf-8", ";", "Sehr gut – Grüße", "2,5"),
    "Unicode text (UTF-16, tabs)": ("utf-16", "\t", "很好", "2.5"),
}


@pytest.mark.parametrize("case", sorted(GOOD))
def test_sheets_saved_by_chinese_and_european_excel_are_read(run, case):
    encoding, delimiter, comment, score = GOOD[case]
    who = "alice" if encoding == "cp1252" else "王芳"
    rows = [HEADER[:4], [who, "review.story", score, comment], ["alice", "review.plan", "1", ""]]
    text = "".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row) + "\r\n" for row in rows)
    if case == "Excel's sep= line":
        text = "sep=;\r\n" + text
    data = (b"\x84\x31\x95\x33" + text.encode("gb18030")) if encoding == "gb18030-bom" else text.encode(encoding)
    sheet = run["out"].parent / "filled.csv"
    sheet.write_bytes(data)
    merged = merge(run["out"], sheet)
    assert merged.scores == 2
    manual = json.loads((run["out"] / "manual.json").read_text(encoding="utf-8"))
    assert manual[who]["review.story"]["score"] == 2.5 and manual[who]["review.story"]["comment"] == comment
    assert _book(run["out"])[who]["review.story"] == "2.5"


def test_the_merge_command_says_how_it_read_the_sheet(run):
    sheet = run["out"].parent / "filled.csv"
    sheet.write_bytes("trainee;exercise;score;comment\n王芳;review.story;2,5;很好\n".encode("gbk"))
    done = _cli("rubric", "merge", str(run["out"]), str(sheet))
    assert done.returncode == 0, done.stderr
    assert "as GB18030, semicolon-separated" in done.stdout and "merged 1 manual score(s)" in done.stdout


# -- grading sheets ---------------------------------------------------------------------------------

def test_a_grading_sheet_shows_every_answer_beside_the_criteria_escaped(run):
    out = run["out"]
    override(out, "alice", "review.story", "2", "Name the cause.")
    export(out)
    folder = out / "sheets"
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "review.story.html" in index and "review.plan.html" in index and "review.pick" not in index
    page = (folder / "review.story.html").read_text(encoding="utf-8")
    assert page.index("A concrete event") < page.index("A remedy") < page.index(S.REFLECTION[:40])
    assert STORY_ZH[:20] in page and "carol" in page.split("No answer from:")[1]
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Score: 2 of 3" in page and "Name the cause." in page and "(to grade)" in page
    assert "shorter than 20 words" in page  # bob's
    plan = (folder / "review.plan.html").read_text(encoding="utf-8")
    assert "1. Goal" in plan and "登记、分派、回电" in plan
    export(out, out.parent / "zh.csv", lang="zh-CN")
    page = (folder / "review.story.html").read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in page and "评分标准" in page and "Rubric" not in page
