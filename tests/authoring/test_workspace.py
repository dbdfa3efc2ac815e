"""Does the workspace take new releases without ever overwriting the trainee's work?"""
from grading.authoring.workspace import sync


def test_first_sync_copies_everything(tmp_path):
    release, ws = tmp_path / "release", tmp_path / "ws"
    (release / "lessons").mkdir(parents=True)
    (release / "01-a.ipynb").write_text("v1")
    (release / "lessons" / "01-a.md").write_text("page")
    assert sync(release, ws) == ["added 01-a.ipynb", "added lessons/01-a.md"]
    assert (ws / "01-a.ipynb").read_text() == "v1"
    assert sync(release, ws) == []  # nothing new: nothing done


def test_untouched_copy_is_updated_changed_copy_is_kept(tmp_path):
    release, ws = tmp_path / "release", tmp_path / "ws"
    release.mkdir()
    (release / "01-a.ipynb").write_text("v1")
    (release / "02-b.ipynb").write_text("v1")
    sync(release, ws)
    (ws / "02-b.ipynb").write_text("my answers")
    (release / "01-a.ipynb").write_text("v2")
    (release / "02-b.ipynb").write_text("v2")
    actions = sync(release, ws)
    assert "updated 01-a.ipynb" in actions
    assert any("kept your 02-b.ipynb" in a for a in actions)
    assert (ws / "01-a.ipynb").read_text() == "v2"
    assert (ws / "02-b.ipynb").read_text() == "my answers"
    assert (ws / "02-b.new-release.ipynb").read_text() == "v2"
    (ws / "02-b.new-release.ipynb").unlink()  # read and deleted by the trainee
    assert sync(release, ws) == []  # the same release is not offered again


def test_the_workspace_remembers_its_language_and_switches(tmp_path, monkeypatch):
    """`COURSE_LANG=zh-CN make lab` once; a later plain `make lab` stays Chinese; `COURSE_LANG=en` switches back."""
    import json
    from grading.cli import main
    from grading.core.i18n import folder_language
    monkeypatch.delenv("COURSE_LANG", raising=False)
    ws, rel = tmp_path / "ws", tmp_path / "rel"
    settings = ws / ".jupyter/lab/user-settings/@jupyterlab/translation-extension/plugin.jupyterlab-settings"

    def workspace(*lang):
        assert main(["workspace", "--dir", str(ws), "--release", str(rel), *lang]) == 0

    workspace()
    assert folder_language(ws) == "en" and json.loads(settings.read_text())["locale"] == "default"
    widgets = ws / ".jupyter/lab/user-settings/@jupyter-widgets/jupyterlab-manager/plugin.jupyterlab-settings"
    assert json.loads(widgets.read_text())["saveState"] is True  # a reopened notebook shows its widgets
    workspace("--lang", "zh-CN")
    assert folder_language(ws) == "zh-CN" and json.loads(settings.read_text())["locale"] == "zh_CN"
    nb = json.loads((ws / "00-start-here.ipynb").read_text(encoding="utf-8"))
    assert nb["metadata"]["grading"]["lang"] == "zh-CN"  # untouched notebooks follow the language
    workspace()  # no --lang: the workspace keeps Chinese
    assert folder_language(ws) == "zh-CN"
    workspace("--lang", "en")
    assert folder_language(ws) == "en" and json.loads(settings.read_text())["locale"] == "default"
    assert "lang" not in json.loads((ws / "00-start-here.ipynb").read_text(encoding="utf-8"))["metadata"]["grading"]


def test_a_notebook_only_opened_and_run_is_not_the_trainees_work(tmp_path):
    """JupyterLab rewrites metadata and adds outputs: that is no reason to keep a stale copy."""
    import json
    release, ws = tmp_path / "release", tmp_path / "ws"
    release.mkdir()
    nb = {"cells": [{"cell_type": "code", "source": "x = ...", "outputs": [], "metadata": {}}],
          "metadata": {"kernelspec": {"display_name": "Python 3"}}, "nbformat": 4, "nbformat_minor": 5}
    (release / "01-a.ipynb").write_text(json.dumps(nb))
    sync(release, ws)
    opened = json.loads((ws / "01-a.ipynb").read_text())
    opened["metadata"]["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    opened["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "hi"}]
    (ws / "01-a.ipynb").write_text(json.dumps(opened))
    assert sync(release, ws) == []  # the same course: nothing to do, the trainee's outputs stay
    nb["cells"].append({"cell_type": "markdown", "source": "new text", "metadata": {}})
    (release / "01-a.ipynb").write_text(json.dumps(nb))
    assert sync(release, ws) == ["updated 01-a.ipynb"]  # a course change reaches an untouched notebook
    mine = json.loads((ws / "01-a.ipynb").read_text())
    mine["cells"][0]["source"] = "x = 42"
    (ws / "01-a.ipynb").write_text(json.dumps(mine))
    nb["cells"].append({"cell_type": "markdown", "source": "more", "metadata": {}})
    (release / "01-a.ipynb").write_text(json.dumps(nb))
    assert sync(release, ws) == ["kept your 01-a.ipynb; the new release is beside it as 01-a.new-release.ipynb"]
