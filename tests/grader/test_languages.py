"""A mixed-language class: the grader is language-blind, each trainee reads their own language.

One grading run (module fixture) of three trainees: `alice` (English notebooks), `王芳`
(the same answers in zh-CN notebooks, a long Chinese reflection) and `李雷` (a zh-CN tiny
notebook and, for the start-here module, only an answers file with a short Chinese
reflection).  The tiny notebook (key `90-tiny`, with a Chinese key catalogue written
here) has a wrong value, a renamed variable and a failing cell, so the grader's own
messages show up on the feedback pages.
"""
from __future__ import annotations

import copy
import csv
import html
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from grading.core import i18n
from grading.core import keys as answer_keys
from grading.grader import Limits, Options, grade
from grading.grader.language import (notebook_language, short_parts, submission_languages, text_length,
                                     trainee_language)
from tests.support import ROOT, TINY
from tests.support import submissions as S
from tests.support.tiny import tiny_answers, tiny_keys

NB = "00-start-here"
LIMITS = Limits(cell_timeout=10, timeout=60, memory_mb=1024, max_output_kb=256)
ZH = "zh-CN"
REFLECTION_ZH = ("去年我在网上买了一台冰箱，送货时间一拖再拖，整整等了三个星期。我打了两次客服电话，每次接电话的人"
                 "都让我从头讲一遍情况，答应回电却没有人回。最后我取消了订单，还把这件事告诉了朋友。我觉得这更像是"
                 "员工态度冷漠，而不是产品本身的问题：没有人真正负责处理我的投诉，公司因此失去了一个本来可以留住的"
                 "顾客。后来我才明白，如果当时有人认真听我抱怨，我很可能会继续用他们的服务。")
SHORT_ZH = "等太久了，没人管。"
TINY_ZH = {"A tiny synthetic notebook": "一个极小的合成笔记本", "x is forty-two": "x等于42", "Pick A": "选A"}
CJK = re.compile("[\u4e00-\u9fff]")


def _zh(nb):
    """The notebook as a zh-CN release carries it (cells translated where the catalogue has them)."""
    from grading.authoring.release import translate_notebook
    nb = copy.deepcopy(nb)
    translate_notebook(nb, NB, ROOT, ZH)
    nb.metadata.setdefault("grading", {})["lang"] = ZH
    return nb


def _tiny_notebook(lang: str | None = None):
    nb = S.code_notebook("x = 41", "yy = 7", "z = int('seven')")
    if lang:
        nb.metadata["grading"] = {"release": "trainee", "notebook": TINY, "lang": lang}
    return nb


def _tiny_catalogue(keys: Path) -> None:
    """keys/zh-CN/90-tiny.po: every text of the tiny key in Chinese (names and letters stay)."""
    from babel.messages import Catalog
    from babel.messages.pofile import write_po
    from grading.authoring.translations import key_messages
    catalog = Catalog(locale="zh_CN")
    with answer_keys.using(keys):
        for context, text in key_messages(answer_keys.notebook_key(TINY)):
            catalog.add(text, TINY_ZH.get(text, text), context=context)
    (keys / ZH).mkdir(exist_ok=True)
    with open(keys / ZH / f"{TINY}.po", "wb") as fh:
        write_po(fh, catalog)
    source = ROOT / "grading" / "keys" / ZH / f"{NB}.po"
    if source.exists():
        shutil.copyfile(source, keys / ZH / f"{NB}.po")


def _answers(reflection: str) -> dict:
    answers = S.widget_answers(NB)
    answers["exercises"]["start.my-service"]["value"] = {"kind": "text", "value": reflection}
    return answers


def build_class(root: Path, keys: Path) -> Path:
    subs = root / "subs"
    S.write(subs, "alice", NB, S.master(NB), S.widget_answers(NB))
    S.write(subs, "alice", TINY, _tiny_notebook(), tiny_answers(keys))
    S.write(subs, "王芳", NB, _zh(S.master(NB)), _answers(REFLECTION_ZH))
    S.write(subs, "王芳", TINY, _tiny_notebook(ZH), tiny_answers(keys))
    S.write(subs, "李雷", NB, answers=_answers(SHORT_ZH))  # no notebook: the trainee's language decides
    S.write(subs, "李雷", TINY, _tiny_notebook(ZH), tiny_answers(keys))
    return subs


def _read(out: Path):
    with open(out / "gradebook.csv", encoding="utf-8") as fh:
        book = {row["trainee"]: row for row in csv.DictReader(fh)}
    with open(out / "results.csv", encoding="utf-8") as fh:
        results = {(r["trainee"], r["exercise"]): r for r in csv.DictReader(fh)}
    pages = {p.stem: p.read_text(encoding="utf-8") for p in (out / "feedback").glob("*.html")}
    return book, results, pages


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    keys = tiny_keys(root)
    _tiny_catalogue(keys)
    subs = build_class(root, keys)
    out = root / "out"
    saved = os.environ.pop("COURSE_LANG", None)  # the report: --lang, else COURSE_LANG, else English
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            summary = grade(Options(subs, out, [NB, TINY], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    finally:
        if saved is not None:
            os.environ["COURSE_LANG"] = saved
    book, results, pages = _read(out)
    return {"root": root, "out": out, "subs": subs, "keys": keys, "summary": summary, "book": book,
            "results": results, "pages": pages, "warnings": [str(w.message) for w in caught]}


# -- what decides the language ---------------------------------------------------------------

def test_each_submission_is_judged_in_its_notebooks_language(run):
    cached = {p.parent.name: json.loads(p.read_text(encoding="utf-8"))["result"]
              for p in (run["out"] / "cache").rglob(f"{TINY}.json")}
    assert {t: r["lang"] for t, r in cached.items()} == {"alice": "en", "王芳": ZH, "李雷": ZH}
    absent = json.loads((run["out"] / "cache" / "李雷" / f"{NB}.json").read_text(encoding="utf-8"))["result"]
    assert absent["lang"] == ZH  # no notebook: the language of the trainee's other notebooks


def test_the_language_of_a_notebook(tmp_path):
    import nbformat
    path = tmp_path / "a.ipynb"
    for meta, want in (({}, "en"), ({"grading": {"lang": "zh-CN"}}, ZH), ({"grading": {"lang": "zh_CN"}}, ZH),
                       ({"grading": {"lang": "fr"}}, "en"), ({"grading": "odd"}, "en")):
        nbformat.write(nbformat.v4.new_notebook(metadata=meta), path)
        assert notebook_language(path) == want, meta
    path.write_text("{not json", encoding="utf-8")
    assert notebook_language(path) is None and notebook_language(None) is None
    from grading.grader.submissions import Submission
    zh = tmp_path / "zh.ipynb"
    nbformat.write(nbformat.v4.new_notebook(metadata={"grading": {"lang": ZH}}), zh)
    subs = {"01-a": Submission("t", "01-a", ipynb=zh), "02-b": Submission("t", "02-b")}
    assert submission_languages(subs) == {"01-a": ZH, "02-b": ZH}
    assert submission_languages(subs, "en") == {"01-a": "en", "02-b": "en"}
    assert trainee_language({"01-a": {"lang": ZH, "submitted": True}, "02-b": {"lang": "en", "submitted": False}}) == ZH


# -- points ------------------------------------------------------------------------------------

def test_points_never_depend_on_the_language(run):
    alice, wang = run["book"]["alice"], run["book"]["王芳"]
    columns = [c for c in alice if c not in ("trainee", "notes")]
    assert [alice[c] for c in columns] == [wang[c] for c in columns]
    for (trainee, eid), row in run["results"].items():
        if trainee == "alice":
            other = run["results"][("王芳", eid)]
            assert (row["status"], row["points"]) == (other["status"], other["points"]), eid
    assert float(alice["total"]) > 0 and alice["start.my-service"] == "" == wang["start.my-service"]


def test_a_chinese_reflection_is_measured_as_chinese(run):
    mine = run["results"][("王芳", "start.my-service")]
    assert mine["status"] == "submitted"  # not "incorrect" as 'one word' by str.split()
    assert "字" in mine["message"]  # counted in characters, as a Chinese reader counts
    short = run["results"][("李雷", "start.my-service")]
    assert short["status"] == "submitted" and run["book"]["李雷"]["start.my-service"] == ""  # never auto-failed


def test_a_short_reflection_is_listed_for_the_instructor(run, tmp_path, monkeypatch):
    from grading.grader.rubric import export
    monkeypatch.delenv("COURSE_LANG", raising=False)
    path, _n = export(run["out"], tmp_path / "rubric.csv")
    rows = {r["trainee"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}
    assert int(rows["王芳"]["words"]) == text_length(REFLECTION_ZH) >= 60 and rows["王芳"]["short"] == ""
    assert int(rows["李雷"]["words"]) == 4 and rows["李雷"]["short"] == "shorter than 60 words"
    assert rows["alice"]["short"] == "" and int(rows["alice"]["words"]) == len(S.REFLECTION.split())
    report = (run["out"] / "report.html").read_text(encoding="utf-8")
    assert "Short answers to read (1)" in report and "李雷" in report.split("Short answers to read")[1]
    path, _n = export(run["out"], tmp_path / "rubric-zh.csv", lang=ZH)
    rows = {r["trainee"]: r for r in csv.DictReader(open(path, encoding="utf-8"))}
    assert rows["李雷"]["short"].startswith("不足60词") and "（1分）" in rows["李雷"]["criteria"]


def test_text_length_is_fair_to_chinese():
    assert text_length("The router came three weeks late.") == 6 == len("The router came three weeks late.".split())
    assert text_length("顾客等了三周") == 3  # six characters, two per word
    assert text_length("我用Excel算了平均值。") == 1 + 4  # a Latin word plus seven characters
    assert text_length("") == 0 and text_length("好") == 1
    assert short_parts({"kind": "reflection", "min_words": 5}, {"kind": "text", "value": "好极了"}) == (2, [""])
    form = {"kind": "form", "fields": [{"name": "a", "min_words": 2}, {"name": "b"}]}
    assert short_parts(form, {"kind": "mapping", "keys": ["a", "b"], "values": ["服务周到", ""]}) == (2, ["b"])


# -- feedback pages -----------------------------------------------------------------------------

def _core_texts(run, trainee: str) -> set[str]:
    """Texts the core engine owns (verdict messages, status labels): translated in its catalogue,
    which another part of the work fills in.  Until then they may still be English."""
    from grading.core.assess import assess
    from grading.core.status import STATUSES
    found = {s.feedback_label for s in STATUSES.values()}
    with answer_keys.using(run["keys"]), i18n.use(ZH):
        found |= {i18n._(s.feedback_label) for s in STATUSES.values()}
        for nb in (NB, TINY):
            specs = {ex["id"]: ex for ex in answer_keys.notebook_key(nb)["exercises"]}
            result = json.loads((run["out"] / "cache" / trainee / f"{nb}.json").read_text(encoding="utf-8"))["result"]
            for ex in result["exercises"]:
                if ex.get("value") is not None:
                    verdict = assess(nb, specs[ex["id"]], ex["value"], hidden=True)
                    found |= {verdict.message, *verdict.details}
    return found


def _untranslated_key_texts(run) -> set[str]:
    """Key texts whose Chinese translation is not written yet (another part of the work)."""
    from grading.authoring.translations import key_messages
    found = set()
    with answer_keys.using(run["keys"]), i18n.use(ZH):
        for nb in (NB, TINY):
            for context, text in key_messages(answer_keys.notebook_key(nb)):
                if i18n.key_text(nb, context, text, keys_dir=answer_keys.KEYS_DIR) == text:
                    found.add(text)
    return found


def english_left(page: str, allowed=(), names=()) -> list[str]:
    """English words on a page outside code, tags, names and `allowed` texts."""
    from grading.grader.feedback_pages import text
    page = re.sub(r"(?s)<style>.*?</style>|<script>.*?</script>", " ", page)
    for item in sorted((a for a in allowed if re.search("[A-Za-z]{2,}", a)), key=len, reverse=True):
        page = page.replace(text(item), " ")
    page = re.sub(r"(?s)<code>.*?</code>|<[^>]+>", " ", page)
    page = html.unescape(page)
    for name in names:
        page = page.replace(name, " ")
    found = re.findall(r"[A-Za-z]{2,}(?:\s+[A-Za-z]{2,})*", page)
    return [w for w in found if not w.isupper()]  # acronyms (LAST, SERVQUAL, IPA) are names


def test_the_chinese_trainees_page_is_in_chinese(run):
    page = run["pages"]["王芳"]
    assert "<html lang='zh-CN'>" in page and "王芳的作业反馈" in page and "总分：" in page
    assert "<b>提示：</b>x等于42" in page  # the key's hint, from the key's Chinese catalogue
    assert "一个极小的合成笔记本" in page and "找不到变量<code>y</code>" in page
    assert "运行出错：<code>ValueError:" in page
    names = ["王芳", NB, TINY, *sorted({eid for _t, eid in run["results"]}, key=len, reverse=True)]
    left = english_left(page, _core_texts(run, "王芳") | _untranslated_key_texts(run), names)
    assert left == [], left
    tiny_only = page.split(f"{TINY} — ")[1]  # the tiny module's key is fully translated here
    assert english_left(tiny_only, _core_texts(run, "王芳"), names) == []


def test_the_english_trainees_page_is_unchanged(run):
    page = run["pages"]["alice"]
    assert "<html lang='en'>" in page and not CJK.search(page)
    for line in ("<h1>Feedback for alice</h1>", "<b>Hint:</b> x is forty-two",
                 "<th>Exercise</th><th class='pts'>Points</th><th>Result</th><th>Feedback</th>",
                 "Errors while your notebook ran (1)", "Reflections are graded by your instructor."):
        assert line in page
    assert run["results"][("alice", "tiny.y")]["message"] == (
        "Variable `y` not found — did you rename it or delete its cell? (the notebook has `yy`) "
        "Keep the name `y`: the grader reads the answer from it.")
    assert "cell 3 (`z = int('seven')`) raised ValueError: invalid literal" in html.unescape(
        re.sub("</?code>", "`", page))
    assert not CJK.search(run["book"]["alice"]["notes"]) and CJK.search(run["book"]["王芳"]["notes"])


def test_a_rerun_from_the_cache_keeps_each_language(run):
    before = {p: (run["out"] / p).read_bytes() for p in ("gradebook.csv", "results.csv", "feedback/王芳.html",
                                                          "feedback/alice.html", "report.html")}
    again = grade(Options(run["subs"], run["out"], [NB, TINY], jobs=2, limits=LIMITS, keys=run["keys"], quiet=True))
    assert again.graded == 0 and again.cached == 6
    assert {p: (run["out"] / p).read_bytes() for p in before} == before


def test_lang_forces_one_language_and_the_cache_follows(run):
    out = run["root"] / "forced-en"
    shutil.copytree(run["out"] / "cache", out / "cache")  # the cache only: a copied run would keep NB too
    forced = grade(Options(run["subs"], out, [TINY], jobs=2, limits=LIMITS, keys=run["keys"], quiet=True,
                           lang="en"))
    assert forced.cached == 1 and forced.graded == 2  # alice's result was English already
    book, results, pages = _read(out)
    assert "<html lang='en'>" in pages["王芳"] and not CJK.search(pages["王芳"].replace("王芳", ""))
    assert "Feedback for 王芳" in pages["王芳"] and "<b>Hint:</b> x is forty-two" in pages["王芳"]
    assert results[("王芳", "tiny.y")]["message"] == run["results"][("alice", "tiny.y")]["message"]
    tiny_columns = ["tiny.x", "tiny.y", "tiny.pick", f"{TINY} total"]
    assert [book["王芳"][c] for c in tiny_columns] == [run["book"]["王芳"][c] for c in tiny_columns]
    assert not CJK.search(book["王芳"]["notes"])
    # without --lang again: each trainee's own language, never the English results still in the cache
    back = grade(Options(run["subs"], out, [TINY], jobs=2, limits=LIMITS, keys=run["keys"], quiet=True))
    assert back.graded == 2 and back.cached == 1
    book, results, pages = _read(out)
    assert results[("王芳", "tiny.y")]["message"] == run["results"][("王芳", "tiny.y")]["message"]
    assert "<html lang='zh-CN'>" in pages["王芳"] and "<b>提示：</b>x等于42" in pages["王芳"]


def test_the_command_line_forces_chinese(run):
    out = run["root"] / "forced-zh"
    env = {k: v for k, v in os.environ.items() if k != "COURSE_LANG"}
    proc = subprocess.run([sys.executable, "-m", "grading", "grade", str(run["subs"]), "--out", str(out),
                           "--notebooks", TINY, "--keys", str(run["keys"]), "--lang", "zh-CN", "--jobs", "2"],
                          cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "新评分3份" in proc.stdout and "约剩" in proc.stdout  # the progress display, in Chinese
    assert "missing from font" not in proc.stderr
    _book, results, pages = _read(out)
    assert "<html lang='zh-CN'>" in pages["alice"] and "alice的作业反馈" in pages["alice"]
    assert CJK.search(results[("alice", "tiny.y")]["message"])
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "<html lang='zh-CN'>" in report and "班级报告" in report and "评分时遇到的问题" in report
    assert "Class report" not in report and "Score distribution" not in report
    proc = subprocess.run([sys.executable, "-m", "grading", "rubric", "merge", str(out)], cwd=ROOT,
                          env={**env, "COURSE_LANG": "zh-CN", "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "需要填好的CSV" in proc.stderr


# -- the class report ----------------------------------------------------------------------------

def test_the_report_is_in_the_instructors_language_and_draws_chinese_names(run):
    report = (run["out"] / "report.html").read_text(encoding="utf-8")
    assert "<html lang='en'>" in report and "Class report" in report and "Points per trainee and exercise" in report
    assert "李雷" in report  # in the problems table; 王芳 is drawn in the heat map
    assert not [w for w in run["warnings"] if "missing from font" in w or "Glyph" in w], run["warnings"]


def test_report_figures_resolve_the_cjk_font():
    import matplotlib
    from matplotlib import font_manager
    from grading.core.fonts import CJK_FAMILY
    from grading.grader.class_report import figure_style
    before = list(matplotlib.rcParams["font.family"])
    with figure_style():
        prop = font_manager.FontProperties(family=matplotlib.rcParams["font.family"])
        fonts = font_manager.fontManager._find_fonts_by_props(prop)
        faces = [font_manager.get_font(f) for f in fonts]  # the fallback chain, in order
        for char in "王芳李雷":  # the first face that has the glyph draws it
            holder = next((f for f in faces if f.get_char_index(ord(char))), None)
            assert holder is not None and holder.family_name == CJK_FAMILY, (char, fonts)
        latin = next(f for f in faces if f.get_char_index(ord("a")))
        assert latin.family_name != CJK_FAMILY  # Latin text keeps the theme's font
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.set_title("王芳 李雷")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.canvas.draw()
        plt.close(fig)
        assert not [w for w in caught if "missing from font" in str(w.message)]
    assert list(matplotlib.rcParams["font.family"]) == before  # the grader leaves global settings alone


def test_every_grader_message_is_translated():
    from babel.messages.extract import extract_from_dir
    from grading.authoring.translations import ENGINE_KEYWORDS, engine_po
    from grading.authoring.release import read_catalogue
    from grading.core.paths import PACKAGE_DIR
    catalog = read_catalogue(engine_po(ZH), ZH)
    missing = []
    for _f, _l, message, _c, _ctx in extract_from_dir(str(PACKAGE_DIR / "grader"), method_map=[("**.py", "python")],
                                                       keywords=ENGINE_KEYWORDS):
        m = catalog.get(message)
        if m is None or not m.string or m.fuzzy:
            missing.append(message)
    assert missing == []


def test_a_form_in_chinese_is_complete_not_unanswered():
    """A fully filled Chinese form counts as filled (str.split() would see one 'word' per part)."""
    from grading.grader.verdicts import widget_verdict
    spec = {"id": "f.job", "kind": "form", "points": 2, "rubric": [{"criterion": "c", "points": 2}],
            "fields": [{"name": "Purpose", "label": "Purpose", "min_words": 4},
                       {"name": "Tasks", "label": "Tasks", "min_words": 4}]}
    full = {"kind": "mapping", "keys": ["Purpose", "Tasks"], "values": ["为业主解决报修和投诉问题", "接听电话、登记报修、跟进处理结果"]}
    with i18n.use("en"):
        status, score, message, _d, _v = widget_verdict("99-x", spec, {"f.job": {"value": full}})
    assert (status, score) == ("submitted", 0.0) and message.startswith("Saved: all 2 parts are filled in.")
    half = {"kind": "mapping", "keys": ["Purpose", "Tasks"], "values": ["为业主解决报修和投诉问题", "接电话"]}
    with i18n.use(ZH):
        status, _s, message, _d, _v = widget_verdict("99-x", spec, {"f.job": {"value": half}})
    assert status == "submitted" and "Tasks" in message and "还不完整" in message
    empty = {"kind": "mapping", "keys": ["Purpose", "Tasks"], "values": ["", " "]}
    assert widget_verdict("99-x", spec, {"f.job": {"value": empty}})[0] == "unanswered"
