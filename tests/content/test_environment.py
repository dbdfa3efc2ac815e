"""Do environment.yml, pyproject.toml and constraints.txt pin the same versions?"""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def pins(lines) -> dict[str, str]:
    found = {}
    for line in lines:
        m = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)==([^\s;#]+)\s*", line)
        if m:
            found[m.group(1).lower().replace("_", "-")] = m.group(2)
    return found


def test_environment_yml_carries_the_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = pins(project["dependencies"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    env_pins = pins(pip_section)
    assert runtime.items() <= env_pins.items(), {k: (v, env_pins.get(k)) for k, v in runtime.items()
                                                  if env_pins.get(k) != v}
    extra = {k: v for k, v in env_pins.items() if k not in runtime}
    test_pins = pins(project["optional-dependencies"]["test"])
    assert extra.items() <= test_pins.items(), "environment.yml pins something pyproject does not"
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert project["requires-python"] == ">=" + python.split("=")[1]


def test_constraints_lock_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = pins((ROOT / "constraints.txt").read_text().splitlines())
    wanted = pins(project["dependencies"]) | pins(project["optional-dependencies"]["test"])
    assert {k: v for k, v in wanted.items() if locked.get(k) != v} == {}
