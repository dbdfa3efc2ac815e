"""The course kit's engine: checks, widget exercises, datasets, release and grading.

In a notebook:

    from grading import check, hint, solution, show, load_dataset

Heavy libraries (pandas, ipywidgets) load only when first needed, so importing
this package stays fast.

The rooms: `core/` judges (in the trainee's kernel and in the grader alike),
`trainee/` is what these functions call, `authoring/` releases and hands out the
course, `grader/` grades a class (`grading.grader` is the instructor's API).
"""
from __future__ import annotations

import sys

__version__ = "0.1.0"
__all__ = ["check", "hint", "solution", "show", "answered", "load_dataset", "progress", "__version__"]


def check(exercise_id, value=...):
    """Check your answer to a code exercise; shows correct / not yet / not answered."""
    from .trainee.check import check as _check
    return _check(exercise_id, value)


def hint(exercise_id):
    """Show the next hint for an exercise."""
    from .trainee.check import hint as _hint
    return _hint(exercise_id)


def solution(exercise_id):
    """Show the worked solution of an exercise (self-study)."""
    from .trainee.check import solution as _solution
    return _solution(exercise_id)


def show(exercise_id):
    """Show a widget exercise (choose, sort, order, estimate, role-play, reflection)."""
    from .trainee.widgets import show as _show
    return _show(exercise_id)


def answered(*values) -> bool:
    """True when every value is filled in (not `...` or None): guard cells that build on answers.

    A trainee notebook must run to the end before anything is answered, so a demo
    cell that uses an answer starts with `if answered(x):`.
    """
    _plot_fonts()  # a guarded chart usually follows, often in a cell that imported matplotlib
    return all(v is not ... and v is not None for v in values)


def load_dataset(name, table=None):
    """Load a course dataset as a pandas DataFrame, e.g. load_dataset("complaints")."""
    from .trainee.datasets import load_dataset as _load
    return _load(name, table)


def progress(folder=None):
    """Your progress across the course modules, from the saved answers files."""
    from .trainee.progress import progress as _progress
    return _progress(folder)


def _plot_fonts() -> None:
    """Chinese labels need the course's CJK font, as soon as the notebook has matplotlib."""
    global _fonts_ready
    if not _fonts_ready and "matplotlib" in sys.modules:
        from .core.fonts import use_course_fonts
        _fonts_ready = use_course_fonts() or True


def _no_repl_redraw() -> None:
    """With the inline backend, pyplot draws every changed figure after each cell, and then the
    backend draws it again to send it: the first drawing is never seen (a fifth of a module's
    Run All). Sending is left; drawing is all it needs."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None and getattr(pyplot, "_REPL_DISPLAYHOOK", None) is getattr(
            getattr(pyplot, "_ReplDisplayHook", None), "IPYTHON", False):
        if "inline" in str(sys.modules["matplotlib"].get_backend()).lower():
            pyplot.uninstall_repl_displayhook()


def _before_each_cell(*_args) -> None:
    _plot_fonts()
    _no_repl_redraw()


_fonts_ready = False
_plot_fonts()
def _plain_echoes(shell) -> None:
    """An answer cell echoes `0.68`, not `np.float64(0.68)`; an unanswered one says so, not `Ellipsis`."""
    from .core.i18n import _
    text = shell.display_formatter.formatters["text/plain"]
    text.singleton_printers[id(...)] = lambda _obj, p, _cycle: p.text(_("... (not answered yet)"))
    plain = lambda obj, p, _cycle: p.text(repr(obj.item()))  # noqa: E731
    for name in ("float64", "float32", "int64", "int32", "bool"):  # numpy's scalars, by exact type
        if "numpy" in sys.modules:  # IPython may already hold a float64 printer of its own
            text.for_type(getattr(sys.modules["numpy"], name), plain)
        else:
            text.for_type_by_name("numpy", name, plain)


if "IPython" in sys.modules:  # in a notebook
    _shell = sys.modules["IPython"].get_ipython()
    if _shell is not None and hasattr(_shell, "display_formatter"):
        _shell.events.register("pre_run_cell", _before_each_cell)  # matplotlib imported in a later cell
        _plain_echoes(_shell)
