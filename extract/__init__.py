"""BudgetLens: Chinese public budget disclosures → verified, structured data."""

import sys

__version__ = "0.1.0"

# pymupdf ≥ 2.0 imports its optional layout analyser (`pymupdf.layout`, which loads an ONNX model) whenever
# pymupdf itself is imported: 0.6 s and ~56 MiB in every process (each command, the batch driver, its
# forkserver). BudgetLens reads layout itself and never calls `Page.get_layout`, the only user of that model,
# so the import is skipped; pymupdf treats it as not installed. A process that imported it earlier keeps it.
sys.modules.setdefault("pymupdf.layout", None)
