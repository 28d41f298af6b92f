"""Reconciliation: arithmetic identities within and between a document's tables.

Importing the package registers every built-in check; `run_checks(doc)` runs them.
"""

from extract.reconcile import cross_checks, summary_checks, table_checks, three_public  # noqa: F401 - registers
from extract.reconcile.engine import CheckSpec, check, registered_checks, run_checks

__all__ = ["CheckSpec", "check", "registered_checks", "run_checks"]
