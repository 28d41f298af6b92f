"""BudgetLens: Chinese public budget disclosures → verified, structured data."""

__version__ = "0.1.0"
