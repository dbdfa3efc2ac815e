"""Role-plays are fair: the best way through is never given away by a reply's length or position."""
from __future__ import annotations

import pytest

from grading.core import keys
from grading.core.widget_models import Scenario, best_path

SCENARIOS = [ex for path in keys.key_files() for ex in keys.notebook_key(path.stem)["exercises"]
             if ex["kind"] == "scenario"]


def play(spec: dict, pick) -> float:
    """Points earned by always choosing the reply `pick(replies)` names."""
    game, earned = Scenario(spec), 0.0
    for _turn in range(100):
        if game.finished:
            break
        replies = game.node["replies"]
        earned += game.choose(pick(replies)).get("points", 0)
    return earned


@pytest.mark.parametrize("spec", SCENARIOS, ids=[s["id"] for s in SCENARIOS])
def test_no_blind_strategy_earns_full_marks(spec):
    best = best_path(spec)[0]
    strategies = {
        "always the longest reply": lambda rs: max(range(len(rs)), key=lambda i: len(rs[i]["text"])),
        "always the shortest reply": lambda rs: min(range(len(rs)), key=lambda i: len(rs[i]["text"])),
        **{f"always reply {k + 1}": (lambda rs, k=k: min(k, len(rs) - 1)) for k in range(4)},
    }
    lucky = [name for name, pick in strategies.items() if play(spec, pick) >= best]
    assert not lucky, f"{spec['id']}: full marks without reading, by {lucky}"
