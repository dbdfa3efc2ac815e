"""A Python kernel whose heavy imports are done before anyone asks for it.

Run by path, never as `python -m grading...`: importing the course package before
the kernel exists would skip the set-up it does when a notebook imports it (its
cell hooks, the plain echo of answers), so only third-party libraries are loaded
here.  The pool (`pool.py`) starts this script ahead of time; it imports, then
waits on stdin for one line of JSON naming the kernel it must become (the
arguments, working folder and environment that Jupyter chose for this notebook),
and from there on it is an ordinary ipykernel, as `python -m ipykernel_launcher`
would start it.  Stdin closed without a line: it exits.
"""
import json
import os
import sys

del sys.path[0]  # this script's folder; ipykernel's launcher likewise drops its start folder

# Exactly what a notebook's first cell imports, in the order it needs them.  ipykernel
# sets this backend when the kernel starts; matplotlib reads it on import, so set it first.
os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
PRELOAD = ("ipykernel.kernelapp", "numpy", "pandas", "matplotlib.pyplot", "seaborn", "ipywidgets", "yaml",
           "babel.support")


def preload() -> None:
    import importlib
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:  # an environment without one of them still gets a kernel
            pass
    warm_renderer()


def warm_renderer() -> None:
    """Draw a throwaway figure (no pyplot state): fonts and the renderer are loaded before the first chart."""
    try:
        from io import BytesIO
        from matplotlib.figure import Figure
    except ImportError:
        return
    fig = Figure(figsize=(2, 2))
    ax = fig.subplots()
    ax.bar(["a", "b"], [1, 2])
    ax.set_title("Warm")
    fig.savefig(BytesIO(), format="png")


def become_kernel(request: dict) -> None:
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    import ipykernel_launcher
    from ipykernel.kernelapp import IPKernelApp
    sys.argv = [ipykernel_launcher.__file__, *request["argv"]]
    app = IPKernelApp.instance()
    app.initialize()
    if "ipywidgets" in sys.modules:  # imported before the kernel existed: register as its import would have
        sys.modules["ipywidgets"]._handle_ipython()
    app.start()


if __name__ == "__main__":
    preload()
    line = sys.stdin.readline()
    if not line.strip():
        sys.exit(0)
    become_kernel(json.loads(line))
