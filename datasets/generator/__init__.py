"""The dataset families that datasets/generate.py builds: the one list of them, in build order.

Each family module has the same two names: ``SCHEMA``, the datasets it writes (name, description,
tables and their columns: the only place a dataset's name is written), and ``build()``, which returns
those tables as DataFrames keyed by file name.
"""
from . import candidates, complaints_customers, contact_centre, service_process, servqual
from .common import SEED, Dataset, Table, rng_for, seeded, write_dataset

FAMILIES = (complaints_customers, servqual, service_process, candidates, contact_centre)

__all__ = ["FAMILIES", "SEED", "Dataset", "Table", "rng_for", "seeded", "write_dataset"]
