"""Authoring and delivery: master -> trainee release, the hand-out folder, the trainee
workspace, and recording expected answers from the masters.  Runs on the author's or
instructor's machine, never inside a submission's kernel.
"""
