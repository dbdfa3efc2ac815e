"""The instructor's grader: run a class's notebooks in sandboxed kernels and judge them.

Public API (what the command line, tests and benchmarks use):

    from grading.grader import grade, Options, Limits, write_outputs
    summary = grade(Options(Path("submissions"), Path("grades")))

Never imported by trainee code.  `inkernel/` holds the only code that runs inside
a submission's kernel (the sandbox launcher and the answer extractor); it imports
nothing from `grading`.
"""
from __future__ import annotations

from .execute import Limits
from .gradebook import GradeError, write_outputs
from .rubric import RubricError, export as export_rubric, merge as merge_rubric, override
from .run import Options, Summary, grade

__all__ = ["grade", "Options", "Limits", "Summary", "GradeError", "write_outputs",
           "export_rubric", "merge_rubric", "RubricError", "override"]
