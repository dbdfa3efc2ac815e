"""One progress display for a grading run, local or on a cluster.

On a terminal: a single line redrawn in place (a bar, notebooks graded, how many
had problems, time left), with each problem printed above it as it happens.
Elsewhere (a log file, CI): the problems, and the status line at every tenth of
the run and at least every 30 seconds.  `--quiet`: nothing.
"""
from __future__ import annotations

import sys
import time

from ..core.i18n import _, ngettext

WIDTH = 24          # characters of the bar
REDRAW = 0.1        # seconds between redraws on a terminal
LOG_EVERY = 30.0    # seconds between status lines in a log


def duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return _("{seconds} s").format(seconds=seconds)
    if seconds < 3600:
        return _("{minutes} min {seconds} s").format(minutes=seconds // 60, seconds=seconds % 60)
    return _("{hours} h {minutes} min").format(hours=seconds // 3600, minutes=seconds // 60 % 60)


class Progress:
    def __init__(self, total: int, quiet: bool = False, stream=None):
        self.total, self.quiet, self.stream = total, quiet, stream or sys.stdout
        self.done = self.failed = 0
        self.start = self.shown = time.monotonic()
        self.tty = not quiet and self.stream.isatty()
        self.logged = -1  # the last tenth of the run a status line was logged for

    def __call__(self, label: str, problem: str | None = None) -> None:
        """One notebook graded: `label` names it; `problem` is its first gradebook note, if any."""
        self.done += 1
        self.failed += problem is not None
        if self.quiet:
            return
        if problem is not None:
            self._print(f"{label}: {problem}")
        now = time.monotonic()
        if self.tty:
            if now - self.shown >= REDRAW or self.done == self.total:
                self.shown = now
                self.stream.write("\r\x1b[K" + self.status())
                self.stream.flush()
        elif self.done * 10 // max(1, self.total) > self.logged or now - self.shown >= LOG_EVERY \
                or self.done == self.total:
            self.logged, self.shown = self.done * 10 // max(1, self.total), now
            self._print(self.status())

    def status(self) -> str:
        filled = WIDTH * self.done // max(1, self.total)
        bar = "█" * filled + "░" * (WIDTH - filled)
        parts = [_("{done}/{total} graded").format(done=self.done, total=self.total),
                 ngettext("{count} with problems", "{count} with problems", self.failed).format(count=self.failed)]
        if self.done < self.total:
            elapsed = time.monotonic() - self.start
            parts.append(_("about {time} left").format(time=duration(elapsed / self.done * (self.total - self.done)))
                         if self.done else _("starting"))
        return f"[{bar}] " + " · ".join(parts)

    def _print(self, line: str) -> None:
        if self.tty:
            line = "\r\x1b[K" + line + "\n" + self.status()
        else:
            line += "\n"
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
