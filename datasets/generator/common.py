"""What every dataset family shares: the seed, column specs, small helpers and the one writer.

The writer is here, not in generate.py, so that the layout of schema.yml is defined in one place.
"""
from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import yaml

SEED = 20261123
_drawing = {"seed": SEED}  # the seed being drawn with now: SEED, or another inside `seeded()`
DT_FMT = "%Y-%m-%d %H:%M:%S"
DATE_FMT = "%Y-%m-%d"


class Table(NamedTuple):
    """One CSV file of a dataset, as its schema.yml describes it."""
    file: str
    description: str
    columns: dict  # column name -> col() spec, in the file's column order


class Dataset(NamedTuple):
    """One folder datasets/<name>/: its tables and their description."""
    name: str
    description: str
    tables: tuple


@contextlib.contextmanager
def seeded(seed: int):
    """Draw every dataset again with another seed inside this block: same tables, columns and
    story, other numbers (fresh-data grading runs each submission on such a variant)."""
    previous, _drawing["seed"] = _drawing["seed"], int(seed)
    try:
        yield
    finally:
        _drawing["seed"] = previous


def rng_for(name: str) -> np.random.Generator:
    """A generator that depends only on the seed (SEED unless `seeded`) and the dataset name."""
    h = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence([_drawing["seed"], h]))


def col(type_, description, unit=None, nullable=False, allowed=None, min=None, max=None, fmt=None):
    """One column's entry in schema.yml (key order is the order written)."""
    spec = {"type": type_, "unit": unit, "nullable": bool(nullable)}
    if allowed is not None:
        spec["allowed"] = list(allowed)
    if min is not None:
        spec["min"] = min
    if max is not None:
        spec["max"] = max
    if fmt is not None:
        spec["format"] = fmt
    spec["description"] = description
    return spec


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def ts_str(values) -> list:
    """Timestamps -> 'YYYY-MM-DD HH:MM:SS' strings; missing values -> ''."""
    out = []
    for v in values:
        out.append("" if pd.isna(v) else pd.Timestamp(v).strftime(DT_FMT))
    return out


def choice(rng, labels, p, size):
    """`size` draws from `labels` with weights `p` (normalised here); strings come back as objects."""
    p = np.asarray(p, dtype=float)
    idx = rng.choice(len(labels), size=size, p=p / p.sum())
    arr = np.asarray(labels)
    if arr.dtype.kind in "USO":
        arr = arr.astype(object)
    return arr[idx]


def write_dataset(out_dir: Path, dataset: Dataset, frames: dict) -> list:
    """Write datasets/<name>/*.csv and schema.yml; return the paths written, relative to `out_dir`.

    `frames` maps each table's file name to its DataFrame.
    """
    folder = Path(out_dir) / dataset.name
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"dataset": dataset.name, "description": dataset.description, "generator": "datasets/generate.py",
           "seed": _drawing["seed"], "licence": "CC BY 4.0 (synthetic data)", "files": {}}
    written = []
    for table in dataset.tables:
        df = frames[table.file]
        assert list(df.columns) == list(table.columns), (table.file, list(df.columns), list(table.columns))
        df.to_csv(folder / table.file, index=False, lineterminator="\n", encoding="utf-8")
        written.append(f"{dataset.name}/{table.file}")
        doc["files"][table.file] = {"description": table.description, "rows": int(len(df)),
                                    "columns": table.columns}
    with open(folder / "schema.yml", "w", encoding="utf-8", newline="\n") as fh:
        yaml.safe_dump(doc, fh, sort_keys=False, allow_unicode=True, width=100)
    written.append(f"{dataset.name}/schema.yml")
    return written
