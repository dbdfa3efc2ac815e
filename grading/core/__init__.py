"""The judging core: canonical data, comparison rules, widget models, keys, statuses.

Runs in two places, the trainee's kernel and the instructor's grader, so both
reach the same verdict.  Nothing here imports the trainee, authoring or grader
parts of the package.
"""
