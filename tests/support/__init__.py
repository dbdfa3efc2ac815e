"""Builders shared by the tests and the benchmarks: submissions, judging helpers, fixture keys.

`keys/` holds answer keys made for the engine tests (a frozen copy of course content
covering every exercise kind, and a tiny synthetic notebook), so editing the course
never breaks an engine test.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_KEYS = Path(__file__).resolve().parent / "keys"
ENGINE = "80-engine"   # every exercise kind
TINY = "90-tiny"       # two code answers and one choice, for fast grading runs
