"""Binder / JupyterHub: repo2docker accepts the repository and its postBuild prepares the workspace.

`jupyter-repo2docker --no-build` only writes the Dockerfile it would build, so it
needs no Docker engine.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grading.kernels import SERVER_CONFIG

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def repo2docker() -> str:
    found = shutil.which("jupyter-repo2docker", path=str(BIN)) or shutil.which("jupyter-repo2docker")
    if not found:
        pytest.skip("jupyter-repo2docker is not installed (it comes with the test extras: pip install -e '.[test]')")
    return found


def test_postbuild_is_an_executable_script():
    post = ROOT / "postBuild"
    assert post.is_file() and os.access(post, os.X_OK), "postBuild must exist and be executable (chmod +x)"
    text = post.read_text()
    assert text.startswith("#!"), "repo2docker runs postBuild directly: it needs a shebang line"
    assert "python -m grading workspace" in text


def test_repo2docker_accepts_the_repository():
    out = subprocess.run([repo2docker(), "--no-build", "--debug", str(ROOT)], capture_output=True, text=True,
                         timeout=180, cwd=ROOT)
    log = out.stdout + out.stderr
    assert out.returncode == 0, log[-3000:]
    python = next(d for d in yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
                  if isinstance(d, str) and d.startswith("python="))
    assert python == "python=3.11"
    assert "Building conda environment for python=3.11" in log, "repo2docker did not pick environment.yml"
    assert '--file "environment.yml"' in log, "environment.yml is not installed into the image"
    assert "RUN ./postBuild" in log, "repo2docker does not run postBuild"
    # The kit is installed with `-e .`: the environment is built after the repository is copied
    # in, and postBuild runs after that.
    copy = log.index("COPY --chown=0:0 src/")
    assert copy < log.index('--file "environment.yml"') < log.index("RUN ./postBuild")


def test_postbuild_prepares_the_workspace(tmp_path):
    repo = tmp_path / "repo"
    for name in ("notebooks", "lessons", "datasets"):
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("*.answers.json*", ".ipynb_checkpoints"))
    shutil.copy2(ROOT / "postBuild", repo / "postBuild")
    env = {k: v for k, v in os.environ.items() if k not in ("GRADING_ANSWERS_DIR", "COURSE_ROOT")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # `python` is the kit's environment, as in the image
    env["MPLCONFIGDIR"] = str(tmp_path / "mpl")
    env["NB_PYTHON_PREFIX"] = str(tmp_path / "prefix")  # the image's environment (not this test's)
    out = subprocess.run(["./postBuild"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    server = tmp_path / "prefix" / "etc/jupyter/jupyter_server_config.d/cs-course-kit.json"
    assert json.loads(server.read_text()) == SERVER_CONFIG, "the hub's server gets no warm kernels"
    lab = json.loads((tmp_path / "prefix" / "share/jupyter/lab/settings/overrides.json").read_text())
    assert lab["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
    masters = sorted(p.name for p in (repo / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert sorted(p.name for p in (repo / "workspace").glob("[0-9][0-9]-*.ipynb")) == masters
    assert (repo / "workspace" / "lessons").is_dir()
    assert "SOLUTION" not in (repo / "workspace" / masters[0]).read_text()
    again = subprocess.run(["./postBuild"], cwd=repo, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "workspace is up to date" in again.stdout
