"""Mutation testing of the notebooks: see mutation/README.md. Not part of emlib."""
from .catalogue import MUTANTS, all_mutants, install, uninstall  # noqa: F401
