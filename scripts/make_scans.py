"""Turn PDFs into scanned-looking, image-only PDFs (test material for the OCR path).

Each page is rendered at --dpi, then degraded deterministically from --seed: a random
skew up to --skew degrees, Gaussian blur, Gaussian noise, JPEG compression. One page
can be turned by 90/180/270 degrees (--rotate-page N --rotate-by 180). The output PDF
has one full-page JPEG per page and no text layer.

    .venv/bin/python scripts/make_scans.py in.pdf --out /tmp/scans --pages 1-3 --skew 1.5
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image, ImageFilter


@dataclass(frozen=True)
class ScanOptions:
    dpi: int = 200
    skew: float = 1.0
    """Maximum absolute skew in degrees; each page draws its own from [-skew, skew]."""
    blur: float = 0.6
    """Gaussian blur radius in pixels (0 = none)."""
    noise: float = 6.0
    """Standard deviation of additive Gaussian noise, in grey levels (0 = none)."""
    jpeg_quality: int = 60
    rotate_page: int | None = None
    """1-based page number (of the output) to turn by ``rotate_by`` degrees."""
    rotate_by: int = 180
    seed: int = 0
    grey: bool = True


def degrade(image: Image.Image, options: ScanOptions, rng: np.random.Generator) -> Image.Image:
    """Apply skew, blur and noise to one rendered page."""
    if options.skew > 0:
        angle = float(rng.uniform(-options.skew, options.skew))
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    if options.blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(options.blur))
    if options.noise > 0:
        pixels = np.asarray(image, dtype=np.float32)
        pixels += rng.normal(0.0, options.noise, pixels.shape).astype(np.float32)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode=image.mode)
    return image


def render(page: pymupdf.Page, options: ScanOptions) -> Image.Image:
    colorspace = pymupdf.csGRAY if options.grey else pymupdf.csRGB
    pix = page.get_pixmap(dpi=options.dpi, colorspace=colorspace, alpha=False)
    mode = "L" if options.grey else "RGB"
    return Image.frombytes(mode, (pix.width, pix.height), pix.samples)


def jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def make_scan(source: Path, target: Path, options: ScanOptions, pages: list[int] | None = None) -> Path:
    """Write an image-only copy of ``source`` (``pages``: 0-based, default all)."""
    rng = np.random.default_rng(options.seed)
    with pymupdf.open(source) as doc, pymupdf.open() as out:
        numbers = pages if pages is not None else list(range(len(doc)))
        for index, number in enumerate(numbers, start=1):
            page = doc[number]
            image = degrade(render(page, options), options, rng)
            width, height = page.rect.width, page.rect.height
            if options.rotate_page == index and options.rotate_by % 360:
                # PIL rotates counter-clockwise; negate for a clockwise turn.
                image = image.rotate(-options.rotate_by, expand=True)
                if options.rotate_by % 180:
                    width, height = height, width
            new_page = out.new_page(width=width, height=height)
            new_page.insert_image(new_page.rect, stream=jpeg_bytes(image, options.jpeg_quality))
        target.parent.mkdir(parents=True, exist_ok=True)
        out.save(target, garbage=3, deflate=True)
    return target


def parse_pages(spec: str | None) -> list[int] | None:
    """ "1-3,7" → [0, 1, 2, 6] (0-based)."""
    if not spec:
        return None
    pages: list[int] = []
    for part in spec.split(","):
        start, _, end = part.partition("-")
        pages.extend(range(int(start) - 1, int(end or start)))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--pages", help="1-based pages, e.g. 1-3,7 (default all)")
    parser.add_argument("--dpi", type=int, default=200, choices=(150, 200, 300))
    parser.add_argument("--skew", type=float, default=1.0, help="max skew in degrees (≤2)")
    parser.add_argument("--blur", type=float, default=0.6)
    parser.add_argument("--noise", type=float, default=6.0)
    parser.add_argument("--jpeg-quality", type=int, default=60)
    parser.add_argument("--rotate-page", type=int, help="1-based output page to rotate")
    parser.add_argument("--rotate-by", type=int, default=180, choices=(90, 180, 270))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--color", action="store_true", help="keep colour (default grey)")
    args = parser.parse_args(argv)
    options = ScanOptions(
        dpi=args.dpi,
        skew=min(abs(args.skew), 2.0),
        blur=args.blur,
        noise=args.noise,
        jpeg_quality=args.jpeg_quality,
        rotate_page=args.rotate_page,
        rotate_by=args.rotate_by,
        seed=args.seed,
        grey=not args.color,
    )
    for pdf in args.pdfs:
        target = args.out / f"{pdf.stem}_scan{args.dpi}.pdf"
        make_scan(pdf, target, options, parse_pages(args.pages))
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
