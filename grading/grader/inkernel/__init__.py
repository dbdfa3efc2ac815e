"""Code that runs INSIDE a submission's kernel, never imported by the grader itself.

`sandbox.py` is started as a script (the kernel launcher with resource limits);
`extract.py` is sent as source text, with `core/canon.py`, after the trainee's cells.
Neither imports anything from `grading`: the trainee's code may have replaced it.
"""
