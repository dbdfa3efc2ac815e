"""Every status an answer can have, with the label and colour people see for it.

One table for the notebook's check line, the widgets, the feedback pages and the
class report, so a status never reads differently in two places.
"""
from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_, _

CORRECT, PARTIAL, INCORRECT, UNANSWERED, INVALID = "correct", "partial", "incorrect", "unanswered", "invalid"
SUBMITTED = "submitted"   # saved for a person to grade (reflections, forms)
ERROR = "error"           # check() could not run: unknown id, wrong kind of exercise
# Only the grader gives these:
NOT_FOUND = "missing"     # the answer variable was not in the notebook (written "missing" in gradebooks)
NOT_RUN = "not-run"       # the notebook could not be run far enough to read the answer
GRADED = "graded"         # a person set the points with the rubric
JUDGE_FAILED = "grader-error"  # the judge could not handle the answer: the grader's problem, graded by hand


@dataclass(frozen=True)
class Status:
    value: str
    label: str             # in the notebook (check line, widget feedback); English, shown with _()
    colour: str            # border / text colour
    background: str = "#f5f5f5"
    page_label: str = ""   # on feedback pages, where it differs from `label`

    @property
    def feedback_label(self) -> str:
        return self.page_label or self.label

    @property
    def shown_label(self) -> str:
        """`label` in the reader's language."""
        return _(self.label)

    @property
    def shown_feedback_label(self) -> str:
        """`feedback_label` in the reader's language."""
        return _(self.feedback_label)


STATUSES = {s.value: s for s in (
    Status(CORRECT, N_("✔ Correct"), "#2e7d32", "#e8f5e9"),
    Status(PARTIAL, N_("◐ Partly right"), "#f9a825", "#fffde7"),
    Status(INCORRECT, N_("✘ Not yet"), "#c62828", "#ffebee"),
    Status(UNANSWERED, N_("○ Not answered"), "#9e9e9e", "#f5f5f5"),
    Status(INVALID, N_("⚠ Check your answer"), "#ef6c00", "#fff3e0"),
    Status(SUBMITTED, N_("✎ Saved"), "#1565c0", "#e3f2fd", page_label=N_("✎ To be graded by hand")),
    Status(ERROR, N_("⚠ Check failed"), "#ef6c00", "#fff3e0"),
    Status(NOT_FOUND, N_("✘ Variable not found"), "#c62828", "#ffebee"),
    Status(NOT_RUN, N_("⚠ Not graded"), "#ef6c00", "#fff3e0"),
    Status(GRADED, N_("✎ Graded by hand"), "#1565c0", "#e3f2fd"),
    Status(JUDGE_FAILED, N_("⚠ Grader problem"), "#6a1b9a", "#f3e5f5", page_label=N_("⚠ To be graded by hand")),
)}

NOT_ANSWERED = (UNANSWERED, NOT_FOUND, NOT_RUN)   # counted as "not answered" in the class report
WRONG = (INCORRECT, PARTIAL, INVALID)             # values worth listing as common wrong answers


def status(value: str) -> Status:
    """The entry for a status; an unknown one shows as itself, like an error."""
    return STATUSES.get(value) or Status(value, value, "#333", STATUSES[ERROR].background)
