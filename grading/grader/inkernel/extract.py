"""Runs INSIDE a trainee's kernel, after the trainee's cells: answers out as data.

The grader loads this file and `core/canon.py` as source text under private module
names, so a notebook that monkeypatched `grading` (its checks or its
canonicaliser) changes nothing here.  Each answer variable is turned into plain
data and written as one JSON line, at once, to a file the grader chose: if one
value hangs or crashes while being read, the answers before it are kept.

JSON is written by the small writer below (not the `json` module, which the
trainee's code could have replaced).  The result is re-read and judged in the
grader's own process; nothing here decides a score.
"""

_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _dump(x) -> str:
    t = type(x)
    if x is None:
        return "null"
    if x is True:
        return "true"
    if x is False:
        return "false"
    if t is int:
        return int.__repr__(x)
    if t is float:
        return float.__repr__(x) if x == x and x not in (float("inf"), float("-inf")) else "null"
    if t is str:
        return '"' + "".join(_ESC.get(c) or (c if c >= " " else "\\u%04x" % ord(c)) for c in x) + '"'
    if t is list or t is tuple:
        return "[" + ",".join(_dump(v) for v in x) + "]"
    if t is dict:
        return "{" + ",".join(_dump(str.__str__(str(k))) + ":" + _dump(v) for k, v in x.items()) + "}"
    return _dump(str.__str__(str(x)))  # anything odd a trainee object slipped into the data


def _user_names(ns) -> list:
    """Names the trainee defined (to suggest a renamed variable), without modules and functions."""
    import types
    skip = (types.ModuleType, types.FunctionType, type)
    return sorted(k for k, v in list(ns.items())
                  if not k.startswith("_") and k not in ("In", "Out", "exit", "quit", "get_ipython")
                  and not isinstance(v, skip))[:500]


def _describe(exc) -> str:
    try:
        return type(exc).__name__ + ": " + str.__str__(str(exc))[:200]
    except BaseException:  # an exception whose str() fails as well
        return type(exc).__name__


def extract(ns, names, to_data, out_path) -> None:
    """Write {"name": ..., "found": bool, "data"|"error": ...} per answer variable, one line each."""
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(_dump({"names": _user_names(ns)}) + "\n")
        fh.flush()
        for name in names:
            if name not in ns:
                text = _dump({"name": name, "found": False})
            else:
                try:
                    text = _dump({"name": name, "found": True, "data": to_data(ns[name])})
                except BaseException as exc:  # a broken trainee object must not stop the others
                    text = _dump({"name": name, "found": True, "error": _describe(exc)})
            fh.write(text + "\n")
            fh.flush()
        fh.write(_dump({"done": True}) + "\n")
