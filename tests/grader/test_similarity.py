"""The similarity report: copied code and reflections are paired, independent work and stubs are not."""
from __future__ import annotations

import csv
import time

import yaml

from grading.grader import Limits, Options, grade, write_outputs
from grading.grader.similarity import COMMON, code_tokens, exercise_pairs, find_pairs, text_tokens
from tests.support import submissions as S
from tests.support.tiny import tiny_keys

NB = "91-similar"
LIMITS = Limits(cell_timeout=5, timeout=20, memory_mb=1024, max_output_kb=256)
KEY = {"notebook": NB, "title": "Similar answers", "exercises": [
    {"id": "sim.total", "title": "total", "kind": "code", "points": 1, "answer": "total",
     "rule": {"type": "number"}, "expected": 42},
    {"id": "sim.story", "title": "story", "kind": "reflection", "points": 2, "prompt": "Tell a story.",
     "min_words": 5, "rubric": [{"criterion": "A story", "points": 2}]}]}

ORIGINAL = """\
values = [10, 12, 20]
running = 0
for value in values:
    running += value
total = running
"""
COPIED = """\
# add up the values  </pre><script>alert(1)</script>
nums   = [10,12,20]      # the data

acc=0
for n in nums:   # loop over them
    acc +=  n
total = acc
"""
OWN = """\
total = sum(range(42 + 1)) - sum(range(42)) if True else 0
print('my own', total)
"""
STORY = ("我上个月在网上买了一台路由器，等了三个星期才收到。客服每次都让我重新解释问题，没有人给我回电话。"
         "最后我取消了合同，还告诉了朋友们这件事。")
STORY_COPY = "我上个月在网上买了一台路由器 等了三个星期才收到!客服每次都让我重新解释问题,没有人给我回电话……最后我取消了合同，还告诉了朋友这件事"
OTHER_STORY = ("去年我在一家餐厅等了一个小时，菜还是冷的。服务员道歉后免了单，经理也亲自来解释，所以我后来又去了好几次。")


def _keys(tmp_path):
    keys = tiny_keys(tmp_path)
    (keys / f"{NB}.yml").write_text(yaml.safe_dump(KEY, allow_unicode=True), encoding="utf-8")
    return keys


def _answers(text):
    spec = KEY["exercises"][1]
    return S.answers_file(NB, {spec["id"]: (spec, text)}) if text else None


def similar_class(root):
    subs = root / "subs"
    S.write(subs, "ann", NB, S.code_notebook(ORIGINAL), _answers(STORY))
    S.write(subs, "bob", NB, S.code_notebook("import math", COPIED), _answers(STORY_COPY))
    S.write(subs, "cai", NB, S.code_notebook(OWN), _answers(OTHER_STORY))
    S.write(subs, "dan", NB, S.code_notebook("total = ...\ntotal"), _answers(""))   # unanswered
    S.write(subs, "eve", NB, S.code_notebook("total = ...\ntotal"), None)           # unanswered too
    return subs


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_copied_work_is_paired_and_nothing_else(tmp_path):
    keys = _keys(tmp_path)
    subs = similar_class(tmp_path)
    out = tmp_path / "out"
    grade(Options(subs, out, [NB], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    rows = _rows(out / "similarity.csv")
    assert rows[0] == ["notebook", "exercise", "kind", "trainee_1", "trainee_2", "similarity", "same"]
    pairs = {(r[1], r[3], r[4]): r for r in rows[1:]}
    # renamed variables, comments, spacing: the same code; the Chinese reflection copied with new punctuation
    assert set(pairs) == {("sim.total", "ann", "bob"), ("sim.story", "ann", "bob")}
    assert pairs[("sim.total", "ann", "bob")][5:] == ["1.00", "yes"]
    assert float(pairs[("sim.story", "ann", "bob")][5]) >= 0.85
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "id='similarity'" in report and "路由器" in report
    # trainee text is escaped in the side-by-side view
    assert "<script>alert(1)</script>" not in report and "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    # sorted and stable: a re-run from the cache writes the same bytes
    first = (out / "similarity.csv").read_bytes()
    again = grade(Options(subs, out, [NB], jobs=2, limits=LIMITS, keys=keys, quiet=True))
    assert again.graded == 0 and again.cached == 5
    assert (out / "similarity.csv").read_bytes() == first
    body = rows[1:]
    assert body == sorted(body, key=lambda r: (r[0], [e["id"] for e in KEY["exercises"]].index(r[1]),
                                               -float(r[5]), r[3], r[4]))
    # a stricter threshold, read from the run: the near reflection drops out, the same code stays
    grade(Options(subs, out, [NB], jobs=2, limits=LIMITS, keys=keys, quiet=True, similarity=1.0))
    assert [(r[1], r[3], r[4]) for r in _rows(out / "similarity.csv")[1:]] == [("sim.total", "ann", "bob")]
    write_outputs(out, "zh-CN")  # the report's section in Chinese
    assert "相似答案（1 对）" in (out / "report.html").read_text(encoding="utf-8")


def test_normalising():
    assert code_tokens(ORIGINAL) == code_tokens(COPIED)
    assert code_tokens(OWN) != code_tokens(ORIGINAL)
    assert code_tokens("total = ...\ntotal", frozenset({"total = ...", "total"})) is None
    assert code_tokens("# only a comment\n...") is None
    assert text_tokens("Hello,  WORLD! 你好。") == ("hello", "world", "你", "好")


def _spec(kind="code"):
    return KEY["exercises"][0] if kind == "code" else KEY["exercises"][1]


def test_stubs_and_the_handouts_code_never_count():
    release = "values = [10, 12, 20]\ntotal = ...\ntotal"
    answers = {"a": release, "b": release, "c": "values = [10, 12, 20]\ntotal = sum(values)\ntotal",
               "d": "values = [10, 12, 20]\ntotal = sum(values)  # the solution\ntotal"}
    pairs, _common = exercise_pairs(NB, _spec(), answers, [release, "total = sum(values)"], 0.85)
    assert pairs == []  # a and b: unanswered; c and d: the worked solution
    pairs, _common = exercise_pairs(NB, _spec(), answers, [release, ""], 0.85)
    assert [(p.first, p.second) for p in pairs] == [("c", "d")]


def test_a_common_answer_is_not_paired():
    answers = {f"t{i:03d}": "total = sum([10, 12, 20])" for i in range(COMMON + 1)}
    pairs, common = exercise_pairs(NB, _spec(), answers, ["total = ...", ""], 0.85)
    assert pairs == [] and common == COMMON + 1


def _result(trainee, source, story):
    return {NB: {"exercises": [
        {"id": "sim.total", "kind": "code", "status": "incorrect", "source": source},
        {"id": "sim.story", "kind": "reflection", "status": "submitted", "value": {"kind": "text", "value": story}}]}}


def test_a_class_of_300_is_fast():
    import random
    rng = random.Random(17)
    words = [f"word{i}" for i in range(1000)]
    weights = [1 / (i + 1) for i in range(1000)]  # a Zipf-like vocabulary, as in real text
    results = {}
    for i in range(300):
        n = rng.randint(3, 9)
        source = "\n".join(f"v{j} = {rng.choice(['a', 'b', 'c'])}.{rng.choice(['sum', 'mean', 'max'])}() * "
                           f"{rng.randint(0, 99)}" for j in range(n))
        source += f"\ntotal = {' + '.join(f'v{j}' for j in range(n))}"
        story = " ".join(rng.choices(words, weights, k=rng.randint(40, 120)))
        results[f"t{i:03d}"] = _result(f"t{i:03d}", source, story)
    results["t299"] = _result("t299", results["t000"][NB]["exercises"][0]["source"].replace("v", "w"),
                              results["t000"][NB]["exercises"][1]["value"]["value"].upper())
    started = time.monotonic()
    pairs, _common = find_pairs([NB], results, {NB: KEY}, 0.85)
    seconds = time.monotonic() - started
    assert {(p.exercise, p.first, p.second) for p in pairs} >= {("sim.total", "t000", "t299"),
                                                                ("sim.story", "t000", "t299")}
    assert seconds < 20, seconds
