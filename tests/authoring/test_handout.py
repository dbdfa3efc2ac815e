"""`python -m grading handout`: what trainees get, and that nothing instructor-only leaks."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from grading.authoring.handout import HandoutError, handout
from grading.core import seal

ROOT = Path(__file__).resolve().parents[2]
# The test's virtual environment has this kit installed in editable mode, whose import hook
# would quietly fill in whatever the hand-out lacks from the repository: switch it off.
ONLY_THE_HANDOUT = ("import sys; sys.meta_path[:] = [f for f in sys.meta_path "
                    "if 'editable' not in getattr(f, '__module__', '')]\n")


# Module 0's reasons for leaving, as a trainee's code builds them (start.shares is checked on them).
REASONS = ("r = pd.Series({'died': 1, 'moved away': 3, 'other relationships': 5, 'competitors': 9,"
           " 'product dissatisfaction': 14, 'staff attitude': 68})\n")


def run_in(folder: Path, code: str, tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(folder), "HOME": str(tmp_path),
           "GRADING_ANSWERS_DIR": str(tmp_path)}
    return subprocess.run([sys.executable, "-c", ONLY_THE_HANDOUT + code], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout") / "class"
    handout(ROOT, out, solutions=False)
    return out


def test_everything_a_trainee_needs_is_there(folder):
    masters = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert sorted(p.name for p in (folder / "notebooks").glob("*.ipynb")) == masters
    assert sorted(p.name for p in (folder / "lessons").glob("*.md")) == \
        sorted([*(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]-*.md")), "SOURCES.md"])
    for name in ("pyproject.toml", "constraints.txt", "Makefile"):
        assert (folder / name).is_file()
    assert sorted(p.relative_to(folder / "datasets").as_posix() for p in (folder / "datasets").rglob("*.csv")) == \
        sorted(p.relative_to(ROOT / "datasets").as_posix() for p in (ROOT / "datasets").rglob("*.csv"))
    assert (folder / "grading" / "__init__.py").is_file()
    from grading.core.seal import open_expected
    for path in (ROOT / "grading" / "keys").glob("*.expected.json"):  # check() needs them, sealed
        shipped = json.loads((folder / "grading" / "keys" / path.name).read_text(encoding="utf-8"))
        assert set(shipped) == {"sealed", "veiled"}
        opened, recorded = open_expected(shipped), json.loads(path.read_text(encoding="utf-8"))
        assert set(opened) == set(recorded)
        assert all(opened[k] == v for k, v in recorded.items() if v.get("kind") != "text")


def test_nothing_instructor_only_leaks(folder):
    assert not list(folder.rglob("FINDINGS.md"))
    assert not (folder / "datasets" / "generate.py").exists()
    assert not (folder / "grading" / "GRADING.md").exists()
    assert not (folder / "grading" / "grader").exists()  # no grader, no sandbox for trainees
    assert sorted(p.name for p in (folder / "grading" / "authoring").iterdir()) == \
        ["__init__.py", "release.py", "workspace.py"]
    assert not (folder / "notebooks" / "AUTHORING.md").exists()
    for page in (folder / "lessons").glob("*.md"):
        assert "## Instructor notes" not in page.read_text(encoding="utf-8")
    for path in (folder / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            assert "instructor" not in cell.metadata.get("tags", [])
            assert "# BEGIN SOLUTION" not in cell.source and "# SOLUTION" not in cell.source
            assert not cell.get("outputs")
    for path in (folder / "grading" / "keys").glob("*.yml"):
        key = yaml.safe_load(path.read_text(encoding="utf-8"))
        original = yaml.safe_load((ROOT / "grading" / "keys" / path.name).read_text(encoding="utf-8"))
        for ex, orig in zip(key["exercises"], original["exercises"]):
            assert "solution" not in ex
            assert seal.is_veiled(ex["hidden"]) if orig.get("hidden") else "hidden" not in ex


def test_solutions_only_on_request_and_hidden_rules_never(tmp_path):
    handout(ROOT, tmp_path / "h")  # a graded class: no worked solutions by default
    key = yaml.safe_load((tmp_path / "h" / "grading" / "keys" / "02-quality-gaps.yml").read_text(encoding="utf-8"))
    weighted = next(ex for ex in key["exercises"] if ex["id"] == "gaps.weighted-servqual")
    assert "solution" not in weighted and seal.is_veiled(weighted["hidden"])  # read by check(), not by people
    handout(ROOT, tmp_path / "h", solutions=True)  # self-study; an earlier hand-out folder is replaced
    key = yaml.safe_load((tmp_path / "h" / "grading" / "keys" / "00-start-here.yml").read_text(encoding="utf-8"))
    assert next(ex for ex in key["exercises"] if ex["id"] == "start.shares")["solution"]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("mine")
    with pytest.raises(HandoutError, match="not an earlier hand-out"):
        handout(ROOT, tmp_path / "other")


def test_an_exam_hand_out_carries_no_right_answer(tmp_path):
    out = tmp_path / "exam"
    handout(ROOT, out, exam=True)
    keys_dir = out / "grading" / "keys"
    assert not list(keys_dir.glob("*.expected.json"))
    for path in keys_dir.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        for field in ("correct:", "bucket:", "expected:", "feedback:", "solution:", "rule:", "hidden:"):
            assert field not in text, (path.name, field)
        key = yaml.safe_load(text)
        original = yaml.safe_load((ROOT / "grading" / "keys" / path.name).read_text(encoding="utf-8"))
        for ex, orig in zip(key["exercises"], original["exercises"]):
            assert ex["points"] == orig["points"] and ex["exam"] is True
            if len(orig.get("steps", [])) > 2:
                assert ex["steps"] != orig["steps"] and sorted(ex["steps"]) == sorted(orig["steps"])
            for node in ex.get("nodes", {}).values():
                assert all("points" not in r and "feedback" not in r for r in node.get("replies") or [])
    for po in keys_dir.glob("*/*.po"):  # the Chinese text of dropped feedback does not travel either
        catalog = po.read_text(encoding="utf-8")
        assert "Right. About 26 others" not in catalog
    # grep every file of the keys for every expected value: no recorded number, no expected name
    shipped = "\n".join(p.read_text(encoding="utf-8").split("\n\n", 1)[-1] if p.suffix == ".po"  # not its header
                        else p.read_text(encoding="utf-8") for p in keys_dir.rglob("*")
                        if p.is_file() and p.suffix in (".yml", ".json", ".po"))
    in_clear = _number_tokens(shipped)
    from grading.authoring.translations import key_messages
    from grading.core.i18n import key_texts
    readable = "\n".join(t for k in keys_dir.glob("*.yml") for c, m in key_messages(yaml.safe_load(k.read_text(encoding="utf-8")))
                         for t in {m, *key_texts(k.stem, c, m)})
    for recorded in sorted((ROOT / "grading" / "keys").glob("*.expected.json")):
        for eid, value in json.loads(recorded.read_text(encoding="utf-8")).items():
            for n in set(_numbers(value)):
                text = json.dumps(n)
                if len(text.lstrip("-")) >= 4 and not (float(n).is_integer() and abs(n) < 100):
                    assert text not in in_clear or text in _number_tokens(readable), (eid, text)
            if value.get("kind") == "text":
                original = next(e for k in (ROOT / "grading" / "keys").glob("*.yml")
                                for e in yaml.safe_load(k.read_text(encoding="utf-8"))["exercises"] if e["id"] == eid)
                # a name the trainee reads anyway (a step or branch in a prompt) is no answer given away
                if not original["rule"].get("choices") and not _in_clear(value["value"], readable):
                    assert not _in_clear(value["value"], shipped), (eid, value["value"])
    code = ("import pandas as pd\nfrom grading import check\n"
            + REASONS +
            "print(repr(check('start.shares', (r / r.sum()).sort_values(ascending=False))))\n"
            "print(repr(check('start.shares', r)))\n")
    run = run_in(out, code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("This is an exam") == 2 and "Correct" not in run.stdout  # right and wrong alike


# gaps.weighted-servqual as a trainee computes it, not yet sorted (the hidden rule grades the order)
WEIGHTED_SERVQUAL = (
    "from grading import load_dataset\n"
    "survey = load_dataset('servqual').set_index('respondent_id')\n"
    "items = load_dataset('servqual', 'items')\n"
    "E = survey[items['expectation_column']].set_axis(items['item_no'], axis=1)\n"
    "P = survey[items['perception_column']].set_axis(items['item_no'], axis=1)\n"
    "gaps = (P - E).T.groupby(items.set_index('item_no')['dimension']).mean().T\n"
    "points = survey.filter(like='imp_').rename(columns=lambda c: c.removeprefix('imp_'))\n"
    "ws = (gaps * points.div(points.sum(axis=1), axis=0)).sum(axis=1).groupby(survey['branch']).mean()\n")


def test_the_handed_out_engine_checks_and_says_what_grading_will_cost(folder, tmp_path):
    code = ("import pandas as pd, grading, grading.trainee.check\n"
            "assert grading.trainee.check.__file__.startswith(%r)\n"
            "from grading import check, solution\n"
            + REASONS +
            "print(repr(check('start.shares', (r / r.sum()).sort_values(ascending=False))))\n"
            "print(solution('start.shares'))\n"
            + WEIGHTED_SERVQUAL +
            "print(repr(check('gaps.weighted-servqual', ws.sort_index())))\n"
            "print(repr(check('gaps.weighted-servqual', ws.sort_values())))\n")
    code = code % str(folder / "grading")
    run = run_in(folder, code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("✔ Correct") == 3 and "No worked solution is available" in run.stdout
    # the sealed key's hidden rules still tell the trainee at once what the order will cost
    assert run.stdout.count("But the graded version also checks this") == 1
    assert "grading gives 1.5 of 3 points" in run.stdout and "most negative" in run.stdout
    assert "Further checks run when your work is graded." in run.stdout  # the sorted answer


def test_the_hand_out_builds_a_workspace_and_keeps_instructor_commands_out(folder, tmp_path):
    def command(*args):
        return run_in(folder, f"import runpy; sys.argv = ['grading', *{list(args)!r}]; "
                              "runpy.run_module('grading', run_name='__main__')", tmp_path)

    run = command("workspace", "--dir", str(tmp_path / "ws"), "--release", str(tmp_path / "rel"))
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "ws" / "00-start-here.ipynb").is_file()
    run = command("grade", str(tmp_path), "--out", str(tmp_path / "o"))
    assert run.returncode == 2 and "not part of the trainee hand-out" in run.stderr


def test_a_chinese_hand_out_opens_in_chinese_and_stays_so(tmp_path):
    out = tmp_path / "zh"
    handout(ROOT, out, lang="zh-CN")
    assert (out / ".course-lang").read_text().strip() == "zh-CN"
    assert (out / "share/jupyter/voila/templates/course-zh-CN/conf.json").is_file()
    for path in (ROOT / "grading" / "keys" / "zh-CN").glob("*.po"):  # widget and check text
        assert (out / "grading" / "keys" / "zh-CN" / path.name).is_file()
    assert (out / "grading" / "locale" / "zh_CN" / "LC_MESSAGES" / "grading.po").is_file()
    nb = nbformat.read(out / "notebooks" / "00-start-here.ipynb", as_version=4)
    assert nb.metadata["grading"]["lang"] == "zh-CN"
    # `make lab` in the hand-out: the workspace step re-releases DIR/notebooks in the remembered language.
    code = ("import runpy; sys.argv = ['grading', 'workspace', '--dir', %r, '--release', %r]; "
            "runpy.run_module('grading', run_name='__main__')") % (str(tmp_path / "ws"), str(tmp_path / "rel"))
    run = run_in(out, code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "ws" / ".course-lang").read_text().strip() == "zh-CN"
    assert nbformat.read(tmp_path / "ws" / "00-start-here.ipynb", as_version=4).cells == nb.cells


def _numbers(value):
    if isinstance(value, bool):
        return
    if isinstance(value, (int, float)):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _numbers(v)
    elif isinstance(value, list):
        for v in value:
            yield from _numbers(v)


def _in_clear(needle: str, haystack: str) -> bool:
    """`needle` standing on its own (not inside a longer number, word or base64 run)."""
    import re
    return re.search(r"(?<![\w.+/])" + re.escape(needle) + r"(?![\w+/]|\.\d)", haystack, re.IGNORECASE) is not None


def _number_tokens(text: str) -> set[str]:
    """Every number standing on its own in `text`, as written (not inside a word or base64 run)."""
    import re
    found = re.findall(r"(?<![\w.+/])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?![\w+/]|\.\d)", text)
    return set(found) | {f.lstrip("-") for f in found}


def test_the_default_hand_out_answers_cannot_be_read_off_its_keys(folder):
    """No expected value, right option, bucket, order or answer-giving feedback in clear text."""
    import re

    from grading.core.i18n import key_texts
    keys_dir = folder / "grading" / "keys"
    files = {p.name: p.read_text(encoding="utf-8") for p in keys_dir.rglob("*") if p.is_file()}
    everything = "\n".join(files.values())
    for marker in ("correct:", "bucket:", "accept:", "\"value\"", "value:", "points: {", "expected: "):
        assert marker not in everything.replace("expected: {veiled", ""), marker
    for path in sorted((ROOT / "grading" / "keys").glob("*.yml")):
        original = yaml.safe_load(path.read_text(encoding="utf-8"))
        shipped = yaml.safe_load(files[path.name])
        po = files.get(path.stem + ".po", "")
        recorded = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
        # the key's own settings (tolerances, points, slider ranges) are numbers too: not answers
        own = re.sub(r"(?m)^\s*-?\s*(tol|rel|partial_tol|points|min|max|step|start|min_words): .*$", "",
                     files[path.name]) + files.get(path.stem + ".expected.json", "") + po.split("\n\n", 1)[-1]
        # what a trainee reads anyway (prompts, hints, options: a cited year, a count the notebook shows)
        from grading.authoring.translations import key_messages
        readable = _number_tokens("\n".join(t for _c, t in key_messages(shipped)))
        in_clear = _number_tokens(own)
        for eid, value in recorded.items():  # every recorded number, as JSON writes it, in no key file
            for n in set(_numbers(value)):
                text = json.dumps(n)
                if len(text.lstrip("-")) >= 4 and not (float(n).is_integer() and abs(n) < 100):
                    assert text not in in_clear or text in readable, (eid, text)
        for ex, orig in zip(shipped["exercises"], original["exercises"]):
            eid = orig["id"]
            if orig["kind"] == "code" and orig["rule"].get("type") == "text":
                names = {recorded[eid]["value"], *orig["rule"].get("accept", [])}
                names |= {t for n in list(names) for t in key_texts(original["notebook"], eid, n)}
                rule_text = yaml.safe_dump({k: v for k, v in ex["rule"].items() if k != "choices"}, allow_unicode=True)
                for name in names:  # only the options the trainee chooses from name it
                    assert not _in_clear(name, rule_text), (eid, name)
                    assert f'msgctxt "{eid}"\nmsgid "{name}"' not in po, (eid, name)
            if orig["kind"] == "numeric":
                assert not _in_clear(f"expected: {orig['expected']}", everything)
            if orig["kind"] == "order":
                assert ex["steps"] != orig["steps"]
                at = {step: po.find(f'msgctxt "{eid}"\nmsgid "{step}"') for step in orig["steps"]}
                if po:  # the catalogue lists the steps in the shipped (shuffled) order, not the right one
                    assert sorted(at, key=at.get) == ex["steps"]
            # the feedback that tells the right answer travels only veiled, in either language
            shown_later = [o.get("feedback") for o in orig.get("options", []) + orig.get("items", [])]
            for node in orig.get("nodes", {}).values():
                shown_later += [node.get("outcome")] + [r.get("feedback") for r in node.get("replies") or []]
            shown_later += [orig.get("feedback_low"), orig.get("feedback_high")]
            for text in filter(None, shown_later):
                for variant in key_texts(original["notebook"], eid, text):
                    assert variant not in everything, (eid, variant[:40])


def test_the_handed_out_widgets_still_judge_from_the_sealed_key(folder, tmp_path):
    code = ("from grading.core.keys import exercise\nfrom grading.core.assess import assess\n"
            "from grading.core.canon import to_data\n"
            "nb, spec = exercise('gaps.servperf')\n"
            "for o in spec['options']:\n"
            "    print(assess(nb, spec, to_data(o['text'])).status)\n"
            "nb, spec = exercise('gaps.weakest')\n"
            "print(assess(nb, spec, to_data('可靠性')).status, assess(nb, spec, to_data('empathy')).status)\n")
    run = run_in(folder, code, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["incorrect", "correct", "incorrect", "incorrect", "correct", "incorrect"]
