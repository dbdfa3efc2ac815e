"""The course in Simplified Chinese: complete, current, and graded exactly like the English.

- every catalogue (engine, keys, notebook cells) and every lesson is translated,
  and no translation is older than its English source;
- a zh-CN trainee notebook runs to the end with nothing answered;
- the masters' answers, in zh-CN notebooks, earn the same points as in English (full marks).
"""
from __future__ import annotations

import re
import tempfile
from pathlib import Path

import nbformat
import pytest

from grading.authoring.record_keys import execute
from grading.authoring.release import masters, release_lesson, release_notebook, translate_notebook
from grading.authoring.translations import catalogues, lesson_pages, problems, translated_lesson
from grading.core import i18n
from tests.support import ROOT
from tests.support import submissions as S

LANG = "zh-CN"
MASTERS = masters(ROOT / "notebooks")
IDS = [p.stem for p in MASTERS]
CJK = re.compile(r"[\u4e00-\u9fff]")
# A Chinese reflection of about 200 characters (no spaces): measured as Chinese, it is long enough.
REFLECTION_ZH = ("去年我家的宽带坏了，我打了两次客服电话，又发了一封邮件。每次接电话的客服都让我把问题从头再讲一遍，"
                 "说好会回电话，却一直没有人回。等了三个星期才换来一台新路由器。最后我退了合同，还把这件事告诉了朋友。"
                 "回头看，问题不在产品：路由器换好以后用得很好，问题在于没有人对我的投诉负责，"
                 "公司因此失去了一位本来可以留住、而且主动投诉过的顾客。这说明投诉处理的关键是有人跟进到底。")


def _problems_in(path_part: str) -> list[str]:
    return [p for p in problems(ROOT, LANG) if p.startswith(path_part)]


@pytest.mark.parametrize("po", [path for path, _ in catalogues(ROOT, LANG)],
                         ids=[path.relative_to(ROOT).as_posix() for path, _ in catalogues(ROOT, LANG)])
def test_catalogue_is_complete_and_current(po):
    left = _problems_in(po.relative_to(ROOT).as_posix())
    assert not left, f"{len(left)} problems, e.g.\n" + "\n".join(left[:8]) + \
        f"\n(run `python -m grading translations --lang {LANG}` and translate what it lists)"


@pytest.mark.parametrize("page", lesson_pages(ROOT), ids=[p.name for p in lesson_pages(ROOT)])
def test_lesson_is_translated_and_current(page):
    left = _problems_in(translated_lesson(page, LANG).relative_to(ROOT).as_posix())
    assert not left, "\n".join(left)
    english, chinese = page.read_text(encoding="utf-8"), translated_lesson(page, LANG).read_text(encoding="utf-8")
    # Same shape: the same sections, links, anchors and figures the English has.
    assert len(re.findall(r"^## ", chinese, re.M)) == len(re.findall(r"^## ", english, re.M))
    assert sorted(re.findall(r"\]\(([^)\s]+)", chinese)) == sorted(re.findall(r"\]\(([^)\s]+)", english))
    assert re.findall(r'<a id="([^"]+)"', chinese) == re.findall(r'<a id="([^"]+)"', english)
    trainee = release_lesson(chinese)
    assert "## 教师备注" not in trainee and "Instructor notes" not in trainee


def test_no_english_sentence_left_in_a_chinese_cell():
    """A translated markdown cell that is still English is a translation in name only."""
    found = []
    for path in MASTERS:
        nb = nbformat.read(path, as_version=4)
        translate_notebook(nb, path.stem, ROOT, LANG)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and "instructor" not in cell.metadata.get("tags", []):
                prose = re.sub(r"`[^`]*`|\([^)]*\)|\[[^\]]*\]|<[^>]+>|\$[^$]*\$", "", cell.source)
                if re.search(r"\b[A-Za-z]+ [a-z]+ [a-z]+ [a-z]+ [a-z]+\b", prose) and not CJK.search(prose):
                    found.append(f"{path.stem} {cell.get('id')}: {cell.source[:60]!r}")
    assert not found, found


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_every_exercise_has_its_chinese_heading(path):
    nb = nbformat.read(path, as_version=4)
    translate_notebook(nb, path.stem, ROOT, LANG)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    english = re.findall(r"^### Exercise (\S+)", text, re.M)
    assert not english, f"{path.stem}: English exercise headings left: {english}"
    chinese = re.findall(r"^### 练习 ([\w.-]+)", text, re.M)
    from grading.core.keys import notebook_key
    assert sorted(chinese) == sorted(ex["id"] for ex in notebook_key(path.stem)["exercises"])


@pytest.mark.slow
@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_zh_trainee_notebook_runs_to_the_end_with_nothing_answered(path):
    trainee = release_notebook(nbformat.read(path, as_version=4), path.stem, lang=LANG,
                               translate=lambda nb: translate_notebook(nb, path.stem, ROOT, LANG))
    with tempfile.TemporaryDirectory() as answers:
        execute(trainee, path.parent, timeout=120, env={"GRADING_ANSWERS_DIR": answers, "COURSE_LANG": LANG})
    errors = [(i, o.get("ename"), o.get("evalue")) for i, c in enumerate(trainee.cells)
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name} (zh-CN): errors in the trainee run: {errors[:3]}"
    fonts = [o.get("text", "")[:200] for c in trainee.cells for o in c.get("outputs", [])
             if o.get("name") == "stderr" and re.search(r"findfont|missing from font", o.get("text", ""))]
    assert not fonts, f"{path.name} (zh-CN): plots without the CJK font: {fonts[:2]}"
    for cell in (c for c in trainee.cells if "check" in c.metadata.get("tags", [])):
        text = "".join(o.get("text", "") + "".join(str(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))
                       for o in cell.outputs)
        assert CJK.search(text) and "Not answered" not in text, f"{path.stem}: {cell.source} says {text[:200]}"


@pytest.mark.slow
def test_masters_answers_earn_the_same_points_in_both_languages(tmp_path):
    """A class of two per module: the master's answers in English and in zh-CN (a Chinese reflection)."""
    from grading.grader import Limits, Options, grade
    from grading.grader.gradebook import load_results
    subs = tmp_path / "subs"
    for path in MASTERS:
        english = nbformat.read(path, as_version=4)
        chinese = nbformat.read(path, as_version=4)
        translate_notebook(chinese, path.stem, ROOT, LANG)
        chinese.metadata["grading"] = {"release": "trainee", "notebook": path.stem, "lang": LANG}
        S.write(subs, "en-trainee", path.stem, english, S.widget_answers(path.stem))
        zh_answers = S.widget_answers(path.stem)
        for entry in zh_answers["exercises"].values():
            if entry["kind"] == "reflection":
                entry["value"] = {"kind": "text", "value": REFLECTION_ZH}
        S.write(subs, "王芳", path.stem, chinese, zh_answers)
    grade(Options(subs, tmp_path / "out", jobs=2, limits=Limits(cell_timeout=120, timeout=600), quiet=True))
    _, results, _ = load_results(tmp_path / "out")
    for notebook in IDS:
        en = {e["id"]: (e["earned"], e["status"]) for e in results["en-trainee"][notebook]["exercises"]}
        zh = {e["id"]: (e["earned"], e["status"]) for e in results["王芳"][notebook]["exercises"]}
        assert zh == en, f"{notebook}: points differ by language: " + \
            str({k: (en[k], zh.get(k)) for k in en if en[k] != zh.get(k)})
        full = {e["id"]: e["earned"] for e in results["王芳"][notebook]["exercises"]
                if e["earned"] is not None and e["earned"] < e["points"]}
        assert not full, f"{notebook} (zh-CN): not full marks with the master's answers: {full}"
        messages = " ".join(e["message"] for e in results["王芳"][notebook]["exercises"])
        assert CJK.search(messages), f"{notebook}: the zh-CN trainee's notes are not in Chinese: {messages[:200]}"


def test_the_language_switch_is_one_setting(tmp_path, monkeypatch):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    assert i18n.folder_language(tmp_path) == "en"
    (tmp_path / i18n.LANG_FILE).write_text("zh-CN\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    assert i18n.folder_language(tmp_path / "sub") == "zh-CN"
    monkeypatch.chdir(tmp_path / "sub")
    assert i18n.language() == "zh-CN"
    monkeypatch.setenv("COURSE_LANG", "en")
    assert i18n.language() == "en"
    with i18n.use("zh_CN"):
        assert i18n.language() == "zh-CN"
    with pytest.raises(ValueError, match="unknown course language"):
        i18n.normalise("fr")


@pytest.mark.parametrize("path", MASTERS, ids=IDS)
def test_the_chinese_text_asks_for_the_length_the_engine_checks(path):
    """A reflection's aim in 字 is what the widget will say: two characters per word of `min_words`."""
    from grading.core.keys import notebook_key
    from grading.core.length import CHARACTERS_PER_WORD
    nb = nbformat.read(path, as_version=4)
    translate_notebook(nb, path.stem, ROOT, LANG)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    aims = {int(n) for n in re.findall(r"至少写?(\d+)个?[字词]", text)}
    wanted = {ex["min_words"] * CHARACTERS_PER_WORD for ex in notebook_key(path.stem)["exercises"]
              if ex["kind"] == "reflection"}
    assert aims <= wanted, f"{path.stem}: the text asks for {sorted(aims)} 字, the engine for {sorted(wanted)}"


@pytest.mark.slow
def test_chinese_charts_draw_their_glyphs_with_the_masters_answers(tmp_path):
    """Run each zh-CN master (answers in place, so every chart is drawn): no glyph falls back to boxes."""
    for path in MASTERS:
        nb = nbformat.read(path, as_version=4)
        translate_notebook(nb, path.stem, ROOT, LANG)
        execute(nb, path.parent, timeout=180, env={"GRADING_ANSWERS_DIR": str(tmp_path), "COURSE_LANG": LANG})
        warned = [o.get("text", "")[:160] for c in nb.cells for o in c.get("outputs", [])
                  if o.get("name") == "stderr" and re.search(r"Glyph|findfont|missing from font", o.get("text", ""))]
        assert not warned, f"{path.stem} (zh-CN): {warned[:2]}"
