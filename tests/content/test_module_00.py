"""Does module 00 (start here) grade its source-criticism widgets right and explain the usual wrong answers?"""
from grading.core import keys as _keys
from tests.support.keycheck import judge

BUCKETS = ["Traceable to a named study", "A garbled version of a real study", "No traceable source"]


def _spec(exercise_id):
    return _keys.exercise(exercise_id)[1]


def _item(spec, words):
    return next(it["text"] for it in spec["items"] if words in it["text"])


def test_silent_customers_rewards_the_caveat_not_the_misquote():
    spec = _spec("start.silent-customers")
    right = [o for o in spec["options"] if o.get("correct")]
    assert len(right) == 1 and "front-line" in right[0]["text"] and "head office" in right[0]["text"]
    assert judge("start.silent-customers", right[0]["text"]).status == "correct"
    misquote = next(o["text"] for o in spec["options"] if o["text"].startswith("96 %"))
    v = judge("start.silent-customers", misquote)
    assert v.status == "incorrect" and "small-ticket" in v.message and "headquarters" in v.message
    assert max(spec["options"], key=lambda o: len(o["text"])) is not right[0]  # not won by picking the longest


def test_retention_facts_never_marks_the_rule_of_thumb_as_evidence():
    spec = _spec("start.retention-facts")
    right = [o["text"] for o in spec["options"] if o.get("correct")]
    assert not any("5–6" in t for t in right)
    rule_of_thumb = next(o["text"] for o in spec["options"] if "5–6" in o["text"])
    v = judge("start.retention-facts", right + [rule_of_thumb])
    assert v.status != "correct" and any("rule of thumb" in d for d in v.details)


def test_source_check_has_exactly_the_three_buckets_and_seven_claims():
    spec = _spec("start.source-check")
    assert spec["kind"] == "buckets" and spec["points"] == 2 and spec["buckets"] == BUCKETS
    assert [sum(it["bucket"] == b for it in spec["items"]) for b in BUCKETS] == [2, 2, 3]
    assert spec.get("hints") and spec.get("solution")
    right = {it["text"]: it["bucket"] for it in spec["items"]}
    assert judge("start.source-check", right).status == "correct"


def test_source_check_explains_the_usual_confusions():
    spec = _spec("start.source-check")
    right = {it["text"]: it["bucket"] for it in spec["items"]}
    # "It names Harvard / a famous survey, so it must be sourced": the garbled and untraced claims as traceable
    satisfaction = _item(spec, "satisfaction raises profit")
    indifference = _item(spec, "indifference")
    v = judge("start.source-check", dict(right, **{satisfaction: BUCKETS[0], indifference: BUCKETS[0]}))
    assert v.status == "partial" and "5 of 7" in v.message
    details = " ".join(v.details)
    assert "defections" in details and "LeBoeuf" in details
    # "Everyone quotes it, so it is a distorted real study": the 5-6x rule of thumb as garbled
    cost = _item(spec, "5–6 times")
    v = judge("start.source-check", dict(right, **{cost: BUCKETS[1]}))
    assert v.status == "partial" and "rule of thumb" in " ".join(v.details)
    # TARP's 96 % as an exact finding
    ninety_six = _item(spec, "96 %")
    v = judge("start.source-check", dict(right, **{ninety_six: BUCKETS[0]}))
    assert "small-ticket" in " ".join(v.details)
    assert BUCKETS[1] not in " ".join(v.details)  # the feedback never names the right bucket
