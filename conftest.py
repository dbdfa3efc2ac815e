"""Shared test set-up (root level so nbval runs over notebooks/ get it too)."""
import os
import tempfile

# Kernels started by nbval and nbclient inherit this environment: their answers
# files land in a scratch folder, never beside the committed masters.
os.environ.setdefault("GRADING_ANSWERS_DIR", tempfile.mkdtemp(prefix="answers-"))
os.environ.setdefault("PYTHONHASHSEED", "0")
