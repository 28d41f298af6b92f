"""Scan defects undone before anything is read: coloured seals, uneven background.

`clean_scan` turns a rendered page into the grey image the rest of the OCR path reads:

* Seals. Red (and blue) seals are stamped over amounts in real disclosures; their rings read
  as rulings and their ink as characters. Seal ink is saturated and printed ink is not, so a
  saturated pixel takes its brightest channel instead of its luminance: the seal's red turns
  near white while black print under it (black × red is still black) stays dark. The
  brightest channel is stretched so that the seal's own colour maps to paper white.
* Background. A page photographed or scanned under uneven light has a grey gradient that an
  adaptive threshold half-copes with and the recogniser not at all. The background (a grey
  closing wide enough to remove print, on a quarter-size copy) is divided out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

MIN_SATURATION = 45
"""OpenCV HSV saturation (0–255) above which a pixel is coloured ink, not black or grey print."""
MIN_SEAL_PIXELS = 200
"""Fewer coloured pixels than this on a page: no seal (JPEG colour fringes, a coloured logo)."""
BACKGROUND_SCALE = 4
"""The background is estimated on a copy this many times smaller (speed)."""
BACKGROUND_KERNEL_PX = 41
"""Closing kernel at full size: wider than any character stroke or small glyph at 200 dpi."""


def clean_scan(image: np.ndarray) -> np.ndarray:
    """A grey page with seals removed and the background evened out (see the module docstring)."""
    return even_background(remove_seals(image))


def remove_seals(image: np.ndarray) -> np.ndarray:
    """Grey version of an RGB page in which saturated (seal) ink turns to paper white."""
    import cv2
    import numpy as np

    if image.ndim == 2:
        return image
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    saturation = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)[:, :, 1]
    coloured = saturation > MIN_SATURATION
    if int(np.count_nonzero(coloured)) < MIN_SEAL_PIXELS:
        return grey
    brightest = image.max(axis=2)
    peak = max(float(np.percentile(brightest[coloured], 50)), 1.0)
    lifted = np.clip(brightest.astype(np.float32) * (255.0 / peak), 0, 255).astype(np.uint8)
    # A ring of half-saturated pixels (JPEG, blur) surrounds the seal's strokes: widen the mask a little.
    mask = cv2.dilate(coloured.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    out = grey.copy()
    out[mask] = np.maximum(grey[mask], lifted[mask])
    return out


def even_background(grey: np.ndarray) -> np.ndarray:
    """``grey`` divided by its background (a closing that removes print), scaled to white paper."""
    import cv2
    import numpy as np

    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // BACKGROUND_SCALE), max(1, h // BACKGROUND_SCALE)), interpolation=cv2.INTER_AREA)
    k = max(3, BACKGROUND_KERNEL_PX // BACKGROUND_SCALE) | 1
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    background = cv2.blur(background, (k, k))
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    return np.clip(grey.astype(np.float32) * (255.0 / np.maximum(background, 1.0)), 0, 255).astype(np.uint8)
