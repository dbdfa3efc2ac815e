"""Turn any answer into plain, JSON-ready data.

Judging works on this data only, never on the trainee's objects: a value that
fakes equality (a str subclass whose __eq__ says True) becomes a plain string
here, and the grader can judge answers in its own process from JSON.
"""
from __future__ import annotations

import math
import numbers

MAX_CELLS = 50_000  # bigger answers are summarised, not copied


def _is_bool(x) -> bool:
    return isinstance(x, bool) or (type(x).__module__ == "numpy" and type(x).__name__ in ("bool", "bool_"))


def _scalar(x):
    """A plain Python scalar for numbers, text, booleans, dates and missing values."""
    if x is None or x is Ellipsis:
        return None
    if _is_bool(x):
        return bool(x)
    if isinstance(x, numbers.Integral):
        return int(x)
    if isinstance(x, numbers.Real):
        f = float(x)
        return None if math.isnan(f) else (f if math.isfinite(f) else str(f))
    if isinstance(x, str):
        return str.__str__(x)
    if hasattr(x, "isoformat"):
        try:
            if x != x:  # NaT
                return None
        except (TypeError, ValueError):
            pass
        return x.isoformat()
    if type(x).__name__ in ("NAType", "NaTType"):
        return None
    return str(x)


def _labels(index) -> list:
    return [_scalar(v) if not isinstance(v, tuple) else " / ".join(str(_scalar(p)) for p in v)
            for v in index]


def to_data(value) -> dict:
    """Describe `value` as {"kind": ..., ...} with only JSON types inside."""
    if value is Ellipsis or value is None:
        return {"kind": "missing"}
    mod = type(value).__module__ or ""
    if mod.startswith("pandas"):
        return _pandas(value)
    if mod.startswith("numpy") and hasattr(value, "tolist") and getattr(value, "ndim", 0) > 0:
        return {"kind": "list", "items": [_scalar(v) for v in value.ravel().tolist()][:MAX_CELLS]}
    if _is_bool(value):
        return {"kind": "bool", "value": bool(value)}
    if isinstance(value, numbers.Real):
        return {"kind": "number", "value": _scalar(value)}
    if isinstance(value, str):
        return {"kind": "text", "value": str.__str__(value)}
    if isinstance(value, dict):
        keys = list(value)[:MAX_CELLS]
        return {"kind": "mapping", "keys": [_scalar(k) for k in keys],
                "values": [_nested(value[k]) for k in keys]}
    if isinstance(value, (set, frozenset)):
        items = [_scalar(v) for v in value]
        return {"kind": "set", "items": sorted(items, key=lambda v: (str(type(v)), str(v)))}
    if isinstance(value, (list, tuple, range)):
        return {"kind": "list", "items": [_nested(v) for v in list(value)[:MAX_CELLS]]}
    return {"kind": "other", "type": type(value).__name__, "repr": _safe_repr(value)}


def _nested(v):
    """Inside lists and dicts keep scalars plain; containers become lists."""
    if isinstance(v, (list, tuple, set, frozenset)):
        return [_nested(x) for x in v]
    if isinstance(v, dict):
        return {str(_scalar(k)): _nested(x) for k, x in v.items()}
    return _scalar(v)


def _pandas(value) -> dict:
    name = type(value).__name__
    if name == "Series":
        return {"kind": "series", "name": _scalar(value.name) if value.name is not None else None,
                "index": _labels(value.index[:MAX_CELLS]),
                "values": [_scalar(v) for v in value.iloc[:MAX_CELLS].tolist()]}
    if name == "DataFrame":
        rows = max(1, MAX_CELLS // max(1, value.shape[1]))
        part = value.iloc[:rows]
        data = {"kind": "frame", "columns": _labels(value.columns),
                "index": _labels(part.index),
                "index_names": [_scalar(n) for n in value.index.names],
                "data": [[_scalar(v) for v in part[c].tolist()] for c in value.columns]
                if value.columns.is_unique else
                [[_scalar(v) for v in part.iloc[:, i].tolist()] for i in range(value.shape[1])],
                "rows": int(value.shape[0])}
        if part.index.nlevels > 1:  # each level apart too: a key may sit in a (branch, dimension) index
            data["index_levels"] = [[_scalar(v) for v in part.index.get_level_values(i).tolist()]
                                    for i in range(part.index.nlevels)]
        return data
    if "Index" in name:
        return {"kind": "list", "items": _labels(value[:MAX_CELLS])}
    if name in ("Timestamp", "Timedelta"):
        return {"kind": "text", "value": str(value)}
    return {"kind": "other", "type": name, "repr": _safe_repr(value)}


def _safe_repr(value) -> str:
    try:
        return repr(value)[:300]
    except Exception as exc:  # a broken __repr__ must not break checking
        return f"<{type(value).__name__}: repr failed ({type(exc).__name__})>"
