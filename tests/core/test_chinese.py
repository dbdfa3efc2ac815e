"""The judging core in Simplified Chinese: messages, key text, concept names in either language, text length.

Verdicts are judged with the fixture keys (tests/support/keys/80-engine.yml and its
zh-CN catalogue), so editing the course never breaks these tests.
"""
import re
import string

import pandas as pd
import pytest

from grading.core import i18n, keys
from grading.core.canon import to_data
from grading.core.length import text_length
from grading.core.rules import apply
from grading.core.status import STATUSES
from grading.core.widget_models import WIDGET_RULES, judge_form, judge_reflection, right_answer, wrong_answer
from tests.support import ENGINE, FIXTURE_KEYS
from tests.support.keycheck import judge

ZH = "zh-CN"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Three Latin words in a row, outside quotes and code: an English sentence left in Chinese text.
ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ ,]+[A-Za-z][a-z]+){2,}\b")
# About 200 characters, no spaces (as a Chinese trainee writes).
REFLECTION_ZH = ("去年我家的宽带坏了，我打了两次客服电话，又发了一封邮件。每次接电话的客服都让我把问题从头再讲一遍，"
                 "说好会回电话，却一直没有人回。等了三个星期才换来一台新路由器。最后我退了合同，还把这件事告诉了朋友。"
                 "回头看，问题不在产品：路由器换好以后用得很好，问题在于没有人对我的投诉负责，"
                 "公司因此失去了一位本来可以留住、而且主动投诉过的顾客。这说明投诉处理的关键是有人跟进到底。"
                 "下次再遇到类似的情况，我会先看公司怎么处理。")


@pytest.fixture
def fixture_keys():
    with keys.using(FIXTURE_KEYS):
        yield


def english_left(text: str) -> list[str]:
    prose = re.sub(r"“[^”]*”|'[^']*'|\"[^\"]*\"|`[^`]*`", "", text)
    return ENGLISH.findall(prose)


def assert_chinese(verdict, where):
    for line in [verdict.message, *verdict.details]:
        assert CJK.search(line), f"{where}: not Chinese: {line!r}"
        assert not english_left(line), f"{where}: English left in {line!r}: {english_left(line)}"


# -- answers of every shape for every fixture exercise --------------------------------------------

REASONS = pd.Series({"staff attitude": 68, "product dissatisfaction": 14, "competitors": 9,
                     "other relationships": 5, "moved away": 3, "died": 1}) / 100
CODE_ANSWERS = {
    "eng.attitude-share": [..., 0.68, 0.5, -0.68, "0.68", float("nan"), [1, 2], print],
    "eng.shares": [..., REASONS, REASONS.sort_values(), REASONS.round(1), REASONS.head(1), list(REASONS),
                   -REASONS, REASONS.rename(lambda s: s.upper() + "!"), "shares"],
    "eng.vital-few": [..., ["staff attitude", "product dissatisfaction"], ["staff attitude", "competitors", "died"],
                      ["staff attitude", "staff attitude"], REASONS.to_frame().assign(x=1).assign(y=2)],
    "eng.weakest": [..., "reliability", "可靠性", "可靠性维度", "移情性", "empathy", "speed", 3],
}


def widget_answers(spec):
    kind = spec["kind"]
    answers = [..., right_answer(spec, REFLECTION_ZH), wrong_answer(spec), 12345]
    if kind == "choose-many":
        answers += [[o["text"] for o in spec["options"]][:1], ["随便写的"]]
    if kind == "buckets":
        first = spec["items"][0]
        answers += [{first["text"]: first["bucket"]}, {first["text"]: "Mars"}]
    if kind == "order":
        steps = list(spec["steps"])
        answers += [steps[1:] + steps[:1], steps[:2]]
    if kind == "numeric":
        answers += [spec["expected"] + 1, "a lot"]
    if kind == "scenario":
        answers += [[0], [7]]
    if kind == "reflection":
        answers += ["太短了。"]
    if kind == "form":
        answers += [{spec["fields"][0]["name"]: "物业服务中心前台客服专员"}]
    return answers


def test_every_fixture_verdict_reads_as_chinese(fixture_keys):
    """No English sentence in any zh verdict of the fixture key (messages, per-item feedback, key text)."""
    seen = 0
    with i18n.use(ZH):
        for spec in keys.notebook_key(ENGINE)["exercises"]:
            answers = CODE_ANSWERS[spec["id"]] if spec["kind"] == "code" else widget_answers(spec)
            for answer in answers:
                for hidden in (False, True):
                    assert_chinese(judge(spec["id"], answer, hidden=hidden), f"{spec['id']} {answer!r}"[:120])
                    seen += 1
    assert seen > 100


def test_hidden_rule_message_is_translated(fixture_keys):
    unsorted = REASONS.sort_index()
    with i18n.use(ZH):
        assert judge("eng.shares", unsorted).status == "correct"
        v = judge("eng.shares", unsorted, hidden=True)
    assert v.status == "partial" and v.score == 0.5 and "按从大到小排序" in v.message


def test_every_rule_explains_itself_in_chinese():
    """Rule messages built from data (labels, columns, counts) read as Chinese too."""
    gaps = pd.Series({"tangibles": -0.46, "reliability": -1.6, "responsiveness": -1.46,
                      "assurance": -0.55, "empathy": -0.62})
    frame = pd.DataFrame({"branch": ["a", "b"], "gap": [0.1, 0.2], "n": [3, 4]})
    cases = [
        ({"type": "number"}, 1.0, [2.0, "x", -1.0]),
        ({"type": "number", "percent": False}, 0.25, [25]),
        ({"type": "text", "choices": ["a", "b"]}, "a", ["b", "c", 1]),
        ({"type": "bool"}, True, [False, 1]),
        ({"type": "collection", "per": "reasons"}, ["a", "b"], [["a", "c", "d"], ["a", "a", "b"], {"x": 1}]),
        ({"type": "sequence", "partial": True}, ["a", "b", "c"], [["a", "c", "b"]]),
        ({"type": "mapping", "per": "dimension"}, gaps,
         [gaps.head(2), list(gaps), -gaps, gaps.rename({"empathy": "emp"}), gaps.round(0), "x"]),
        ({"type": "mapping", "ordered": True}, gaps.sort_values(), [gaps]),
        ({"type": "frame", "key": ["branch"], "per": "branch"}, frame,
         [pd.concat([frame, frame]), frame.drop(columns="n"), frame.assign(gap=[0.1, 0.9]),
          frame.assign(branch=["a", "z"]), 3]),
        ({"type": "frame"}, frame, [frame.head(1)]),
        ({"type": "nope"}, 1, [1]),
    ]
    with i18n.use(ZH):
        for rule, want, answers in cases:
            for got in [..., *answers]:
                v = apply(rule, to_data(want), to_data(got))
                if v.status != "correct":
                    assert_chinese(v, f"{rule} {got!r}"[:100])


def test_status_labels_are_translated_where_shown():
    for status in STATUSES.values():
        assert status.shown_label == status.label  # English: unchanged
        with i18n.use(ZH):
            assert CJK.search(status.shown_label) and CJK.search(status.shown_feedback_label)
            assert status.shown_label[0] == status.label[0]  # the same symbol in front


def test_key_errors_in_chinese(fixture_keys):
    with i18n.use(ZH):
        with pytest.raises(keys.AnswerKeyError, match="本课程中没有练习 'eng.ripples'。你是不是要找 'eng.ripple'"):
            keys.exercise("eng.ripples")
        assert keys.validate({"notebook": "x", "exercises": [{"kind": "?"}]}) == ["练习 #1 没有 id"]


# -- concept names in either language (issue item 7) ------------------------------------------------

@pytest.mark.parametrize("lang", ["en", ZH])
def test_a_concept_may_be_named_in_either_language(fixture_keys, lang):
    with i18n.use(lang):
        for name in ("reliability", "Reliability ", "可靠性", "the reliability dimension", "可靠性维度"):
            assert judge("eng.weakest", name).status == "correct", name
        assert judge("eng.weakest", "移情性").status == "incorrect"   # a wrong concept, in Chinese
        assert judge("eng.weakest", "empathy").status == "incorrect"
        assert judge("eng.weakest", "speed").status == "invalid"


def test_a_choice_may_be_given_in_either_language(fixture_keys):
    """Widget answers are stored in the key's English; a judge takes the Chinese text of a choice too."""
    notebook, spec = keys.exercise("eng.silent-customers")
    right = next(o["text"] for o in spec["options"] if o.get("correct"))
    with i18n.use(ZH):
        chinese = i18n.key_text(notebook, spec["id"], right)
    assert chinese != right and CJK.search(chinese)
    for lang in ("en", ZH):
        with i18n.use(lang):
            assert judge("eng.silent-customers", chinese).status == "correct"
            assert judge("eng.last-steps", ["倾听（Listen）", "Apologise", "解决（Solve）", "Thank"]).status == "correct"
            assert judge("eng.within-reach", {"顾客去世了": "公司无法控制"}).details == \
                [("4 item(s) have no bucket yet." if lang == "en" else "还有4项没有归类。")]


def test_key_text_follows_the_keys_folder_in_use(fixture_keys):
    with i18n.use(ZH):
        assert i18n.key_text(ENGINE, "module", keys.notebook_key(ENGINE)["title"]).startswith("引擎测试用例")
        assert i18n.key_text(ENGINE, "eng.weakest", "not in the catalogue") == "not in the catalogue"
    assert i18n.key_text(ENGINE, "eng.weakest", "Reliability") == "Reliability"  # English reads the key itself


# -- Chinese free text measured as Chinese (issue item 8) ---------------------------------------

def test_text_length_counts_cjk_characters():
    english = "I waited three weeks for a router — nobody called back."
    assert text_length(english) == len(english.split())  # text with spaces measures exactly as before
    assert text_length("word " * 70) == 70
    assert len(REFLECTION_ZH) >= 200 and text_length(REFLECTION_ZH) >= 90   # two characters ≈ one word
    assert text_length("我用Excel做了一张表") == 1 + 4                     # mixed: the word and 7 characters
    assert text_length("前台接待员") == 3 and text_length("") == 0


def test_a_200_character_chinese_reflection_is_long_enough(fixture_keys):
    _, spec = keys.exercise("eng.my-service")
    for lang in ("en", ZH):
        with i18n.use(lang):
            v = judge_reflection(spec, to_data(REFLECTION_ZH))
            assert v.status == "submitted" and "short" not in v.message and "较短" not in v.message
    with i18n.use(ZH):
        assert judge_reflection(spec, to_data(REFLECTION_ZH)).message == \
            f"已保存（{len(CJK.findall(REFLECTION_ZH))}字）。教师会按照评分标准为它评分。"  # punctuation not counted


def test_a_short_reflection_is_submitted_with_advice_not_failed(fixture_keys):
    _, spec = keys.exercise("eng.my-service")
    with i18n.use(ZH):
        v = judge_reflection(spec, to_data("这次服务很差，我再也不去了。"))
    assert v.status == "submitted" and v.score == 0
    assert v.message == "已保存，但篇幅较短：12字；建议至少写120字。"
    v = judge_reflection(spec, to_data("这次服务很差，我再也不去了。"))
    assert v.status == "submitted" and v.message == "Saved, but it is short: 6 words; aim for at least 60."


def test_a_filled_chinese_form_is_complete(fixture_keys):
    _, spec = keys.exercise("eng.job-design")
    filled = {"Title": "物业服务中心前台客服专员",
              "Purpose": "让业主的报修和咨询在一个地方得到快速、友好的处理。",
              "Tasks": "主要任务：接待来访业主、登记报修、跟进处理进度；次要任务：收发快递、整理档案。",
              "Methods": "使用报修登记系统和值班表，按接待流程和话术规范工作。",
              "Standard": "每个请求都有登记，并在两小时内给业主回复处理进度。",
              "Links": "支持维修部和客服部；由保安部和财务部支持；遇到问题向主管求助。"}
    v = judge_form(spec, to_data(filled))
    assert v.status == "submitted" and v.message.startswith("Saved: all 6 parts are filled in.")
    with i18n.use(ZH):
        short = judge_form(spec, to_data(dict(filled, Tasks="接待")))
        assert short.status == "submitted"   # incomplete: saved for the instructor, never auto-failed
        assert short.message == "已保存，但还不完整：6个部分中填写了5个；仍缺少或过短的部分：工作任务。"


# -- the catalogues themselves --------------------------------------------------------------------

def _placeholders(text: str) -> set:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_engine_catalogue_translates_every_core_and_trainee_message():
    from babel.messages.extract import extract_from_dir
    from grading.authoring.translations import ENGINE_KEYWORDS, engine_po
    catalog = i18n._read_po(engine_po(ZH))
    missing = []
    for folder in ("core", "trainee"):
        for filename, _line, msgid, _c, _ctx in extract_from_dir(
                str(i18n.PACKAGE_DIR / folder), method_map=[("**.py", "python")], keywords=ENGINE_KEYWORDS):
            entry = catalog.get(msgid)
            text = entry.string if entry else None
            if not (text[0] if isinstance(text, tuple) else text) or entry.fuzzy:
                missing.append(f"{folder}/{filename}: {msgid!r}")
    assert not missing, "\n".join(missing)


def test_engine_translations_keep_their_placeholders():
    from grading.authoring.translations import engine_po
    wrong = []
    for m in i18n._read_po(engine_po(ZH)):
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if any(_placeholders(s) != _placeholders(ids[-1]) for s in strings if s):
            wrong.append(f"{ids[0]!r} -> {strings!r}")
    assert not wrong, "\n".join(wrong)


def test_fixture_key_catalogue_is_complete():
    import yaml
    from grading.authoring.translations import key_messages
    key = yaml.safe_load((FIXTURE_KEYS / f"{ENGINE}.yml").read_text(encoding="utf-8"))
    catalog = i18n._read_po(FIXTURE_KEYS / ZH / f"{ENGINE}.po")
    missing = [(c, m) for c, m in key_messages(key)
               if not (catalog.get(m, c) and catalog.get(m, c).string and not catalog.get(m, c).fuzzy)]
    assert not missing, missing
