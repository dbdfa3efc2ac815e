"""Shared test set-up: answers files go to a throwaway folder, hashing is fixed."""
import os
import tempfile

# Kernels started by nbval and nbclient inherit this environment: their answers
# files land in a scratch folder, never beside the committed masters.
os.environ.setdefault("GRADING_ANSWERS_DIR", tempfile.mkdtemp(prefix="answers-"))
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("MPLBACKEND", "Agg")
