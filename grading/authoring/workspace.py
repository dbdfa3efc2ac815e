"""The trainee's workspace: copies of the release that are never overwritten once changed.

`.release.json` in the workspace remembers the hash of each file as it was
handed out.  A later release replaces a file only if the trainee has not
changed it; otherwise the new version goes beside it as `<name>.new-release<ext>`.
For a notebook, "changed" means the trainee's work (its cells' text), not the
metadata or outputs that JupyterLab writes back on opening and running it.

The workspace also remembers its language (`.course-lang`, from the release) and
keeps JupyterLab's own settings (`.jupyter/lab/user-settings`, which `make lab`
points JupyterLab at) so that its menus speak that language too.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

MANIFEST = ".release.json"


def _digest(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(data)
            work = [nb.get("metadata", {}).get("grading")]  # the release's own stamp (its language)
            work += [(c.get("cell_type"), "".join(c.get("source", ""))) for c in nb["cells"]]
            return "cells:" + hashlib.sha256(json.dumps(work).encode()).hexdigest()
        except (ValueError, KeyError, TypeError, AttributeError):
            pass  # not a notebook we can read: judge its bytes
    return hashlib.sha256(data).hexdigest()


SETTINGS_DIR = ".jupyter/lab/user-settings"
# JupyterLab's name for each course language ("default" is its own English).
LAB_LOCALES = {"en": "default", "zh-CN": "zh_CN"}


def set_lab_language(workspace: Path, lang: str) -> None:
    """JupyterLab's settings for this workspace: its menus in `lang`, and widgets that survive a reopen."""
    write_lab_settings(workspace / SETTINGS_DIR, lang)


def write_lab_settings(settings_dir: Path, lang: str) -> None:
    # Saving widget state into the notebook lets a notebook reopened later show its widgets
    # (and the trainee's answers) instead of "Error displaying widget: model not found".
    # Lessons (lessons/*.md) open as rendered pages, not as Markdown source.
    for plugin, values in (("@jupyterlab/translation-extension/plugin", {"locale": LAB_LOCALES[lang]}),
                           ("@jupyter-widgets/jupyterlab-manager/plugin", {"saveState": True}),
                           ("@jupyterlab/docmanager-extension/plugin",
                            {"defaultViewers": {"markdown": "Markdown Preview"}})):
        path = settings_dir / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        settings = {}
        if path.exists():
            try:
                settings = json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                settings = {}
        settings.update(values)
        path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")


def sync(release: Path, workspace: Path, lang: str = "en") -> list[str]:
    """Bring the workspace up to the release; returns one line per action taken."""
    workspace.mkdir(parents=True, exist_ok=True)
    set_lab_language(workspace, lang)
    manifest_path = workspace / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    actions = []
    for src in sorted(p for p in release.rglob("*") if p.is_file()):
        rel = src.relative_to(release).as_posix()
        dst = workspace / rel
        new = _digest(src)
        if not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            manifest[rel] = new
            actions.append(f"added {rel}")
        elif _digest(dst) == new:
            manifest[rel] = new
        elif _digest(dst) == manifest.get(rel):  # untouched by the trainee: safe to update
            shutil.copyfile(src, dst)
            manifest[rel] = new
            actions.append(f"updated {rel}")
        elif new == manifest.get(rel):  # the trainee's changed copy, and no newer release: nothing to do
            continue
        else:
            beside = dst.with_name(f"{dst.stem}.new-release{dst.suffix}")
            shutil.copyfile(src, beside)
            manifest[rel] = new  # offered once: the next `make lab` does not offer it again
            actions.append(f"kept your {rel}; the new release is beside it as {beside.name}")
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return actions
