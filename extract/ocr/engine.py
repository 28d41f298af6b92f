"""OCR engine interface and the RapidOCR (PP-OCR on onnxruntime) implementation.

RapidOCR 3.10.0 ships its default models inside the wheel (``rapidocr/models``):
PP-OCRv6 *small* detection and recognition (multilingual incl. Chinese) and the
PP-OCRv4-era ``ch_ppocr_mobile_v2.0_cls`` direction classifier. Its loader only
downloads when a model file is missing, so we pass explicit ``model_path`` values for
the bundled files, refuse to start if one is missing, and additionally replace
rapidocr's downloader with one that raises while we construct and call the engine.
No network access is ever attempted.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

PixelBBox = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in pixels of the image given to the engine, origin top-left."""

DET_MODEL = "PP-OCRv6_det_small.onnx"
REC_MODEL = "PP-OCRv6_rec_small.onnx"
CLS_MODEL = "ch_ppocr_mobile_v2.0_cls_mobile.onnx"
REC_HEIGHT = 48
"""The line height the PP-OCRv6 recogniser reads at (rapidocr's ``Rec.rec_img_shape``)."""


REINSTALL_OCR = (
    "reinstall BudgetLens (pip install --force-reinstall budgetlens): "
    "rapidocr, onnxruntime and opencv-python-headless are part of its default install"
)


class OcrUnavailableError(RuntimeError):
    """rapidocr/onnxruntime is not installed, or its bundled models are missing."""


@dataclass(frozen=True)
class CharBox:
    """Where the recogniser put one character of a line: its left and right edge in pixels.

    From the CTC decoder's time steps (rapidocr's ``return_single_char_box``), so good to a
    step (≈ 2–3 px on a 200-dpi page): enough to tell which side of a ruling a digit is on.
    """

    text: str
    x0: float
    x1: float


@dataclass(frozen=True)
class OcrLine:
    """One detected text line.

    ``bbox`` is the axis-aligned hull of ``quad`` (the detector's 4 corner points,
    clockwise from top-left), both in pixel coordinates. ``chars``: the non-space
    characters of ``text`` with their positions, when the engine gives them (empty otherwise).
    """

    text: str
    bbox: PixelBBox
    confidence: float
    quad: tuple[tuple[float, float], ...] = ()
    chars: tuple[CharBox, ...] = ()


@dataclass
class OcrTimings:
    """Seconds spent in the last `read` call, as reported by rapidocr."""

    det: float = 0.0
    rec: float = 0.0
    total: float = 0.0


class OcrEngine(Protocol):
    """Anything that turns an RGB image into text lines."""

    def read(self, image: np.ndarray) -> list[OcrLine]:
        """Read an RGB ``uint8`` array of shape (h, w, 3) (or a grey (h, w) array)."""
        ...


@runtime_checkable
class CropRecognizer(Protocol):
    """An engine that can also read crops that each hold one line (no detection)."""

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """(text, confidence) per crop, in order."""
        ...


def _models_dir() -> Path:
    try:
        import rapidocr
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise OcrUnavailableError(f"rapidocr is not installed; {REINSTALL_OCR}") from exc
    return Path(rapidocr.__file__).resolve().parent / "models"


@contextlib.contextmanager
def _downloads_forbidden() -> Iterator[None]:
    """Make any rapidocr download attempt fail loudly instead of touching the network."""
    from rapidocr.utils import download_file

    def _refuse(cls: Any, params: Any) -> None:
        raise OcrUnavailableError(
            f"rapidocr tried to download {getattr(params, 'file_url', '?')}; BudgetLens only uses the models bundled in the wheel"
        )

    original = download_file.DownloadFile.__dict__["run"]
    download_file.DownloadFile.run = classmethod(_refuse)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        download_file.DownloadFile.run = original  # type: ignore[method-assign]


@dataclass
class RapidOcrEngine:
    """PP-OCRv6 small det+rec via rapidocr, direction classifier off.

    The classifier is off on purpose: on these documents it flipped and dropped lines.
    Page-level orientation is handled in `extract.ocr.page` instead.

    ``max_side_len`` caps the long side rapidocr resizes the input to before detection
    (rapidocr's default is 2000 px; an A4 page at 200 dpi is 2339 px tall).
    """

    max_side_len: int = 2400
    det_limit: int | None = 1280
    """Cap on the long side of the *detector's* input (rapidocr ``Det.limit_type: max``);
    recognition still crops from the full-resolution image. 1280 px takes a quarter of the
    detection time of a full 200-dpi A4 page (1600 px: half) with the same line items at every
    defect level (scripts/bench_scans.py); a 9-pt line is still ≈ 14 px tall there. None:
    rapidocr's default (upscale to a short side of 736 px, never downscale)."""
    rec_min_width: int = 96
    """Narrowest input of the recogniser (px, at its line height of 48): each batch of crops is padded to
    the widest of them, but to no less than this. rapidocr's 320 pads a dense table's short cells
    ("30101", "607865.66") to several times their width; 96 reads the same text in half the
    recognition time (scripts/bench_scans.py, the seed render's 公开表)."""
    text_score: float = 0.5
    threads: int | None = None
    last_timings: OcrTimings = field(default_factory=OcrTimings, init=False)
    _ocr: Any = field(default=None, init=False, repr=False)

    def model_paths(self) -> dict[str, Path]:
        root = _models_dir()
        return {"det": root / DET_MODEL, "rec": root / REC_MODEL, "cls": root / CLS_MODEL}

    def _params(self) -> dict[str, Any]:
        paths = self.model_paths()
        missing = [str(p) for p in paths.values() if not p.is_file()]
        if missing:
            raise OcrUnavailableError(f"rapidocr bundled models missing: {missing}")
        params: dict[str, Any] = {
            "Global.use_cls": False,
            "Global.log_level": "error",
            "Global.max_side_len": self.max_side_len,
            "Global.text_score": self.text_score,
            "Global.model_root_dir": str(paths["det"].parent),
            "Det.model_path": str(paths["det"]),
            "Rec.model_path": str(paths["rec"]),
            "Rec.rec_img_shape": [3, REC_HEIGHT, self.rec_min_width],
            "Cls.model_path": str(paths["cls"]),
        }
        if self.det_limit:
            params["Det.limit_type"] = "max"
            params["Det.limit_side_len"] = self.det_limit
        if self.threads:
            params["EngineConfig.onnxruntime.intra_op_num_threads"] = self.threads
        return params

    def _load(self) -> Any:
        if self._ocr is None:
            try:
                from rapidocr import RapidOCR
            except ImportError as exc:
                raise OcrUnavailableError(f"rapidocr/onnxruntime not importable ({exc}); {REINSTALL_OCR}") from exc
            with _downloads_forbidden():
                ocr = RapidOCR(params=self._params())
                # Models load lazily on first use; force it here, under the guard.
                ocr._load_det_model()
                ocr._load_rec_model()
            self._ocr = ocr
        return self._ocr

    def read(self, image: np.ndarray) -> list[OcrLine]:
        ocr = self._load()
        bgr = _to_bgr(image)
        start = time.perf_counter()
        with _downloads_forbidden():
            result = ocr(bgr, use_cls=False, return_word_box=True, return_single_char_box=True)
        total = time.perf_counter() - start
        elapse = list(getattr(result, "elapse_list", []) or [])
        det = float(elapse[0] or 0.0) if len(elapse) > 0 else 0.0
        rec = float(elapse[2] or 0.0) if len(elapse) > 2 else 0.0
        self.last_timings = OcrTimings(det=det, rec=rec, total=total)
        return _lines_from_result(result)

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognition only, on crops that each hold one line of text (e.g. one table cell)."""
        from rapidocr.ch_ppocr_rec.typings import TextRecInput

        if not crops:
            return []
        recognizer = self._load().text_rec
        with _downloads_forbidden():
            result = recognizer(TextRecInput(img=[_to_bgr(crop) for crop in crops]))
        return [(str(text), float(score)) for text, score in zip(result.txts or (), result.scores, strict=False)]


def _to_bgr(image: np.ndarray) -> np.ndarray:
    """rapidocr treats ndarray input as BGR (OpenCV order); our interface is RGB."""
    import numpy as np

    if image.ndim == 2:
        return np.ascontiguousarray(np.repeat(image[:, :, None], 3, axis=2))
    if image.ndim == 3 and image.shape[2] == 3:
        return np.ascontiguousarray(image[:, :, ::-1])
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, 2::-1])
    raise ValueError(f"unsupported image shape {image.shape}")


def _char_boxes(texts: Any, word_results: Any) -> list[tuple[CharBox, ...]]:
    """Per line, its characters with their x-extent; () where they cannot be matched.

    rapidocr drops the word results of a line that gave none, so they are matched to the
    lines by their text (the line's text without spaces), in order.
    """
    found: list[tuple[CharBox, ...]] = []
    pending = list(word_results or ())
    for text in texts:
        wanted = "".join(str(text).split())
        boxes: tuple[CharBox, ...] = ()
        if pending and "".join(str(w[0]) for w in pending[0]) == wanted:
            words = pending.pop(0)
            boxes = tuple(CharBox(str(w[0]), float(min(p[0] for p in w[2])), float(max(p[0] for p in w[2]))) for w in words)
        found.append(boxes)
    return found


def _lines_from_result(result: Any) -> list[OcrLine]:
    import numpy as np

    boxes = getattr(result, "boxes", None)
    txts = getattr(result, "txts", None)
    scores = getattr(result, "scores", None)
    if boxes is None or txts is None or scores is None:
        return []
    lines: list[OcrLine] = []
    chars = _char_boxes(txts, getattr(result, "word_results", None))
    for quad, text, score, line_chars in zip(boxes, txts, scores, chars, strict=False):
        pts = np.asarray(quad, dtype=float).reshape(-1, 2)
        bbox = (
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        )
        lines.append(
            OcrLine(
                text=str(text),
                bbox=bbox,
                confidence=float(score),
                quad=tuple((float(x), float(y)) for x, y in pts),
                chars=line_chars,
            )
        )
    return lines


_DEFAULT: list[RapidOcrEngine] = []


def default_engine() -> RapidOcrEngine:
    """One shared `RapidOcrEngine` per process: its models take seconds to load, so a batch
    of documents must not load them per document. Loading happens on the first read."""
    if not _DEFAULT:
        _DEFAULT.append(RapidOcrEngine())
    return _DEFAULT[0]
