"""Fresh-data grading: an answer computed from the data passes on a variant; a typed-in one does not."""
from __future__ import annotations

import csv
import json
import textwrap

import pandas as pd
import pytest
import yaml

from grading.grader import Limits, Options, grade
from grading.grader.gradebook import GradeError
from tests.support import submissions as S

NB = "92-fresh"
LIMITS = Limits(cell_timeout=20, timeout=60, memory_mb=1024, max_output_kb=256)

# A course of one table, drawn by its own generator (as datasets/generate.py draws the real one).
GENERATOR = textwrap.dedent('''\
    from pathlib import Path
    import numpy as np
    import pandas as pd
    SEED = 11
    def build_all(out, seed=None):
        rng = np.random.default_rng(SEED if seed is None else seed)
        folder = Path(out) / "shop"
        folder.mkdir(parents=True, exist_ok=True)
        pd.DataFrame({"wait_min": rng.gamma(2.0, 3.0, 300).round(1)}).to_csv(folder / "waits.csv", index=False)
        return ["shop/waits.csv"]
''')
LOAD = ("import os\nimport pandas as pd\n"
        "waits = pd.read_csv(os.path.join(os.environ['COURSE_ROOT'], 'datasets', 'shop', 'waits.csv'))")
COMPUTED = "mean_wait = waits['wait_min'].mean()"
FINDING = "finding = 'long waits'"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    (root / "datasets").mkdir()
    (root / "datasets" / "generate.py").write_text(GENERATOR, encoding="utf-8")
    namespace = {}
    exec(GENERATOR, namespace)
    namespace["build_all"](root / "datasets")
    mean = float(pd.read_csv(root / "datasets" / "shop" / "waits.csv")["wait_min"].mean())
    (root / "notebooks").mkdir()
    import nbformat
    nbformat.write(S.code_notebook(LOAD, COMPUTED, FINDING), root / "notebooks" / f"{NB}.ipynb")
    keys = root / "keys"
    keys.mkdir()
    key = {"notebook": NB, "title": "Fresh data", "exercises": [
        {"id": "fresh.mean", "kind": "code", "points": 2, "answer": "mean_wait",
         "rule": {"type": "number"}, "expected": mean},
        {"id": "fresh.finding", "kind": "code", "points": 1, "answer": "finding", "fresh": False,
         "rule": {"type": "text"}, "expected": "long waits"}]}
    (keys / f"{NB}.yml").write_text(yaml.safe_dump(key, sort_keys=False), encoding="utf-8")
    subs = root / "subs"
    S.write(subs, "honest", NB, S.code_notebook(LOAD, COMPUTED, FINDING))
    S.write(subs, "typed", NB, S.code_notebook(LOAD, f"mean_wait = {mean!r}", FINDING))
    return {"root": root, "keys": keys, "subs": subs, "mean": mean}


def results(out):
    with open(out / "results.csv", encoding="utf-8") as fh:
        return {(row["trainee"], row["exercise"]): row for row in csv.DictReader(fh)}


def points(out):
    with open(out / "gradebook.csv", encoding="utf-8") as fh:
        return {row["trainee"]: row for row in csv.DictReader(fh)}


def run(course, out, policy, **kw):
    return grade(Options(course["subs"], out, [NB], jobs=2, limits=LIMITS, keys=course["keys"],
                         course=course["root"], quiet=True, fresh=policy, **kw))


def test_a_typed_in_number_is_flagged_and_a_computed_one_is_not(course, tmp_path):
    out = tmp_path / "out"
    summary = run(course, out, "flag")
    assert summary.graded == 2 and summary.fresh_seconds > 0
    book, rows = points(out), results(out)
    assert book["honest"]["total"] == book["typed"]["total"]  # "flag" takes nothing off
    assert "fresh data" not in book["honest"]["notes"]
    assert "fresh data: 1 answer right on the course data but not on fresh data (fresh.mean)" in book["typed"]["notes"]
    assert "typed in?" in rows[("typed", "fresh.mean")]["message"]
    assert "fresh" not in rows[("honest", "fresh.mean")]["message"]
    # A finding the key marks `fresh: false` is judged on the course data only.
    assert rows[("typed", "fresh.finding")]["status"] == "correct"
    feedback = (out / "feedback" / "typed.html").read_text(encoding="utf-8")
    assert "typed in?" in feedback and repr(course["mean"]) not in feedback

    # The variant's seed is kept with the output: a second run reuses every result.
    seed = json.loads((out / "fresh-data.json").read_text())["seed"]
    again = run(course, out, "flag")
    assert again.cached == 2 and again.graded == 0
    assert json.loads((out / "fresh-data.json").read_text())["seed"] == seed


def test_policy_zero_takes_the_points_of_a_typed_in_answer(course, tmp_path):
    out = tmp_path / "out"
    run(course, out, "zero", fresh_seed=5)
    rows = results(out)
    assert float(rows[("honest", "fresh.mean")]["points"]) == 2
    assert float(rows[("typed", "fresh.mean")]["points"]) == 0
    assert rows[("typed", "fresh.mean")]["status"] == "incorrect"
    assert float(rows[("typed", "fresh.finding")]["points"]) == 1


def test_without_the_generator_fresh_data_is_refused_clearly(course, tmp_path):
    import shutil
    bare = tmp_path / "bare"
    shutil.copytree(course["root"], bare, ignore=shutil.ignore_patterns("generate.py"))
    with pytest.raises(GradeError, match="dataset generator"):
        grade(Options(course["subs"], tmp_path / "out", [NB], jobs=1, limits=LIMITS, keys=course["keys"],
                      course=bare, quiet=True, fresh="flag"))
    with pytest.raises(GradeError, match="--fresh-data takes"):
        grade(Options(course["subs"], tmp_path / "out2", [NB], jobs=1, limits=LIMITS, keys=course["keys"],
                      course=course["root"], quiet=True, fresh="maybe"))
