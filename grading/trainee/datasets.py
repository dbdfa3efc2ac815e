"""load_dataset(name): the course's CSV files as pandas DataFrames, dates parsed."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..core.i18n import _, listed
from ..core.paths import datasets_dir


class DatasetNotFound(FileNotFoundError):
    pass


@lru_cache(maxsize=None)
def _schema(folder: Path) -> dict:
    import yaml
    path = folder / "schema.yml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _date_columns(schema: dict, table: str) -> list[str]:
    """Datetime columns of one table. The layout is `datasets/generate.py`'s:
    files: {<table>.csv: {columns: {<name>: {type: ..., ...}}}}."""
    columns = schema.get("files", {}).get(f"{table}.csv", {}).get("columns", {})
    return [name for name, col in columns.items() if col.get("type") == "datetime"]


def load_dataset(name: str, table: str | None = None):
    """Read `datasets/<name>/<table or name>.csv`; datetime columns come parsed."""
    import pandas as pd
    folder = datasets_dir() / name
    table = table or name
    path = folder / f"{table}.csv"
    if not path.exists():
        if folder.is_dir():
            tables = listed(sorted(p.stem for p in folder.glob("*.csv")))
            raise DatasetNotFound(_("Dataset {name} has no table {table}; its tables are: {tables}. "
                                    "Use load_dataset({name}, \"<table>\").").format(
                name=repr(name), table=repr(table), tables=tables))
        names = listed(sorted({p.parent.name for p in datasets_dir().glob("*/*.csv")})) or _("none found")
        raise DatasetNotFound(_("There is no dataset {name} in {folder}. Datasets: {names}.").format(
            name=repr(name), folder=datasets_dir(), names=names))
    frame = pd.read_csv(path, encoding="utf-8")
    for col in _date_columns(_schema(folder), table):
        if col in frame.columns:
            frame[col] = pd.to_datetime(frame[col], errors="coerce")
    return frame
