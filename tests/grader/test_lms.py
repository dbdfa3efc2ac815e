"""The LMS round trip: collect a Moodle or Canvas bulk download, grade it with a class list and
deadlines, export the grades for the LMS; and one module graded into an existing output folder.

The downloads are built here with the names each LMS really writes (see grading/grader/collect.py).
The tiny key (90-tiny: two code answers and one choice) keeps the runs to a few seconds.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import nbformat
import pytest

from grading.grader import Limits, Options, grade
from grading.grader.collect import LMS_FILE, collect, notebook_of, parse_time
from grading.grader.export import export
from grading.grader.gradebook import GradeError
from grading.grader.roster import RosterError, read_roster
from tests.support import TINY
from tests.support import submissions as S
from tests.support.tiny import tiny, tiny_answers, tiny_keys

LIMITS = Limits(cell_timeout=5, timeout=20, memory_mb=1024, max_output_kb=256)
PICK = "91-pick"  # a widget-only key: graded from the answers file, no kernel


def _nb_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode()


def _answers(keys: Path, right=True, saved_at="2026-11-30T10:00:00+08:00") -> bytes:
    data = tiny_answers(keys, right)
    for record in data["exercises"].values():
        record["saved_at"] = saved_at
    return json.dumps(data).encode()


def _zip(entries: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _keys(folder: Path) -> Path:
    """The tiny key and a widget-only one (PICK, 2 points)."""
    keys = tiny_keys(folder)
    (keys / f"{PICK}.yml").write_text(
        f"notebook: {PICK}\ntitle: Pick\nexercises:\n  - id: pick.one\n    kind: choose-one\n    points: 2\n"
        "    prompt: Pick A\n    options: [{text: A, correct: true}, {text: B}]\n", encoding="utf-8")
    return keys


def _pick_answers(keys: Path, saved_at: str) -> dict:
    answers = S.widget_answers(PICK, keys_dir=keys)
    answers["exercises"]["pick.one"]["saved_at"] = saved_at
    return answers


def _gradebook(out: Path) -> dict:
    with open(out / "gradebook.csv", encoding="utf-8") as fh:
        return {row["trainee"]: row for row in csv.DictReader(fh)}


def test_course_notebooks_are_found_under_copy_names():
    known = {TINY: TINY, "02-quality-gaps": "02-quality-gaps"}
    assert notebook_of("90-tiny.ipynb", known) == (TINY, "ipynb", 0)
    assert notebook_of("90-tiny (2).ipynb", known) == (TINY, "ipynb", 2)
    assert notebook_of("90-Tiny-1.answers.json", known) == (TINY, "answers", 1)  # Canvas re-upload
    assert notebook_of("02-quality-gaps - 副本.ipynb", known) == ("02-quality-gaps", "ipynb", 1)
    assert notebook_of("02-quality-gaps - Copy (3).ipynb", known) == ("02-quality-gaps", "ipynb", 3)
    assert notebook_of("02-quality.ipynb", known) is None
    assert notebook_of("notes.docx", known) is None


def test_times_as_moodle_and_people_write_them():
    assert parse_time("Tuesday, 1 December 2026, 9:05 PM").strftime("%Y-%m-%d %H:%M") == "2026-12-01 21:05"
    assert parse_time("2026年12月1日 星期二 09:05").strftime("%Y-%m-%d %H:%M") == "2026-12-01 09:05"
    assert parse_time("2026/12/01 09:05+08:00").utcoffset().total_seconds() == 8 * 3600
    assert parse_time("-") is None and parse_time("soon") is None


def test_a_roster_saved_by_chinese_excel_is_read(tmp_path):
    path = tmp_path / "students.csv"
    path.write_bytes("学号;姓名;邮箱\nwang;王芳;wang@example.edu\nli;李雷;li@example.edu\n".encode("gbk"))
    people = read_roster(path)
    assert [(p.id, p.name, p.email) for p in people] == [("wang", "王芳", "wang@example.edu"),
                                                         ("li", "李雷", "li@example.edu")]
    path.write_text("name,email\nWang,w@x\n", encoding="utf-8")
    with pytest.raises(RosterError, match="no id column"):
        read_roster(path)
    path.write_text("id,name\nwang,A\nwang,B\n", encoding="utf-8")
    with pytest.raises(RosterError, match="line 3: the id 'wang' is already on line 2"):
        read_roster(path)


def test_moodle_download_collected_and_graded_with_roster_and_deadline(tmp_path):
    keys = tiny_keys(tmp_path)
    right, wrong = _nb_bytes(tiny()), _nb_bytes(S.code_notebook("x = 1", "y = 7"))
    inner = _zip({"90-tiny.ipynb": right, "90-tiny.answers.json": _answers(keys),
                  "__MACOSX/._90-tiny.ipynb": b"\x00\x05"})
    download = tmp_path / "CS101-Week 1-12.zip"
    download.write_bytes(_zip({
        "王芳_1001_assignsubmission_file/90-tiny.ipynb": right,
        "王芳_1001_assignsubmission_file/90-tiny.answers.json": _answers(keys),
        "__MACOSX/王芳_1001_assignsubmission_file/._90-tiny.ipynb": b"\x00\x05",
        "Bob Li_1002_assignsubmission_file/90-tiny.ipynb": wrong,
        "Bob Li_1002_assignsubmission_file/90-tiny (1).ipynb": right,      # the later download
        "Bob Li_1002_assignsubmission_file/90-tiny.answers.json": _answers(keys),
        "Bob Li_1002_assignsubmission_onlinetext/onlinetext.html": b"<p>see attached</p>",
        "Carol Wu_1003_assignsubmission_file/submission.zip": inner,        # a zip the trainee uploaded
        "Dave Ma_1004_assignsubmission_file_notes.docx": b"PK\x03\x04",     # Moodle without folders
        "Dave Ma_1004_assignsubmission_file_90-tiny.answers.json": _answers(keys),
    }))
    worksheet = tmp_path / "worksheet.csv"
    worksheet.write_text("Identifier,Full name,Email address,Status,Grade,Last modified (submission)\n"
                         "Participant 1001,王芳,wang@example.edu,Submitted,,\"Monday, 30 November 2026, 8:00 AM\"\n"
                         "Participant 1002,Bob Li,bob@example.edu,Submitted,,\"Wednesday, 2 December 2026, 9:30 AM\"\n"
                         "Participant 1003,Carol Wu,carol@example.edu,Submitted,,-\n", encoding="utf-8-sig")
    roster = tmp_path / "roster.csv"
    roster.write_bytes("学号,姓名,邮箱\nwang,王芳,wang@example.edu\nbob,Li Bob,bob@example.edu\n"
                       "carol,Carol Wu,carol@example.edu\nerin,Erin Zhao,erin@example.edu\n".encode("gbk"))
    subs = tmp_path / "subs"
    report = collect(download, "moodle", subs, roster=roster, worksheet=worksheet, keys=keys)

    assert sorted(report.trainees) == ["Dave_Ma", "bob", "carol", "wang"]  # Bob Li = "Li Bob" on the list
    assert (subs / "bob" / f"{TINY}.ipynb").read_bytes() == right
    assert (subs / "carol" / f"{TINY}.answers.json").exists()
    text = "\n".join(report.lines())
    assert "took Bob Li_1002_assignsubmission_file/90-tiny (1).ipynb" in text
    for why in ("onlinetext submission", "macOS resource copies", "not a notebook or answers file of the course"):
        assert why in text
    assert "Dave Ma" in text and "is not on the class list" in text
    with open(subs / LMS_FILE, encoding="utf-8") as fh:
        mapping = {r["trainee"]: r for r in csv.DictReader(fh)}
    assert mapping["wang"]["lms_user"] == "1001" and mapping["wang"]["email"] == "wang@example.edu"
    assert mapping["bob"]["submitted_at"].startswith("2026-12-02T09:30")

    out = tmp_path / "out"
    grade(Options(subs, out, [TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True, roster=roster,
                  due=("2026-12-01T09:00",), late_penalty=10))
    book = _gradebook(out)
    assert set(book) == {"wang", "bob", "carol", "erin", "Dave_Ma"}
    assert book["erin"]["total"] == "0" and book["erin"]["notes"] == "no submission"
    assert book["wang"]["name"] == "王芳" and book["wang"]["total"] == "3"
    assert book["bob"][f"{TINY} late (days)"] == "1.02"
    assert book["bob"][f"{TINY} late penalty"] == "0.6" and book["bob"]["total"] == "2.4"  # 2 started days × 10 %
    assert "handed in 25 h after the deadline" in book["bob"]["notes"]
    assert book["carol"][f"{TINY} late (days)"] == ""  # no worksheet time: the answers file's saved_at, on time
    assert book["Dave_Ma"]["notes"].startswith("not on the class list")
    feedback = (out / "feedback" / "bob.html").read_text(encoding="utf-8")
    assert "<b>2.4</b>" in feedback and "late penalty" in feedback

    path, n = export(out, "moodle")
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    assert n == 5 and rows[0].keys() >= {"Username", "Email address", TINY, f"{TINY} max", f"{TINY} %"}
    bob = next(r for r in rows if r["Username"] == "bob")
    assert (bob["Email address"], bob[TINY], bob[f"{TINY} max"], bob[f"{TINY} %"]) == ("bob@example.edu", "2.4",
                                                                                          "3", "80")


def test_canvas_download_collected_graded_and_exported(tmp_path):
    keys = _keys(tmp_path)
    notebook = _nb_bytes(S.code_notebook("pass"))  # PICK is graded from the answers file alone
    on_time = json.dumps(_pick_answers(keys, "2026-11-30T08:00:00+08:00")).encode()
    download = tmp_path / "canvas"
    download.mkdir()  # an unpacked download works like the zip
    files = {
        f"wangfang_2001_3001_{PICK}.ipynb": notebook,
        f"wangfang_2001_3002_{PICK}.answers.json": on_time,
        f"libob_late_2002_3003_{PICK}-1.ipynb": notebook,                          # late, re-uploaded
        f"libob_late_2002_3004_{PICK}.answers.json": on_time,
        "carolwu_2003_text.html": b"<p>forgot the file</p>",
        "README.txt": b"not from Canvas",
    }
    for name, data in files.items():
        (download / name).write_bytes(data)
    roster = tmp_path / "canvas-grades.csv"
    roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section,Week 1\n"
                      "    Points Possible,,,,,10\n"
                      "\"Wang, Fang\",2001,S1,wang,A,\n\"Li, Bob\",2002,S2,bob,A,\n\"Wu, Carol\",2003,S3,carol,A,\n",
                      encoding="utf-8")
    subs = tmp_path / "subs"
    report = collect(download, "canvas", subs, roster=roster, keys=keys)
    assert sorted(report.trainees) == ["bob", "wang"]
    assert (subs / "bob" / f"{PICK}.ipynb").exists()
    text = "\n".join(report.lines())
    assert "carolwu_2003_text.html: a text or link entered in Canvas" in text
    assert "README.txt: not named as Canvas names submissions" in text

    out = tmp_path / "out"
    grade(Options(subs, out, None, keys=keys, quiet=True, roster=roster,
                  due=(f"{PICK}=2026-12-01T09:00+08:00",), late_penalty=25))
    book = _gradebook(out)
    assert book["wang"]["total"] == "2" and book["wang"][f"{PICK} late (days)"] == ""
    assert book["bob"]["total"] == "1.5"  # Canvas says late, the time is unknown: one day, 25 %
    assert "according to Canvas" in book["bob"]["notes"]
    assert book["carol"]["notes"] == "no submission"

    path, _n = export(out, "canvas", bom=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", PICK]
    assert rows[1][0] == "Points Possible" and rows[1][5] == "2"
    assert ["Li, Bob", "2002", "", "bob", "", "1.5"] in rows
    path, _n = export(out, "summary")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # for Excel, by default
    assert "Wang, Fang" in path.read_text(encoding="utf-8-sig")


def test_bad_deadline_options_are_refused(tmp_path):
    keys = tiny_keys(tmp_path)
    S.write(tmp_path / "subs", "ann", TINY, tiny(), tiny_answers(keys))
    opts = dict(jobs=1, limits=LIMITS, keys=keys, quiet=True)
    with pytest.raises(GradeError, match="not a date and time"):
        grade(Options(tmp_path / "subs", tmp_path / "out", [TINY], due=("next friday",), **opts))
    with pytest.raises(GradeError, match="need --due"):
        grade(Options(tmp_path / "subs", tmp_path / "out", [TINY], late_penalty=10, **opts))


def test_extension_moves_one_trainees_deadline(tmp_path):
    keys = _keys(tmp_path)
    for who in ("ann", "ben"):
        S.write(tmp_path / "subs", who, PICK, answers=_pick_answers(keys, "2026-12-03T10:00:00+00:00"))
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("trainee;due\nben;2026-12-05T00:00+00:00\n", encoding="utf-8")
    out = tmp_path / "out"
    grade(Options(tmp_path / "subs", out, [PICK], keys=keys, quiet=True, due=("2026-12-01T00:00+00:00",),
                  late_penalty=50, extensions=extensions))
    book = _gradebook(out)
    assert (book["ann"]["total"], book["ann"][f"{PICK} late (days)"]) == ("0", "2.42")  # 3 started days: all
    assert (book["ben"]["total"], book["ben"][f"{PICK} late (days)"]) == ("2", "")


def test_one_module_into_an_existing_folder_keeps_the_others(tmp_path):
    keys = _keys(tmp_path)
    week1, week2, out = tmp_path / "week1", tmp_path / "week2", tmp_path / "out"
    (keys / "92-pick.yml").write_text((keys / f"{PICK}.yml").read_text().replace(PICK, "92-pick")
                                      .replace("pick.one", "pick.two"), encoding="utf-8")
    S.write(week1, "ann", PICK, answers=_pick_answers(keys, "2026-11-01T10:00:00"))
    grade(Options(week1, out, [PICK], keys=keys, quiet=True))
    S.write(week2, "ann", "92-pick", answers=S.widget_answers("92-pick", keys_dir=keys))
    S.write(week2, "cy", "92-pick", answers=S.widget_answers("92-pick", keys_dir=keys))  # new this week
    grade(Options(week2, out, None, keys=keys, quiet=True))

    book = _gradebook(out)
    assert (book["ann"][f"{PICK} total"], book["ann"]["92-pick total"], book["ann"]["total"]) == ("2", "2", "4")
    assert (book["cy"][f"{PICK} total"], book["cy"]["92-pick total"]) == ("0", "2")
    assert f"{PICK}: not submitted" in book["cy"]["notes"]
    page = (out / "feedback" / "ann.html").read_text(encoding="utf-8")
    assert PICK in page and "92-pick" in page
    before = (out / "gradebook.csv").read_bytes()
    grade(Options(week2, out, ["92-pick"], keys=keys, quiet=True))
    assert (out / "gradebook.csv").read_bytes() == before  # the same again, byte for byte


def test_collecting_again_replaces_the_module_and_bad_downloads_are_refused(tmp_path):
    keys = _keys(tmp_path)
    download, subs = tmp_path / "canvas", tmp_path / "subs"
    download.mkdir()
    (download / f"wangfang_2001_3001_{PICK}.ipynb").write_bytes(_nb_bytes(S.code_notebook("pass")))
    (download / f"wangfang_2001_3002_{PICK}.answers.json").write_text(json.dumps(_pick_answers(keys, "")))
    collect(download, "canvas", subs, keys=keys)
    assert (subs / "wangfang" / f"{PICK}.answers.json").exists()
    (download / f"wangfang_2001_3002_{PICK}.answers.json").unlink()
    report = collect(download, "canvas", subs, keys=keys)
    assert not (subs / "wangfang" / f"{PICK}.answers.json").exists()
    assert f"wangfang/{PICK}.answers.json: removed, the new download has none" in "\n".join(report.lines())

    from grading.grader.collect import CollectError
    with pytest.raises(CollectError, match="Canvas downloads have none"):
        collect(download, "canvas", subs, worksheet=tmp_path / "w.csv", keys=keys)
    with pytest.raises(CollectError, match="does not exist"):
        collect(tmp_path / "nowhere.zip", "moodle", subs, keys=keys)
    (tmp_path / "fake.zip").write_bytes(b"not a zip")
    with pytest.raises(CollectError, match="neither a folder nor a readable zip"):
        collect(tmp_path / "fake.zip", "moodle", subs, keys=keys)
    evil = tmp_path / "evil.zip"
    evil.write_bytes(_zip({f"Eve_9_assignsubmission_file/../../../{PICK}.ipynb": b"{}",
                           f"Eve_9_assignsubmission_file/{PICK}.ipynb": _nb_bytes(S.code_notebook("pass"))}))
    report = collect(evil, "moodle", subs, keys=keys)
    assert "unsafe path or link inside the zip" in "\n".join(report.lines())
    assert not (tmp_path / f"{PICK}.ipynb").exists() and (subs / "Eve" / f"{PICK}.ipynb").exists()
