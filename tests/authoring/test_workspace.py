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
