"""OCR groundwork for scanned budget disclosures.

Nothing here imports rapidocr at module import time: `engine.RapidOcrEngine` loads it
lazily, so the base package works without the `ocr` extra installed.
"""

from extract.ocr.detect import OcrDecision, needs_ocr
from extract.ocr.engine import OcrEngine, OcrLine, OcrUnavailableError, RapidOcrEngine
from extract.ocr.numbers import NormalizedAmount, normalize_amount

__all__ = [
    "NormalizedAmount",
    "OcrDecision",
    "OcrEngine",
    "OcrLine",
    "OcrUnavailableError",
    "RapidOcrEngine",
    "needs_ocr",
    "normalize_amount",
]
