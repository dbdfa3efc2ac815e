#!/usr/bin/env python3
"""Build every course dataset from one seed, byte for byte.

Usage (from the repository root)::

    python datasets/generate.py            # (re)write datasets/<name>/...
    python datasets/generate.py --check    # rebuild in a temp dir, compare, exit 1 on any difference
    python datasets/generate.py --out DIR  # write somewhere else

Importable: ``build_all(out_dir)`` writes everything and returns the list of
files written (relative paths). Every dataset draws from its own
``numpy.random.Generator`` derived from ``SEED`` and the dataset's name, so
changing one dataset never shifts the random numbers of another.

The datasets themselves are made in ``generator/``: one module per family,
listed once in ``generator.FAMILIES``; this file only runs them.

What is written per dataset: the CSV table(s) and ``schema.yml`` (both
generated). ``DATASHEET.md`` (for trainees) and ``FINDINGS.md`` (for
instructors only) are hand-written and live beside them.
"""
from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The `generator` package sits beside this file: make it importable also when this file is loaded
# by its path (as the tests do) rather than run as a script.
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from generator import FAMILIES, SEED, rng_for, seeded, write_dataset  # noqa: E402  (needs the path above)

__all__ = ["HERE", "SEED", "build_all", "check", "main", "rng_for"]


def build_all(out_dir: Path | str = HERE, seed: int | None = None) -> list:
    """Write every dataset below `out_dir` (drawn with `seed` if given, else SEED); return the
    files written, relative to it."""
    out = Path(out_dir)
    written = []
    with seeded(SEED if seed is None else seed):
        for family in FAMILIES:
            frames = family.build()
            files = [t.file for dataset in family.SCHEMA for t in dataset.tables]
            assert sorted(frames) == sorted(files), (family.__name__, sorted(frames), sorted(files))
            for dataset in family.SCHEMA:
                written += write_dataset(out, dataset, frames)
    return written


def check(reference: Path = HERE) -> list:
    """Rebuild in a temporary directory; return the relative paths that differ from `reference`."""
    with tempfile.TemporaryDirectory() as tmp:
        written = build_all(tmp)
        bad = [rel for rel in written if not (reference / rel).exists()
               or not filecmp.cmp(Path(tmp) / rel, reference / rel, shallow=False)]
    return bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="rebuild into a temp dir and fail if anything differs")
    ap.add_argument("--out", default=str(HERE), help="output directory (default: datasets/)")
    ap.add_argument("--seed", type=int, default=None,
                    help=f"draw the data again with another seed (default: {SEED}, the course's data)")
    args = ap.parse_args(argv)
    if args.check:
        bad = check(Path(args.out))
        if bad:
            print("differs from committed files:", *bad, sep="\n  ")
            return 1
        print("all dataset files are up to date")
        return 0
    if args.seed is not None and Path(args.out).resolve() == HERE:
        ap.error("--seed writes a variant of the course data: give it another --out folder")
    for rel in build_all(args.out, args.seed):
        print("wrote", rel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
