"""Turn PDFs into scanned-looking, image-only PDFs (test material for the OCR path).

Each page is rendered at --dpi, then degraded deterministically from --seed, in the order a
page meets them: red seals stamped over amounts (--seals), two pages put side by side on one
scan (--spread, with a shadow over the fold: --gutter-shadow), uneven lighting (--lighting),
a random skew up to --skew degrees, a page warp (--warp) and a photo's perspective
(--perspective), Gaussian blur, Gaussian noise, salt-and-pepper specks (--specks), JPEG
compression. One page can be turned by 90/180/270 degrees (--rotate-page N --rotate-by 180).
The output PDF has one full-page JPEG per page and no text layer; pages stay grey unless a
seal (or --color) needs colour.

The defaults are the benchmark's default level: 200 dpi, skew ≤ 1.2°, blur 0.6, noise σ 6,
specks 0.2%, JPEG 55. `DEFECTS` names the harder levels scripts/bench_scans.py reports on.

    .venv/bin/python scripts/make_scans.py in.pdf --out /tmp/scans --pages 1-3 --defect seals
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pymupdf
from PIL import Image, ImageDraw, ImageFilter

SEAL_RED = (215, 35, 40)
AMOUNT = re.compile(r"^-?\d{1,3}(?:,\d{3})*(?:\.\d+)?$|^-?\d+\.\d+$")


@dataclass(frozen=True)
class ScanOptions:
    dpi: int = 200
    skew: float = 1.2
    """Maximum absolute skew in degrees; each page draws its own from [-skew, skew]."""
    blur: float = 0.6
    """Gaussian blur radius in pixels (0 = none)."""
    noise: float = 6.0
    """Standard deviation of additive Gaussian noise, in grey levels (0 = none)."""
    specks: float = 0.002
    """Fraction of pixels turned black or white (salt and pepper)."""
    jpeg_quality: int = 55
    seals: int = 0
    """Red round seals per page, each centred on a printed amount (forces colour)."""
    lighting: float = 0.0
    """Uneven lighting: the darkest corner is this fraction darker than the brightest."""
    warp: float = 0.0
    """Page curl: vertical displacement amplitude, as a fraction of the page height."""
    perspective: float = 0.0
    """Photo perspective: each corner moves by up to this fraction of the page size."""
    rotate_page: int | None = None
    """1-based page number (of the output) to turn by ``rotate_by`` degrees."""
    rotate_by: int = 180
    seed: int = 0
    grey: bool = True
    spread: bool = False
    """Two consecutive portrait pages of one size side by side on one scanned page, as a book or a
    report scanned open; other pages stay alone."""
    gutter_shadow: float = 0.0
    """With ``spread``: how much darker the paper is at the fold (0 = a blank gutter: the pages' margins);
    the shadow fades over about 2% of the spread's width either side."""


DEFECTS: dict[str, ScanOptions] = {
    "default": ScanOptions(),
    "seals": ScanOptions(seals=3),
    "dpi150": ScanOptions(dpi=150),
    "skew3": ScanOptions(skew=3.0),
    "warp": ScanOptions(warp=0.004),
    "lighting": ScanOptions(lighting=0.35),
    "jpeg40": ScanOptions(jpeg_quality=40),
    "perspective": ScanOptions(perspective=0.015),
    "spread": ScanOptions(spread=True, gutter_shadow=0.45),
}
"""The default level and one harder level per defect (each on top of the default)."""


def stamp_seals(image: Image.Image, page: pymupdf.Page, options: ScanOptions, rng: np.random.Generator) -> Image.Image:
    """Red round seals (ring, star, text ring) multiplied onto the page, each over an amount."""
    words = [w for w in page.get_text("words") if AMOUNT.match(w[4])]
    if not words:
        return image
    px = options.dpi / 72.0
    image = image.convert("RGB")
    for index in rng.choice(len(words), size=min(options.seals, len(words)), replace=False):
        x0, y0, x1, y1 = words[int(index)][:4]
        cx, cy = (x0 + x1) / 2 * px, (y0 + y1) / 2 * px
        radius = float(rng.uniform(34, 44)) * px
        alpha = float(rng.uniform(0.55, 0.8))
        mask = Image.new("L", image.size, 0)
        draw = ImageDraw.Draw(mask)
        draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=255, width=max(2, round(2.2 * px)))
        star = [
            (cx + r * np.sin(k * np.pi / 5), cy - r * np.cos(k * np.pi / 5))
            for k, r in enumerate([radius * 0.3, radius * 0.12] * 5)
        ]
        draw.polygon(star, fill=255)
        for k in range(14):  # the issuer's name around the ring, as short strokes
            angle = np.pi * (0.8 + 1.4 * k / 13)
            r0, r1 = radius * 0.62, radius * 0.85
            draw.line(
                (cx + r0 * np.cos(angle), cy + r0 * np.sin(angle), cx + r1 * np.cos(angle), cy + r1 * np.sin(angle)),
                fill=255,
                width=max(1, round(1.5 * px)),
            )
        ink = np.asarray(mask, dtype=np.float32)[..., None] / 255.0 * alpha
        pixels = np.asarray(image, dtype=np.float32)
        # Multiply, as ink does: the print under the seal stays dark, the paper turns red.
        pixels = pixels * (1 - ink) + pixels * np.array(SEAL_RED, dtype=np.float32) / 255.0 * ink
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode="RGB")
    return image


def uneven_lighting(image: Image.Image, strength: float, rng: np.random.Generator) -> Image.Image:
    """Darken towards a random corner, linearly, by up to ``strength``."""
    w, h = image.size
    gx, gy = rng.uniform(-1, 1, 2)
    xs, ys = np.meshgrid(np.linspace(0, 1, w, dtype=np.float32), np.linspace(0, 1, h, dtype=np.float32))
    ramp = gx * xs + gy * ys
    ramp = (ramp - ramp.min()) / max(float(ramp.max() - ramp.min()), 1e-6)
    pixels = np.asarray(image, dtype=np.float32)
    shade = 1 - strength * ramp
    pixels = pixels * (shade[..., None] if pixels.ndim == 3 else shade)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode=image.mode)


def warp_page(image: Image.Image, amplitude: float, rng: np.random.Generator) -> Image.Image:
    """A page curl: rows bend by a half sine across the width (and a little along the height)."""
    import cv2

    pixels = np.asarray(image)
    h, w = pixels.shape[:2]
    phase = float(rng.uniform(0, np.pi))
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    dy = amplitude * h * np.sin(np.pi * xs / w + phase) * (0.6 + 0.4 * ys / h)
    dx = 0.3 * amplitude * w * np.sin(np.pi * ys / h)
    warped = cv2.remap(pixels, xs + dx, ys + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
    return Image.fromarray(warped, mode=image.mode)


def perspective_page(image: Image.Image, amount: float, rng: np.random.Generator) -> Image.Image:
    """A photo taken slightly off-axis: the corners move inwards by up to ``amount`` of the page size."""
    import cv2

    pixels = np.asarray(image)
    h, w = pixels.shape[:2]
    corners = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    inward = np.float32([[1, 1], [-1, 1], [-1, -1], [1, -1]])
    moved = corners + inward * rng.uniform(0, amount, (4, 2)).astype(np.float32) * np.float32([w, h])
    matrix = cv2.getPerspectiveTransform(corners, moved)
    out = cv2.warpPerspective(pixels, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    return Image.fromarray(out, mode=image.mode)


def side_by_side(images: list[Image.Image], shadow: float) -> Image.Image:
    """Two page images on one, top-aligned, the paper darkened by ``shadow`` at the seam, fading out."""
    width, height = sum(im.width for im in images), max(im.height for im in images)
    spread = Image.new(images[0].mode, (width, height), "white")
    spread.paste(images[0], (0, 0))
    spread.paste(images[1], (images[0].width, 0))
    if shadow <= 0:
        return spread
    xs = np.arange(width, dtype=np.float32) - images[0].width
    shade = 1 - shadow * np.exp(-0.5 * (xs / (0.012 * width)) ** 2)
    pixels = np.asarray(spread, dtype=np.float32)
    pixels = pixels * (shade[None, :, None] if pixels.ndim == 3 else shade[None, :])
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode=spread.mode)


def scanned_pages(doc: pymupdf.Document, numbers: list[int], spread: bool) -> list[list[pymupdf.Page]]:
    """The pages of each scan: one, or with ``spread`` two side by side (consecutive portrait pages of one size)."""
    groups: list[list[pymupdf.Page]] = []
    for number in numbers:
        page = doc[number]
        last = groups[-1] if groups else []
        if spread and len(last) == 1 and _portrait(page) and _portrait(last[0]) and _same_size(page, last[0]):
            last.append(page)
        else:
            groups.append([page])
    return groups


def _portrait(page: pymupdf.Page) -> bool:
    return page.rect.width < page.rect.height


def _same_size(a: pymupdf.Page, b: pymupdf.Page) -> bool:
    return abs(a.rect.width - b.rect.width) < 1 and abs(a.rect.height - b.rect.height) < 1


def degrade(image: Image.Image, options: ScanOptions, rng: np.random.Generator) -> Image.Image:
    """Apply the defects of ``options`` after the seals and the spread to one scan (see the module docstring)."""
    if options.lighting > 0:
        image = uneven_lighting(image, options.lighting, rng)
    if options.skew > 0:
        angle = float(rng.uniform(-options.skew, options.skew))
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor="white")
    if options.warp > 0:
        image = warp_page(image, options.warp, rng)
    if options.perspective > 0:
        image = perspective_page(image, options.perspective, rng)
    if options.blur > 0:
        image = image.filter(ImageFilter.GaussianBlur(options.blur))
    if options.noise > 0 or options.specks > 0:
        pixels = np.asarray(image, dtype=np.float32)
        if options.noise > 0:
            pixels += rng.normal(0.0, options.noise, pixels.shape).astype(np.float32)
        if options.specks > 0:
            hit = rng.random(pixels.shape[:2])
            pixels[hit < options.specks / 2] = 0
            pixels[hit > 1 - options.specks / 2] = 255
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), mode=image.mode)
    return image


def render(page: pymupdf.Page, options: ScanOptions) -> Image.Image:
    grey = options.grey and not options.seals
    pix = page.get_pixmap(dpi=options.dpi, colorspace=pymupdf.csGRAY if grey else pymupdf.csRGB, alpha=False)
    return Image.frombytes("L" if grey else "RGB", (pix.width, pix.height), pix.samples)


def jpeg_bytes(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def make_scan(source: Path, target: Path, options: ScanOptions, pages: list[int] | None = None) -> Path:
    """Write an image-only copy of ``source`` (``pages``: 0-based, default all)."""
    rng = np.random.default_rng(options.seed)
    with pymupdf.open(source) as doc, pymupdf.open() as out:
        numbers = pages if pages is not None else list(range(len(doc)))
        for index, group in enumerate(scanned_pages(doc, numbers, options.spread), start=1):
            images = [render(page, options) for page in group]
            if options.seals:
                images = [stamp_seals(image, page, options, rng) for image, page in zip(images, group, strict=True)]
            image = degrade(side_by_side(images, options.gutter_shadow) if len(images) == 2 else images[0], options, rng)
            width, height = sum(page.rect.width for page in group), max(page.rect.height for page in group)
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
    parser.add_argument("--defect", choices=sorted(DEFECTS), default="default", help="start from this level")
    parser.add_argument("--dpi", type=int, choices=(150, 200, 300))
    parser.add_argument("--skew", type=float, help="max skew in degrees (≤5)")
    parser.add_argument("--blur", type=float)
    parser.add_argument("--noise", type=float)
    parser.add_argument("--specks", type=float, help="fraction of salt-and-pepper pixels")
    parser.add_argument("--jpeg-quality", type=int)
    parser.add_argument("--seals", type=int, help="red seals over amounts, per page")
    parser.add_argument("--lighting", type=float, help="uneven lighting strength (0..1)")
    parser.add_argument("--warp", type=float, help="page curl amplitude (fraction of page height)")
    parser.add_argument("--perspective", type=float, help="corner shift (fraction of page size)")
    parser.add_argument("--spread", action=argparse.BooleanOptionalAction, default=None, help="two pages side by side per scan")
    parser.add_argument("--gutter-shadow", type=float, help="with --spread: darkening at the fold (0..1; 0 = blank gutter)")
    parser.add_argument("--rotate-page", type=int, help="1-based output page to rotate")
    parser.add_argument("--rotate-by", type=int, default=180, choices=(90, 180, 270))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--color", action="store_true", help="keep colour (default grey)")
    args = parser.parse_args(argv)
    knobs = ("dpi", "skew", "blur", "noise", "specks", "jpeg_quality", "seals", "lighting", "warp", "perspective", "spread")
    knobs = (*knobs, "gutter_shadow")
    given = {k: getattr(args, k) for k in knobs if getattr(args, k) is not None}
    if "skew" in given:
        given["skew"] = min(abs(given["skew"]), 5.0)
    options = replace(
        DEFECTS[args.defect], **given, rotate_page=args.rotate_page, rotate_by=args.rotate_by, seed=args.seed, grey=not args.color
    )
    for pdf in args.pdfs:
        target = args.out / f"{pdf.stem}_scan{options.dpi}.pdf"
        make_scan(pdf, target, options, parse_pages(args.pages))
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
