"""`python -m grading <command>`: release, workspace, keys (and grade, progress)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ._paths import course_root


def _release(args) -> int:
    from ._release import ReleaseError, build
    try:
        written = build(course_root(), Path(args.out))
    except ReleaseError as exc:
        print(f"release failed: {exc}", file=sys.stderr)
        return 1
    print(f"released {len(written)} trainee notebooks into {args.out}")
    return 0


def _workspace(args) -> int:
    from ._release import build
    from ._workspace import sync
    release = Path(args.release)
    build(course_root(), release)
    for line in sync(release, Path(args.dir)) or ["workspace is up to date"]:
        print(line)
    return 0


def _keys(args) -> int:
    from ._authoring import build_keys
    from ._release import masters
    todo = masters(course_root() / "notebooks")
    if args.notebooks:
        todo = [p for p in todo if p.stem in args.notebooks or p.name in args.notebooks]
    for path in todo:
        print(f"recorded {build_keys(path).name}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help="build trainee notebooks and lesson pages from the masters")
    p.add_argument("--out", default="build/trainee")
    p.set_defaults(run=_release)
    p = sub.add_parser("workspace", help="refresh the trainee workspace; never overwrites your changes")
    p.add_argument("--dir", default="workspace")
    p.add_argument("--release", default="build/trainee")
    p.set_defaults(run=_workspace)
    p = sub.add_parser("keys", help="(authors) run the masters and record expected answers")
    p.add_argument("notebooks", nargs="*")
    p.set_defaults(run=_keys)
    args = parser.parse_args(argv)
    return args.run(args)
