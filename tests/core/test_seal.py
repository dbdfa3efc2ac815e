"""Sealed keys (the default hand-out): the same verdict and message as the open key, for every answer."""
from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest

from grading.authoring.handout import copy_keys
from grading.core import keys, seal
from grading.core.assess import assess
from grading.core.canon import to_data
from grading.core.i18n import LANGUAGES, key_texts, use
from grading.core.widget_models import best_path, right_answer, wrong_answer

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted(p.stem for p in (ROOT / "grading" / "keys").glob("*.yml"))


@pytest.fixture(scope="module")
def sealed_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sealed-keys")
    copy_keys(folder, solutions=False)  # exactly what a default hand-out ships
    return folder


def _specs(folder: Path | None) -> dict[str, tuple[str, dict]]:
    with keys.using(folder):
        return {ex["id"]: (nb, ex) for nb in NOTEBOOKS for ex in keys.notebook_key(nb)["exercises"]}


def _verdicts(folder, notebook, spec, answers, lang):
    with keys.using(folder), use(lang):
        return [vars(assess(notebook, spec, a)) for a in answers]


# -- answers: right, wrong, partial, invalid, in either language ---------------------------------

def _variants(notebook, spec, text):
    return sorted(key_texts(notebook, spec["id"], text))


def _widget_answers(notebook: str, spec: dict) -> list:
    kind, rng = spec["kind"], random.Random(spec["id"])
    answers = [right_answer(spec), wrong_answer(spec), ..., "not an option", 42, [], {}]
    if kind == "choose-one":
        answers += [v for o in spec["options"] for v in _variants(notebook, spec, o["text"])]
    elif kind == "choose-many":
        texts = [o["text"] for o in spec["options"]]
        answers += [list(c) for n in range(len(texts) + 1) for c in itertools.combinations(texts, n)]
        answers += [[_variants(notebook, spec, t)[-1] for t in texts], [texts[0], texts[0]], [*texts, "nope"]]
    elif kind == "buckets":
        right = right_answer(spec)
        for item in spec["items"]:
            for bucket in spec["buckets"]:
                answers.append({**right, item["text"]: bucket})
                answers.append({item["text"]: _variants(notebook, spec, bucket)[-1]})
            answers.append({k: v for k, v in right.items() if k != item["text"]})
        answers += [{**right, spec["items"][0]["text"]: "no such bucket"},
                    {_variants(notebook, spec, k)[-1]: v for k, v in right.items()}]
    elif kind == "order":
        steps = list(spec["steps"])
        perms = list(itertools.permutations(steps)) if len(steps) <= 6 else \
            [rng.sample(steps, len(steps)) for _ in range(300)]
        answers += [list(p) for p in perms] + [steps[:-1], steps + steps[:1],
                                               [_variants(notebook, spec, s)[-1] for s in steps]]
    elif kind == "numeric":
        want, tol, near = float(spec["expected"]), float(spec.get("tol", 0)), float(spec.get("partial_tol", 0))
        for d in (0, tol, tol * 1.01 + 1e-9, near, near * 1.01 + 1e-9, 0.5, 1, 10, 1000):
            answers += [want + d, want - d]
    elif kind == "scenario":
        def paths(node_id, prefix):
            replies = spec["nodes"][node_id].get("replies") or []
            yield prefix
            for i, reply in enumerate(replies):
                yield from paths(reply["next"], [*prefix, i])
        answers += list(paths(spec["start"], [])) + [[99], [0, 99], ["x"], best_path(spec)[1] + [0]]
    return [to_data(a) for a in answers]


def _code_answers(notebook: str, spec: dict, expected: dict) -> list:
    answers = [expected, {"kind": "missing"}, to_data("something else"), to_data(7), to_data([1, 2])]
    rule = spec["rule"]
    if rule.get("type") == "text":
        names = [expected["value"], *rule.get("accept", []), *rule.get("choices", [])]
        answers += [to_data(v) for name in names for v in _variants(notebook, spec, name)]
        answers += [to_data(f"  {str(expected['value']).upper()} "), to_data(f"{expected['value']}x")]
    if expected.get("kind") == "number":
        v = expected["value"]
        answers += [to_data(x) for x in (v * 100, -v, v * 1.5, v + 1e-9, float("nan"))]
    return answers


# -- the tests ---------------------------------------------------------------------------------

def test_every_exercise_is_sealed_and_nothing_open_remains(sealed_dir):
    opened, sealed = _specs(None), _specs(sealed_dir)
    assert opened.keys() == sealed.keys()
    for eid, (_nb, ex) in sealed.items():
        kind = ex["kind"]
        if kind in ("choose-one", "choose-many"):
            assert all("correct" not in o and seal.is_veiled(o.get("feedback", {"veiled": ""}))
                       for o in ex["options"])
        if kind == "buckets":
            assert all("bucket" not in it for it in ex["items"])
        if kind == "order":
            assert ex["steps"] != opened[eid][1]["steps"] and sorted(ex["steps"]) == sorted(opened[eid][1]["steps"])
        if kind == "numeric":
            assert seal.is_veiled(ex["expected"])
        if kind == "scenario":
            for node in ex["nodes"].values():
                assert all(seal.is_veiled(r["points"]) for r in node.get("replies") or [])
        if kind == "code" and ex["rule"]["type"] == "text":
            assert ex.get("sealed") and "accept" not in ex["rule"] and ex["rule"]["digests"]


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_sealed_widgets_judge_exactly_as_the_open_key(sealed_dir, notebook, lang):
    opened, sealed = _specs(None), _specs(sealed_dir)
    checked = 0
    for eid, (nb, spec) in opened.items():
        if nb != notebook or spec["kind"] in ("code", "reflection", "form"):
            continue
        answers = _widget_answers(nb, spec)
        want = _verdicts(None, nb, spec, answers, lang)
        got = _verdicts(sealed_dir, nb, sealed[eid][1], answers, lang)
        for answer, w, g in zip(answers, want, got):
            assert g == w, (eid, lang, answer)
        assert {v["status"] for v in want} >= {"correct", "incorrect"} or spec["kind"] == "numeric", eid
        checked += len(answers)
    assert checked


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_sealed_code_exercises_judge_exactly_as_the_open_key(sealed_dir, lang):
    opened, sealed = _specs(None), _specs(sealed_dir)
    checked = 0
    for eid, (nb, spec) in opened.items():
        if spec["kind"] != "code":
            continue
        with keys.using(None):
            expected = keys.expected_value(nb, spec)
        assert expected is not None, eid
        answers = _code_answers(nb, spec, expected)
        want = _verdicts(None, nb, spec, answers, lang)
        got = _verdicts(sealed_dir, nb, sealed[eid][1], answers, lang)
        for answer, w, g in zip(answers, want, got):
            assert g == w, (eid, lang, answer)
        assert want[0]["status"] == "correct", eid
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("eid, answer", [
    ("gaps.weakest", "reliability"), ("gaps.weakest", "可靠性"), ("gaps.weakest", " Reliability "),
    ("gaps.weakest", "assurance"), ("gaps.weakest", "nope"), ("gaps.communication-branch", "Shenzhen Futian"),
    ("gaps.communication-branch", "shenzhen"), ("gaps.communication-branch", "chengdu_wuhou"),
    ("gaps.communication-branch", "beijing"), ("blueprint.bottleneck", "S09"), ("blueprint.bottleneck", " repair "),
    ("blueprint.bottleneck", "S10"), ("blueprint.bottleneck", 9), ("selection.best-predictor", "interview"),
])
def test_the_key_feedback_tests_answers_read_the_same_on_a_sealed_key(sealed_dir, eid, answer):
    nb, spec = _specs(None)[eid]
    for lang in LANGUAGES:
        assert _verdicts(sealed_dir, nb, _specs(sealed_dir)[eid][1], [to_data(answer)], lang) == \
            _verdicts(None, nb, spec, [to_data(answer)], lang)


def test_a_veil_and_a_digest_round_trip_and_differ_per_salt():
    assert seal.unveil("s1", seal.veil("s1", {"a": [0.1, "可靠性"]})) == {"a": [0.1, "可靠性"]}
    assert seal.veil("s1", 0.68) != seal.veil("s2", 0.68) and "0.68" not in str(seal.veil("s1", 0.68))
    assert seal.digest("s", "e", " Reliability ") == seal.digest("s", "e", "reliability")  # norm_text first
    assert seal.digest("s", "e", "reliability") != seal.digest("t", "e", "reliability")
    assert seal.unseal({"id": "x", "kind": "reflection"}) == {"id": "x", "kind": "reflection"}


def _reversed(data: dict) -> dict:
    """A series or mapping with its entries in the opposite order (right values, wrong order)."""
    if data.get("kind") == "series":
        return dict(data, index=data["index"][::-1], values=data["values"][::-1])
    return data


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_sealed_hidden_rules_grade_and_warn_exactly_as_the_open_key(sealed_dir, lang):
    """The hand-out ships hidden rules veiled, so check() can say at once what grading will cost."""
    from grading.trainee.check import _stricter
    opened, sealed = _specs(None), _specs(sealed_dir)
    graded = [eid for eid, (_nb, spec) in opened.items() if spec.get("hidden")]
    statuses = set()
    for eid in graded:
        nb, spec = opened[eid]
        assert seal.is_veiled(sealed[eid][1]["hidden"]), eid
        with keys.using(None):
            expected = keys.expected_value(nb, spec)
        for answer in (expected, _reversed(expected)):
            with use(lang):
                with keys.using(None):
                    want = vars(assess(nb, spec, answer, hidden=True)), _stricter(nb, spec, answer)
                with keys.using(sealed_dir):
                    got = vars(assess(nb, sealed[eid][1], answer, hidden=True)), _stricter(nb, sealed[eid][1], answer)
            assert got == want, (eid, lang)
            statuses.add(want[0]["status"])
    assert len(graded) >= 3 and statuses == {"correct", "partial"}
