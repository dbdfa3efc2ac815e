"""What runs in the trainee's kernel: check(), the widgets, progress(), the answers file, datasets.

`grading/__init__.py` is the notebook's front door; it imports these lazily.
"""
