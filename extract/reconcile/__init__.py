"""Reconciliation: arithmetic identities within and between a document's tables, and rules on
what a disclosure must print (completeness, years, placeholders, 绩效 scores).

Importing the package registers every built-in check; `run_checks(doc)` runs them.
"""

from extract.reconcile import (  # noqa: F401 - registers
    completeness,
    cross_checks,
    dates,
    narrative,
    narrative_lists,
    numbering,
    performance,
    punctuation,
    stated,
    summary_checks,
    table_checks,
    three_public,
    titles,
)
from extract.reconcile.engine import CheckSpec, Verdict, check, registered_checks, run_checks

__all__ = ["CheckSpec", "Verdict", "check", "registered_checks", "run_checks"]
