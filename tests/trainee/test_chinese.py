"""The trainee's side in Simplified Chinese: check(), hint(), solution(), the widgets and progress().

Widgets show the key's text in the reader's language but save the key's own (English)
text, so an answer given in Chinese restores in English and the grader judges the same.
"""
import json
import re
import warnings

import pandas as pd
import pytest

from grading import check, hint, progress, show, solution
from grading.core import i18n
from grading.core.keys import exercise
from tests.core.test_chinese import REFLECTION_ZH, english_left

ZH = "zh-CN"
CJK = re.compile(r"[\u4e00-\u9fff]")


def saved(path, exercise_id):
    return json.loads(path.read_text(encoding="utf-8"))["exercises"][exercise_id]


def classes(widget):
    return set(widget._dom_classes)


def zh_text(_k, spec, text):
    with i18n.use(ZH):
        return i18n.key_text(spec["notebook"], spec["id"], text)


# -- check(), hint(), solution() -----------------------------------------------------------------

def test_check_speaks_chinese(answers):
    with i18n.use(ZH):
        assert repr(check("eng.attitude-share", 0.68)).splitlines() == ["✔ 正确 [eng.attitude-share]", "  正确。"]
        wrong = repr(check("eng.attitude-share", 0.5))
        assert wrong.splitlines() == ["✘ 还不对 [eng.attitude-share]", "  还不对：你的数值比预期低。",
                                      '  卡住了？运行 hint("eng.attitude-share") 查看提示。']
        assert "请把 `...` 换成一个数（占比）" in repr(check("eng.attitude-share", ...))  # the key's 'what', translated
        right = check("eng.shares", pd.Series({"staff attitude": 68, "product dissatisfaction": 14,
                                               "competitors": 9, "other relationships": 5,
                                               "moved away": 3, "died": 1}) / 100)
        assert "正式评分时还会做进一步的检查。" in repr(right)
        assert "<b class='ck-status'>✔ 正确</b>" in right._repr_html_()
        assert "你是不是要找 'eng.attitude-share'" in repr(check("eng.attitude", 1))
        assert repr(check("eng.ripple", 1)).endswith('eng.ripple 要在练习组件中作答：请运行 show("eng.ripple")。')
    assert saved(answers, "eng.attitude-share")["attempts"] == 2  # saved as always


def test_a_concept_name_in_chinese_is_accepted_by_check(answers):
    for lang in ("en", ZH):
        with i18n.use(lang):
            assert check("eng.weakest", "可靠性").passed and check("eng.weakest", "reliability").passed
    with i18n.use(ZH):
        assert "“移情性”不对。最薄弱的维度是差距最负" in repr(check("eng.weakest", "移情性"))
    assert repr(check("eng.weakest", "移情性")).splitlines()[1].startswith("  '移情性' is not it. The weakest")


def test_hint_and_solution_in_chinese(answers):
    with i18n.use(ZH):
        first, second, third = (hint("eng.shares").text for _ in range(3))
        assert first == ("**提示1/2**（eng.shares）：用整个 Series 除以它的总和：pandas 会一次性除每个值。"
                         "再运行一次 hint 可以看到第2条提示（共2条）。")
        assert second.startswith("**提示2/2**") and second.endswith("这是最后一条提示。") and third == second
        text = solution("eng.attitude-share").text
        assert text.startswith("**参考解答**（eng.attitude-share）\n\n")
        assert 'attitude_share = reasons["staff attitude"] / reasons.sum()' in text  # the code is the code
        assert "# 0.68：每三位流失的顾客中" in text                                   # its comment is Chinese
        assert hint("eng.ripple").text == "eng.ripple 没有提示。"
    assert saved(answers, "eng.shares")["hints_seen"] == 2


# -- widgets: Chinese on screen, the key's text in the answers file ------------------------------------

def test_every_widget_reads_chinese(answers):
    for eid in ("eng.silent-customers", "eng.retention-facts", "eng.within-reach", "eng.last-steps",
                "eng.ripple", "eng.first-reply", "eng.my-service", "eng.job-design"):
        with i18n.use(ZH):
            view = show(eid)
        header = re.sub(r"<[^>]+>", " ", view.widget.children[0].value)
        assert CJK.search(header) and "point" not in header, header
        assert view.check_button.description in ("检查", "保存", "重新开始")
        with i18n.use(ZH):
            view.check_button.click()  # unanswered (or restarted): feedback in Chinese
        feedback = re.sub(r"<[^>]+>", " ", view.feedback.value)
        assert not english_left(feedback), feedback


def test_choose_one_shown_in_chinese_saves_english_and_restores_in_english(answers):
    _, spec = exercise("eng.silent-customers")
    right = next(o["text"] for o in spec["options"] if o.get("correct"))
    with i18n.use(ZH):
        view = show("eng.silent-customers")
        labels = [label for label, _value in view.options.options]
        assert labels[1] == zh_text(None, spec, right) and all(CJK.search(t) for t in labels)
        view.options.value = right  # what the radio button of the Chinese label holds
        view.check_button.click()
        assert "ck-feedback--correct" in classes(view.feedback) and "每一条投诉背后" in view.feedback.value
    assert saved(answers, "eng.silent-customers")["value"] == {"kind": "text", "value": right}
    again = show("eng.silent-customers")  # the same trainee, now in English
    assert again.options.value == right and again.options.label == right
    assert "saved answer is back. Right. Each complaint" in again.feedback.value
    with i18n.use(ZH):
        back = show("eng.silent-customers")
        assert back.options.label == labels[1] and "已恢复你保存的答案。对。" in back.feedback.value


def test_choose_many_and_buckets_and_order_save_the_keys_text(answers):
    with i18n.use(ZH):
        many = show("eng.retention-facts")
        assert all(CJK.search(b.description) for b in many.boxes)
        many.boxes[0].value = many.boxes[2].value = True
        many.check_button.click()
        assert "✘ “投诉的顾客总是最不忠诚的顾客。”：问题得到解决的投诉者" in many.feedback.value

        buckets = show("eng.within-reach")
        _, spec = exercise("eng.within-reach")
        shown = [label for label, _value in buckets.selects["The customer died"].options]
        assert shown == ["— 请选择 —", "公司能够影响", "公司无法控制"]
        for item in spec["items"]:
            buckets.selects[item["text"]].value = item["bucket"]
        buckets.check_button.click()
        assert "全部5项都归类正确。" in buckets.feedback.value

        order = show("eng.last-steps")
        assert "倾听（Listen）" in "".join(row.children[2].value for row in order.box.children)
        assert order.box.children[0].children[0].tooltip == "上移"
        order.order = ["Listen", "Apologise", "Solve", "Thank"]
        order.check_button.click()
        assert "正确：顺序对了。" in order.feedback.value
    record = json.loads(answers.read_text(encoding="utf-8"))["exercises"]
    assert record["eng.retention-facts"]["value"]["items"] == [o["text"] for o in
                                                                exercise("eng.retention-facts")[1]["options"][::2]]
    placed = record["eng.within-reach"]["value"]
    assert dict(zip(placed["keys"], placed["values"])) == {it["text"]: it["bucket"] for it in spec["items"]}
    assert record["eng.last-steps"]["value"]["items"] == ["Listen", "Apologise", "Solve", "Thank"]
    assert show("eng.within-reach").selects["The customer died"].label == "Outside the company's control"


def test_an_answer_saved_in_chinese_text_restores_as_the_keys_text(answers):
    """An answers file may hold a choice's Chinese text (typed, or from an older release): it still counts."""
    _, spec = exercise("eng.silent-customers")
    right = next(o["text"] for o in spec["options"] if o.get("correct"))
    answers.write_text(json.dumps({"format": 1, "exercises": {"eng.silent-customers": {
        "kind": "choose-one", "value": {"kind": "text", "value": zh_text(None, spec, right)}}}}), encoding="utf-8")
    view = show("eng.silent-customers")
    assert view.options.value == right and "ck-feedback--correct" in classes(view.feedback)


def test_scenario_speaks_chinese_and_saves_indices(answers):
    with i18n.use(ZH):
        view = show("eng.first-reply")
        assert view.replies.children[1].description.startswith("非常抱歉")
        view.replies.children[1].click()
        assert "<b>顾客：</b>" in view.transcript.value and "<b>你：</b>" in view.transcript.value
        view.replies.children[0].click()
        assert "顾客接受了上门维修的安排" in view.feedback.value and "第1轮（共情型）" in view.feedback.value
    assert saved(answers, "eng.first-reply")["value"]["items"] == [1, 0]


def test_reflection_counts_characters_in_chinese(answers):
    with i18n.use(ZH):
        view = show("eng.my-service")
        assert view.words.value == "0字" and view.text.placeholder == "在这里写下你的反思……"
        view.text.value = "服务很差。"
        assert view.words.value == "4字"
        view.check_button.click()
        assert "ck-feedback--submitted" in classes(view.feedback)  # short: saved for the instructor, not failed
        assert "篇幅较短：4字；建议至少写120字" in view.feedback.value
        view.text.value = REFLECTION_ZH
        view.check_button.click()
        assert "ck-feedback--submitted" in classes(view.feedback) and "较短" not in view.feedback.value
        assert "评分方式" in view.widget.children[1].children[-1].value
    english = show("eng.my-service")
    assert english.text.value == REFLECTION_ZH and english.words.value == f"{-(-len(CJK.findall(REFLECTION_ZH)) // 2)} words"
    assert saved(answers, "eng.my-service")["status"] == "submitted"


def test_form_in_chinese_is_complete_when_filled(answers):
    with i18n.use(ZH):
        view = show("eng.job-design")
        assert "已填写0/6个部分" in view.status.value and "岗位名称、服务目的" in view.status.value
        parts = {"Title": "物业服务中心前台客服专员", "Purpose": "让业主的报修和咨询在一个地方得到快速、友好的处理。",
                 "Tasks": "主要任务：接待来访业主、登记报修、跟进处理进度；次要任务：收发快递、整理档案。",
                 "Methods": "使用报修登记系统和值班表，按接待流程和话术规范工作。",
                 "Standard": "每个请求都有登记，并在两小时内给业主回复处理进度。",
                 "Links": "支持维修部和客服部；由保安部和财务部支持；遇到问题向主管求助。"}
        for name, text in parts.items():
            view.fields[name].value = text
        assert view.status.value.endswith(" ✔") and "已填写6/6个部分" in view.status.value
        view.check_button.click()
        assert "已保存：全部6个部分都已填写。" in view.feedback.value
    assert saved(answers, "eng.job-design")["status"] == "submitted"
    assert show("eng.job-design").fields["Title"].value == parts["Title"]


# -- progress() ------------------------------------------------------------------------------------

def test_progress_in_chinese_with_chinese_glyphs(answers):
    from grading.core.fonts import CJK_FAMILY, cjk_font_path
    check("eng.attitude-share", 0.68)
    with i18n.use(ZH):
        shown = progress()
        text = repr(shown)
        assert text.startswith("你的学习进度（答案文件位于") and "下一步：继续学习 80-engine.ipynb（引擎测试用例" in text
        page = shown._repr_html_()
        assert "<th>已完成练习</th>" in page and "<b>下一步：</b>" in page and "Where next" not in page
        fig = shown.figure()
        ax = fig.axes[0]
        assert ax.get_title(loc="right") == "你的学习进度" and ax.get_xlabel() == "占本模块的百分比（%）"
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["已完成练习", "已得分数"]
        assert any("引擎测试用例" in t.get_text() for t in ax.get_yticklabels())
        if cjk_font_path() is None:
            pytest.skip("the course's CJK font is not installed in this environment")
        assert CJK_FAMILY in ax.title.get_fontfamily()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph … missing from font(s)" would be raised here
            assert shown.png().startswith(b"\x89PNG")
