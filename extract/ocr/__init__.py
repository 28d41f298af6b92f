"""OCR for scanned budget disclosures and page images.

`detect.needs_ocr_content` decides per page; `content.ocr_page_content` turns a page into
the same `PageContent` (pseudo-chars + ruling segments) that the digital reader makes;
`images` groups page-image files into documents. The parser (`extract.parse.document`)
wires them in.

Nothing here imports rapidocr, numpy or OpenCV at package import time (`content` and
`page` need numpy and are imported where used; `engine.RapidOcrEngine` loads rapidocr
lazily), so a broken OCR install fails only the pages that need OCR, with a message naming the fix.
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
