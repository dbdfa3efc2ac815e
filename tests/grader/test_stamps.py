"""Outputs only when they change: a page whose inputs are unchanged is left as it is (the report
is not even drawn), a changed one is written again, and so is one deleted or edited by hand."""
from __future__ import annotations

import json

import pytest

from grading.grader import class_report, feedback_pages
from grading.grader.gradebook import write_outputs
from grading.grader.stamps import STAMPS
from tests.support.results import NB, result, write_run

PAGES = ("report.html", "similarity.csv", "gradebook.csv", "results.csv", "feedback/alice.html",
         "feedback/bob.html")


@pytest.fixture
def out(tmp_path, monkeypatch):
    monkeypatch.setattr(class_report, "_plots", lambda *a: [])  # drawing is not what is tested here
    write_run(tmp_path, {t: {NB: result(t)} for t in ("alice", "bob")})
    write_outputs(tmp_path, "en")
    return tmp_path


def written(out) -> dict:
    return {p: (out / p).stat().st_mtime_ns for p in PAGES}


def counting(monkeypatch) -> list:
    """Record which pages are rendered from now on."""
    rendered = []
    report, page = class_report.write_report, feedback_pages.write_feedback
    monkeypatch.setattr(class_report, "write_report", lambda path, *a: rendered.append(path.name) or report(path, *a))
    monkeypatch.setattr(feedback_pages, "write_feedback",
                        lambda path, *a: rendered.append(path.name) or page(path, *a))
    return rendered


def test_an_unchanged_class_writes_nothing(out, monkeypatch):
    before = written(out)
    rendered = counting(monkeypatch)
    write_outputs(out, "en")
    assert rendered == [] and written(out) == before
    assert set(json.loads((out / STAMPS).read_text(encoding="utf-8"))) == {
        "report.html", "similarity.csv", "feedback/alice.html", "feedback/bob.html"}


def test_a_manual_score_rewrites_that_trainees_page_and_the_report_only(out, monkeypatch):
    (out / "manual.json").write_text(json.dumps({"bob": {"eng.my-service": {"score": 2, "comment": "Good."}}}),
                                     encoding="utf-8")
    rendered = counting(monkeypatch)
    write_outputs(out, "en")
    assert sorted(rendered) == ["bob.html", "report.html"]
    assert "Good." in (out / "feedback" / "bob.html").read_text(encoding="utf-8")


def test_another_language_rewrites_the_report(out, monkeypatch):
    rendered = counting(monkeypatch)
    write_outputs(out, "zh-CN")
    assert rendered == ["report.html"] and "<html lang='zh-CN'>" in (out / "report.html").read_text(encoding="utf-8")


def test_a_deleted_or_edited_page_is_written_again(out, monkeypatch):
    (out / "report.html").unlink()
    (out / "feedback" / "alice.html").write_text("edited", encoding="utf-8")
    rendered = counting(monkeypatch)
    write_outputs(out, "en")
    assert sorted(rendered) == ["alice.html", "report.html"]
    assert "Feedback for alice" in (out / "feedback" / "alice.html").read_text(encoding="utf-8")


def test_force_writes_every_page(out, monkeypatch):
    rendered = counting(monkeypatch)
    write_outputs(out, "en", force=True)
    assert sorted(rendered) == ["alice.html", "bob.html", "report.html"]


def test_unreadable_stamps_only_cost_one_rewrite(out, monkeypatch):
    (out / STAMPS).write_text("[not json", encoding="utf-8")
    rendered = counting(monkeypatch)
    write_outputs(out, "en")
    assert len(rendered) == 3
    rendered.clear()
    write_outputs(out, "en")
    assert rendered == []
