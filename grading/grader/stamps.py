"""Write an output only when what it is made from has changed.

A cached re-run of an unchanged class used to spend about 10 s redrawing the class report and
every feedback page.  Now each page has a stamp: a digest of everything it is rendered from
(the data handed to the renderer and its language, plus `environment`: the grading package's
code and catalogues, the keys folder, the masters the similarity check reads, the plotting
libraries' versions) and a digest of the file as written.  While both still match, the file
is left as it is, and the libraries that would draw it are not even imported.  A deleted or
hand-edited page no longer matches its stamp, so it is written again.

The stamps live in OUT/cache/.outputs.json (a trainee's cache folder never starts with a dot).
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

from ..core.paths import PACKAGE_DIR

STAMPS = Path("cache") / ".outputs.json"
LIBRARIES = ("matplotlib", "seaborn", "pandas", "numpy")  # their versions change the figures' bytes


def _file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def environment(notebooks: list[str], manifest: dict) -> str:
    """A digest of what every output depends on besides its own data."""
    h = hashlib.sha256()
    folders = [PACKAGE_DIR] + ([Path(manifest["keys"])] if manifest.get("keys") else [])
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in (".py", ".po", ".yml")):
            h.update(path.relative_to(folder).as_posix().encode())
            h.update((_file_digest(path) or "-").encode())
    course = manifest.get("course")
    for nb in notebooks:  # the similarity check sets the hand-out's own code aside
        h.update(f"master {nb} {_file_digest(Path(course) / 'notebooks' / f'{nb}.ipynb') if course else '-'}".encode())
    for name in LIBRARIES:
        try:
            h.update(f"{name} {metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            h.update(name.encode())
    return h.hexdigest()


class Stamps:
    """The stamps of one output folder: `fresh` says whether a file can be left alone,
    `wrote` records a file just written, `save` keeps the stamps of this run's outputs."""

    def __init__(self, out: Path, environment_digest: str):
        self.out, self.environment = out, environment_digest
        try:
            self.old = json.loads((out / STAMPS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.old = {}
        self.old = self.old if isinstance(self.old, dict) else {}
        self.new: dict = {}

    def digest(self, *inputs) -> str:
        h = hashlib.sha256(self.environment.encode())
        h.update(json.dumps(inputs, sort_keys=True, ensure_ascii=False, default=str).encode())
        return h.hexdigest()

    def fresh(self, rel: str, digest: str) -> bool:
        """Whether OUT/rel is what inputs with this digest give, untouched since it was written."""
        old = self.old.get(rel)
        if (isinstance(old, dict) and old.get("inputs") == digest
                and old.get("file") == _file_digest(self.out / rel)):
            self.new[rel] = old
            return True
        return False

    def wrote(self, rel: str, digest: str) -> None:
        self.new[rel] = {"inputs": digest, "file": _file_digest(self.out / rel)}

    def save(self) -> None:
        if self.new != self.old:
            from .gradebook import write_json
            write_json(self.out / STAMPS, self.new)
