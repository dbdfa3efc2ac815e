"""Runs INSIDE a trainee's kernel: the notebook's cells one after another, in one request.

One request for the whole notebook instead of one per cell saves a round trip per
cell, about a fifth of a module's grading time.  The grader follows along in a
progress file it chose: a line `{"start": i}` before cell i and `{"end": i, ...}`
after it, so it can interrupt a cell that runs too long and knows in which cell a
kernel died.  Before each cell a marker goes out with the kernel's messages, so the
grader counts each cell's output on its own.

Cells run silently (no echo of the last expression is formatted: nobody reads it)
and without history.  A cell with a top-level `await` needs the kernel's own event
loop, which this request is already running: the driver stops before it (a line
`{"alone": i}`) and the grader sends that cell on its own, then the rest.  The grader loads this file as source text under a private
name: nothing here may import from `grading`, which the notebook may have changed.
"""

MARKER = "application/x-ck-cell"


def run(shell, cells, progress_path):
    """Run each (index, source) in `cells` in the notebook's namespace; never raises for a cell.
    True when every cell ran, False when it stopped before one that needs the event loop."""
    import os

    fd = os.open(progress_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    run_cell, publish = shell.run_cell, shell.display_pub.publish  # taken before any cell can replace them

    def note(line):
        os.write(fd, (line + "\n").encode("utf-8", "replace"))

    position, ran = 0, False
    try:
        while position < len(cells):
            # An interrupt meant for a cell that had just finished lands here: carry on with the
            # next cell (or this one, if it had not started).
            try:
                index, source = cells[position]
                if not ran and _needs_loop(shell, source):
                    note('{"alone":%d}' % index)
                    return False
                if not ran:
                    publish(data={MARKER: str(index)}, metadata={})
                    note('{"start":%d}' % index)
                    ran = True
                    result = run_cell(source, store_history=False, silent=True)
                    error = result.error_before_exec or result.error_in_exec
                    if error is None:
                        note('{"end":%d}' % index)
                    else:
                        note('{"end":%d,"ename":%s,"evalue":%s}' % (
                            index, _text(type(error).__name__), _text(_said(error)[:300])))
                position, ran = position + 1, False
            except KeyboardInterrupt:
                if ran:
                    note('{"end":%d}' % cells[position][0])
                    position, ran = position + 1, False
        note('{"cells_done":true}')
        return True
    finally:
        os.close(fd)


def _needs_loop(shell, source):
    """Does IPython run this cell as a coroutine (a top-level `await`)?"""
    try:
        transformed = shell.transform_cell(source)
        return bool(shell.should_run_async(source, transformed_cell=transformed, preprocessing_exc_tuple=None))
    except Exception:  # a cell IPython cannot even transform fails the same way when it runs
        return False


def _said(error):
    try:
        return str.__str__(str(error))
    except Exception:  # an exception of the notebook's own that cannot say what it is
        return ""


def _text(value):
    """A JSON string (no `json` module: the notebook could have replaced it)."""
    out = []
    for c in value:
        if c in '"\\':
            out.append("\\" + c)
        elif c < " ":
            out.append("\\u%04x" % ord(c))
        else:
            out.append(c)
    return '"' + "".join(out) + '"'
