"""The run's one progress display: a line redrawn on a terminal, status lines in a log."""
from __future__ import annotations

import io

from grading.core import i18n
from grading.grader.progress import Progress, duration


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_log_gets_each_problem_and_a_status_line_per_tenth():
    log = io.StringIO()
    progress = Progress(20, stream=log)
    for i in range(20):
        progress(f"t{i:02d} 01-x", "the kernel died in cell 3" if i == 4 else None)
    progress.close()
    lines = log.getvalue().splitlines()
    assert "t04 01-x: the kernel died in cell 3" in lines
    status = [line for line in lines if "graded" in line]
    assert len(status) == 11  # the first result, then every tenth
    assert status[-1].endswith("20/20 graded · 1 with problems")
    assert "left" in status[0] and status[0].startswith("[█")


def test_a_terminal_gets_one_line_redrawn_and_quiet_gets_nothing():
    screen = Terminal()
    progress = Progress(3, stream=screen)
    for i in range(3):
        progress(f"t{i}", None if i else "a note")
    progress.close()
    text = screen.getvalue()
    assert text.count("\n") == 2  # the problem's line and the final newline: the status is redrawn in place
    assert text.rstrip().endswith("3/3 graded · 1 with problems") and "\r\x1b[K" in text
    quiet = Terminal()
    Progress(3, quiet=True, stream=quiet)("t0", "a note")
    assert quiet.getvalue() == ""


def test_time_left_reads_naturally_in_both_languages():
    assert [duration(s) for s in (42, 130, 7300)] == ["42 s", "2 min 10 s", "2 h 1 min"]
    with i18n.use("zh-CN"):
        assert duration(130) == "2分10秒"
        assert Progress(5).status().startswith("[░") and "已评分0/5" in Progress(5).status()
