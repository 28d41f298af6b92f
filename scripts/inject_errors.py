"""Make corrupted copies of real disclosures with a recorded list of injected errors.

Each case takes one source PDF (referenced by path, never copied into the repository),
injects two or three errors of different kinds and re-typesets each affected spot with
pymupdf: the original span is redacted (`add_redact_annot` + `apply_redactions(images=0,
graphics=0)`) and the new text is written at the same baseline in a similar size with the
embedded CJK font, so the PDF stays realistic and parseable. A deleted table is redacted
with its ruling lines, title and notes.

Kinds: cell_number, narrative_number, comparison_word, delete_table, title_year,
section_swap, placeholder; and the review kinds: punctuation (a paragraph's final "。" doubled or
removed), item_swap (two numbered items' numbers swapped, any level), moved_items (items k+1, k+2 of a
list printed, swapped, at the head of the next list), split_title (a table title's final 表 printed
apart), blank_cells (a 三公 table's amounts blanked), parity_word (决算数小于/大于… → 等于); blank_line (one
line of a 三公 table blanked, its stated amount kept) is not in the rotation (`SECOND`), so that the seeds'
plans stay as they were: call `INJECTORS["blank_line"]` by hand.
The choice is deterministic for a given --seed; the PDFs go to
--out (outside the repository by default) as caseNN/<the source's file name>, so that a
corrupted copy keeps what its file name says (the year, the issuer) as the published file
would; one small JSON manifest per case to --manifests.

    python scripts/inject_errors.py [--seed 7] [--cases 30] [--out /tmp/budgetlens-injected]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path

import pymupdf

from extract.model import BBox, Document, FindingStatus, Table, TextLine
from extract.pipeline import process
from extract.reconcile.completeness import EXPECTED_TABLES, FAMILY_OF_KIND, expected_set
from extract.reconcile.reading import Paragraph, paragraphs
from extract.reconcile.stated import LINE_LABELS, LINE_STATED, line_cells, prints_nothing, stated_for_line
from extract.reconcile.text import int_to_cn, parse_numbering, title_area

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
TEMPLATE = "gbc_附件2：部门决算模板.pdf"
EXTRA_SOURCES = (ROOT / "tests/fixtures/seed000_final_2022.pdf", ROOT / "samples/sample_final_2023.pdf")
MANIFESTS = ROOT / "tests/fixtures/injected"

CHECKABLE = ("cell_number", "delete_table", "title_year", "section_swap", "placeholder")
NEEDS_TAGGERS = ("narrative_number", "comparison_word")
FLIPS = {"增加": "减少", "减少": "增加", "增长": "下降", "下降": "增长", "大于": "小于", "小于": "大于"}
_FLIP = re.compile("|".join(FLIPS))
_PARITY = re.compile(r"(?<=决算数)(?:大于|小于)|(?<=决算)(?:大于|小于)")
_NARRATIVE_NUMBER = re.compile(r"\d[\d,]*\.?\d*(?=\s*(?:万元|元|%))")
_YEAR = re.compile(r"20\d{2}")
FONT = pymupdf.Font("cjk")


@dataclass
class Injected:
    kind: str
    page: int
    bbox: BBox
    old: str
    new: str
    new_value: float | None = None
    table_type: str | None = None
    number_label: str | None = None
    extra: list[dict] = field(default_factory=list)
    """More spots of the same error (the other heading of a swap)."""


# -- re-typesetting ---------------------------------------------------------------------------


def _chars_at(page: pymupdf.Page, rect: pymupdf.Rect) -> tuple[dict | None, list[tuple[str, tuple, float]]]:
    """The span printing `rect` and its characters as (char, origin, size)."""
    spans = [s for b in page.get_text("rawdict")["blocks"] for ln in b.get("lines", []) for s in ln["spans"]]
    hits = [s for s in spans if pymupdf.Rect(s["bbox"]).intersects(rect) and "".join(c["c"] for c in s["chars"]).strip()]
    span = max(hits, key=lambda s: (pymupdf.Rect(s["bbox"]) & rect).get_area(), default=None)
    return span, [(c["c"], tuple(c["origin"]), span["size"]) for c in span["chars"]] if span else []


def _write(page: pymupdf.Page, x: float, baseline: float, text: str, size: float, width: float | None = None) -> None:
    """Write `text` from (x, baseline), condensed to `width` when it would be wider (an overlap would
    reorder the characters of the line when the page is read back)."""
    natural = FONT.text_length(text, fontsize=size)
    squeeze = min(1.0, width / natural) if width and natural else 1.0
    writer = pymupdf.TextWriter(page.rect)
    writer.append((x, baseline), text, font=FONT, fontsize=size)
    writer.write_text(page, morph=(pymupdf.Point(x, baseline), pymupdf.Matrix(squeeze, 1)))


def retype(page: pymupdf.Page, clip: BBox, old: str, new: str, align_right: bool = False) -> BBox | None:
    """Replace the first `old` inside `clip` by `new`, same baseline and size. Returns its rect.

    Some fonts' text is re-flowed by the redaction (the rest of the span moves into the gap); then the
    rest of the span is written back where it was printed."""
    hits = page.search_for(old, clip=pymupdf.Rect(clip) + pymupdf.Rect(-2, -2, 2, 2))
    if not hits:
        return None
    rect = hits[0]
    span, before = _chars_at(page, rect)
    if span is None:
        return None
    size, baseline = span["size"], span["origin"][1]
    inner = pymupdf.Rect(rect.x0 + 0.3, rect.y0 + rect.height * 0.2, rect.x1 - 0.3, rect.y1 - rect.height * 0.2)
    page.add_redact_annot(inner)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    kept = [(c, o, sz) for c, o, sz in before if not inner.contains(pymupdf.Point(o[0] + 0.5 * sz * 0.5, o[1] - 0.3 * sz))]
    _, after = _chars_at(page, pymupdf.Rect(span["bbox"]))
    if [(c, round(o[0], 1)) for c, o, _ in after] != [(c, round(o[0], 1)) for c, o, _ in kept]:
        page.add_redact_annot(pymupdf.Rect(span["bbox"]))
        page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
        for c, o, sz in kept:
            _write(page, o[0], o[1], c, sz)
    natural = FONT.text_length(new, fontsize=size)
    x = rect.x1 - min(natural, rect.width) if align_right else rect.x0
    _write(page, x, baseline, new, size, rect.width)
    return (rect.x0, rect.y0, rect.x1, rect.y1)


# -- the kinds --------------------------------------------------------------------------------

Injector = Callable[[pymupdf.Document, Document, random.Random, set[int]], Injected | None]
"""(pdf to change, its parse, rng, pages already changed by this case) → the error or None."""


def _usable(doc: Document, page: int, avoid: set[int]) -> bool:
    return page not in avoid and doc.pages[page - 1].rotation == 0


def _prose(doc: Document, avoid: set[int]) -> list[TextLine]:
    return [ln for p in doc.pages if not p.is_toc and _usable(doc, p.number, avoid) for ln in p.lines if len(ln.text) >= 12]


def cell_number(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Change one digit of an amount that takes part in a consistent table identity."""
    seen = {
        (e.page, e.bbox, e.text)
        for f in doc.findings
        if f.check_id.startswith("T") and f.status == FindingStatus.CONSISTENT
        for e in f.evidence
        if e.value and e.page and e.bbox and re.search(r"\d\d", e.text) and _usable(doc, e.page, avoid)
    }
    if not seen:
        return None
    page_no, bbox, raw = rng.choice(sorted(seen))
    integer = re.match(r"^[^.]*", raw).group(0)  # type: ignore[union-attr]
    pos = max(i for i, c in enumerate(integer) if c.isdigit())
    new = raw[:pos] + str((int(raw[pos]) + rng.randint(1, 9)) % 10) + raw[pos + 1 :]
    rect = retype(pdf[page_no - 1], bbox, raw, new, align_right=True)
    value = float(new.replace(",", "")) if re.fullmatch(r"[\d,]+(\.\d+)?", new) else None
    return Injected("cell_number", page_no, rect, raw, new, new_value=value) if rect else None


def _text_swap(kind: str, pattern: re.Pattern[str], change: Callable[[str, random.Random], str]) -> Injector:
    def inject(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
        lines = [ln for ln in _prose(doc, avoid) if pattern.search(ln.text)]
        if not lines:
            return None
        line = rng.choice(lines)
        old = rng.choice(pattern.findall(line.text))
        new = change(old, rng)
        rect = retype(pdf[line.page - 1], line.bbox, old, new)
        return Injected(kind, line.page, rect, old, new) if rect else None

    return inject


def _bump_digit(old: str, rng: random.Random) -> str:
    pos = max(i for i, c in enumerate(old.split(".")[0]) if c.isdigit())
    return old[:pos] + str((int(old[pos]) + rng.randint(1, 9)) % 10) + old[pos + 1 :]


narrative_number = _text_swap("narrative_number", _NARRATIVE_NUMBER, _bump_digit)
comparison_word = _text_swap("comparison_word", _FLIP, lambda old, _rng: FLIPS[old])


def _deletable(doc: Document, avoid: set[int]) -> list[Table]:
    family = FAMILY_OF_KIND.get(doc.meta.kind)
    if family is None:
        return []
    kinds = {f"{family}.{k}" for k in EXPECTED_TABLES[expected_set(doc, family)]}
    return [t for t in doc.tables if t.table_type in kinds and len(t.pages) == 1 and _usable(doc, t.page_start, avoid)]


def delete_table(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Redact a whole single-page table: grid, title area and notes."""
    tables = _deletable(doc, avoid)
    if len(tables) < 3:
        return None
    table = rng.choice(tables)
    region = pymupdf.Rect(table.bbox)
    for line in title_area(doc, table):
        region |= pymupdf.Rect(line.bbox)
    for line in doc.pages[table.page_start - 1].lines:
        below = 0 <= line.bbox[1] - table.bbox[3] <= 60
        if below and any(note.startswith(line.text.strip()[:8]) for note in table.notes if line.text.strip()):
            region |= pymupdf.Rect(line.bbox)
    region += (-3, -3, 3, 3)
    page = pdf[table.page_start - 1]
    page.add_redact_annot(region)
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_REMOVE_IF_COVERED)
    return Injected(
        "delete_table",
        table.page_start,
        tuple(region),
        table.title,
        "",
        table_type=table.table_type,
        number_label=table.number_label or None,
    )


def title_year(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Change the year printed over a table (to Y±1), else in a heading (to Y+1)."""
    year = doc.meta.year
    if year is None:
        return None
    spots = [
        (ln, rng.choice((-1, 1)))
        for t in doc.tables
        for ln in title_area(doc, t)
        if str(year) in ln.text and _usable(doc, ln.page, avoid)
    ]
    if not spots:
        spots = [
            (TextLine(text=s.title, page=s.page_start, bbox=s.bbox, font_size=0), 1)
            for s in doc.iter_sections()
            if str(year) in s.title and _usable(doc, s.page_start, avoid)
        ]
    if not spots:
        return None
    line, step = rng.choice(spots)
    new = str(year + step)
    rect = retype(pdf[line.page - 1], line.bbox, str(year), new)
    return Injected("title_year", line.page, rect, str(year), new, new_value=float(year + step)) if rect else None


def section_swap(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Swap the printed numbers of two neighbouring headings of the same style (二、 ↔ 三、)."""
    pairs = []
    for parent in [None, *doc.iter_sections()]:
        kids = doc.sections if parent is None else parent.children
        numbered = [s for s in kids if parse_numbering(s.numbering) and _usable(doc, s.page_start, avoid)]
        styles = [parse_numbering(s.numbering) for s in numbered]
        pairs += [
            (a, b)
            for (a, sa), (b, sb) in pairwise(zip(numbered, styles, strict=True))
            if sa and sb and sa[0] == sb[0] and len(a.numbering) == len(b.numbering)
        ]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    ra = retype(pdf[a.page_start - 1], a.bbox, a.numbering + a.title[:2], b.numbering + a.title[:2])
    rb = retype(pdf[b.page_start - 1], b.bbox, b.numbering + b.title[:2], a.numbering + b.title[:2])
    if ra is None or rb is None:
        return None
    other = {"page": b.page_start, "bbox": rb, "old": b.numbering, "new": a.numbering}
    return Injected("section_swap", a.page_start, ra, a.numbering, b.numbering, extra=[other])


def placeholder(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Replace the issuer's name in one body line by "XX局"."""
    issuer = doc.meta.issuer
    if not issuer:
        return None
    lines = [ln for ln in _prose(doc, avoid) if issuer in ln.text]
    if not lines:
        return None
    line = rng.choice(lines)
    rect = retype(pdf[line.page - 1], line.bbox, issuer, "XX局")
    return Injected("placeholder", line.page, rect, issuer, "XX局") if rect else None


def _paragraph_ends(doc: Document, avoid: set[int]) -> list[TextLine]:
    """Last lines of multi-sentence paragraphs that end with "。" and stop short of the right edge."""
    return [
        p.lines[-1]
        for p in paragraphs(doc)
        if p.text.rstrip().endswith("。")
        and "。" in p.text.rstrip()[:-1]
        and len(p.lines[-1].text) >= 4
        and _usable(doc, p.lines[-1].page, avoid)
    ]


def punctuation(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Double a paragraph's final "。" ("。 。" or "。。") or remove it."""
    lines = _paragraph_ends(doc, avoid)
    if not lines:
        return None
    line = rng.choice(lines)
    old = line.text.rstrip()[-2:]
    new = rng.choice((old + "。", old + " 。", old[:-1]))
    rect = retype(pdf[line.page - 1], line.bbox, old, new)
    return Injected("punctuation", line.page, rect, old, new) if rect else None


def _item_lists(doc: Document, avoid: set[int]) -> list[list[Paragraph]]:
    """Runs of numbered paragraphs 1, 2, 3 … of one style, in reading order."""
    runs: list[list[Paragraph]] = []
    for p in paragraphs(doc):
        m = p.marker
        if m is None or not _usable(doc, p.page, avoid):
            continue
        last = runs[-1][-1].marker if runs else None
        if last and last.style == m.style and m.number == last.number + 1:
            runs[-1].append(p)
        elif m.number == 1:
            runs.append([p])
    return [r for r in runs if len(r) >= 2]


def _renumber(pdf: pymupdf.Document, item: Paragraph, number: int) -> BBox | None:
    marker = item.marker
    assert marker is not None
    printed = re.sub(
        r"[一二三四五六七八九十]+|\d+",
        int_to_cn(number) if marker.style in ("part", "cn", "pcn") else str(number),
        marker.printed,
        count=1,
    )
    line = item.lines[0]
    head = line.text.lstrip()[: len(marker.printed) + 2]
    return retype(pdf[line.page - 1], line.bbox, head, printed + head[len(marker.printed) :])


def item_swap(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Swap the numbers of two neighbouring numbered items (2、 ↔ 3、), any level."""
    pairs = [(a, b) for run in _item_lists(doc, avoid) for a, b in pairwise(run)]
    if not pairs:
        return None
    a, b = rng.choice(pairs)
    na, nb = a.marker.number, b.marker.number  # type: ignore[union-attr]
    ra, rb = _renumber(pdf, a, nb), _renumber(pdf, b, na)
    if ra is None or rb is None:
        return None
    other = {"page": b.page, "bbox": rb, "old": str(nb), "new": str(na)}
    return Injected("item_swap", a.page, ra, str(na), str(nb), extra=[other])


def moved_items(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Items k+1 and k+2 of a list 1…k printed, swapped, as the first two items of the next list of the same style."""
    runs = _item_lists(doc, avoid)
    pairs = [(a, b) for a, b in pairwise(runs) if a[-1].marker.style == b[0].marker.style]  # type: ignore[union-attr]
    if not pairs:
        return None
    first, second = rng.choice(pairs)
    k = len(first)
    ra, rb = _renumber(pdf, second[0], k + 2), _renumber(pdf, second[1], k + 1)
    if ra is None or rb is None:
        return None
    other = {"page": second[1].page, "bbox": rb, "old": "2", "new": str(k + 1)}
    return Injected("moved_items", second[0].page, ra, "1", str(k + 2), extra=[other])


def split_title(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Cut a table title before its final 表 and print the 表 apart, below the title area."""
    spots = [
        (t, ln)
        for t in doc.tables
        for ln in title_area(doc, t)
        if ln.text.strip().endswith("表") and len(ln.text.strip()) >= 5 and "公开" not in ln.text and _usable(doc, ln.page, avoid)
    ]
    if not spots:
        return None
    table, line = rng.choice(spots)
    text = line.text.strip()
    rect = retype(pdf[line.page - 1], line.bbox, text[-3:], text[-3:-1])
    if rect is None:
        return None
    page = pdf[line.page - 1]
    apart = pymupdf.Point(page.rect.width - 72, line.bbox[3] - 0.2 * line.font_size)
    _write(page, apart.x, apart.y, "表", line.font_size)
    spot = (apart.x, apart.y - line.font_size, apart.x + line.font_size, apart.y + 2)
    other = {"page": line.page, "bbox": spot, "old": "", "new": "表"}
    return Injected("split_title", line.page, rect, text, text[:-1], table_type=table.table_type, extra=[other])


def blank_cells(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Blank every amount of a 三公 table that prints some (the narrative still states them)."""
    tables = [
        t
        for t in doc.tables
        if t.table_type.endswith("three_public")
        and len(t.pages) == 1
        and _usable(doc, t.page_start, avoid)
        and any(i.value for i in doc.line_items if i.table_id == t.table_id)
    ]
    if not tables:
        return None
    table = rng.choice(tables)
    page = pdf[table.page_start - 1]
    for item in doc.line_items:
        if item.table_id == table.table_id and item.raw.strip():
            page.add_redact_annot(pymupdf.Rect(item.bbox) + pymupdf.Rect(0.5, 0.5, -0.5, -0.5))
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    return Injected("blank_cells", table.page_start, table.bbox, "", "", table_type=table.table_type)


def blank_line(pdf: pymupdf.Document, doc: Document, rng: random.Random, avoid: set[int]) -> Injected | None:
    """Blank one line of a 三公 table (公务接待费, …) whose amount the narrative states, the rest of the table kept."""
    spots = []
    for table in doc.tables:
        if not table.table_type.endswith("three_public") or len(table.pages) != 1 or not _usable(doc, table.page_start, avoid):
            continue
        for label_pattern, stated_pattern in zip(LINE_LABELS, LINE_STATED, strict=True):
            line = line_cells(table, label_pattern)
            stated = stated_for_line(paragraphs(doc), stated_pattern)
            if line is not None and not prints_nothing(line[1]) and stated is not None and stated[1] is not None:
                spots.append((table, *line))
    if not spots:
        return None
    table, label, cells = rng.choice(spots)
    page = pdf[table.page_start - 1]
    printed = [c for c in cells if c.text.strip()]
    for cell in printed:
        page.add_redact_annot(pymupdf.Rect(cell.bbox) + pymupdf.Rect(0.5, 0.5, -0.5, -0.5))
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    rect = (
        min(c.bbox[0] for c in printed),
        min(c.bbox[1] for c in printed),
        max(c.bbox[2] for c in printed),
        max(c.bbox[3] for c in printed),
    )
    other = {"page": label.page, "bbox": label.bbox, "old": label.text, "new": label.text}
    return Injected("blank_line", table.page_start, rect, "", "", table_type=table.table_type, extra=[other])


INJECTORS: dict[str, Injector] = {
    "cell_number": cell_number,
    "narrative_number": narrative_number,
    "comparison_word": comparison_word,
    "delete_table": delete_table,
    "title_year": title_year,
    "section_swap": section_swap,
    "placeholder": placeholder,
    "parity_word": _text_swap("parity_word", _PARITY, lambda _old, _rng: "等于"),
    "punctuation": punctuation,
    "item_swap": item_swap,
    "moved_items": moved_items,
    "split_title": split_title,
    "blank_cells": blank_cells,
    "blank_line": blank_line,
}
SECOND = (
    "delete_table",
    "title_year",
    "section_swap",
    "placeholder",
    "narrative_number",
    "comparison_word",
    "punctuation",
    "item_swap",
    "moved_items",
    "split_title",
    "blank_cells",
    "parity_word",
)


def _pages(error: Injected) -> set[int]:
    return {error.page, *(spot["page"] for spot in error.extra)}


def sources() -> list[Path]:
    corpus = sorted(p for p in CORPUS.glob("*.pdf") if p.name != TEMPLATE)
    return [*corpus, *EXTRA_SOURCES]


def plan(case: int, rng: random.Random) -> list[str]:
    """A table error, one other kind in rotation, and sometimes a third."""
    kinds = ["cell_number", SECOND[case % len(SECOND)]]
    if rng.random() < 0.5:
        kinds.append(rng.choice([k for k in SECOND if k not in kinds]))
    return kinds


def fallthrough(kind: str) -> list[str]:
    """`kind`, then the kinds after it in `SECOND` (round), then the rest: a kind few documents can take
    is not always replaced by the same one."""
    if kind not in SECOND:
        return [kind, *(k for k in INJECTORS if k != kind)]
    at = SECOND.index(kind)
    rotated = [*SECOND[at:], *SECOND[:at]]
    return [*rotated, *(k for k in INJECTORS if k not in rotated)]


def make_case(case: int, source: Path, seed: int, out: Path, parsed: Document) -> dict:
    rng = random.Random(f"{seed}:{case}")
    pdf = pymupdf.open(source)
    errors: list[Injected] = []
    for kind in plan(case, rng):
        for k in fallthrough(kind):  # a kind the document cannot take falls through to the next
            if k in {e.kind for e in errors}:
                continue
            injected = INJECTORS[k](pdf, parsed, rng, {p for e in errors for p in _pages(e)})
            if injected is not None:
                errors.append(injected)
                break
    target = out / f"case{case:02d}" / source.name
    target.parent.mkdir(parents=True, exist_ok=True)
    pdf.subset_fonts()
    pdf.save(target, garbage=3, deflate=True)
    return {
        "case": case,
        "seed": seed,
        "source": os.path.relpath(source, ROOT),
        "output": target.relative_to(out).as_posix(),
        "errors": [asdict(e) for e in errors],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cases", type=int, default=30)
    ap.add_argument("--out", type=Path, default=Path("/tmp/budgetlens-injected"))
    ap.add_argument("--manifests", type=Path, default=MANIFESTS)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    args.manifests.mkdir(parents=True, exist_ok=True)
    files = sources()
    cache: dict[Path, Document] = {}
    for case in range(args.cases):
        source = files[case % len(files)]
        parsed = cache.setdefault(source, process(source))
        manifest = make_case(case, source, args.seed, args.out, parsed)
        (args.manifests / f"case{case:02d}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
        kinds = ", ".join(e["kind"] for e in manifest["errors"])
        print(f"case{case:02d} {source.name[:40]:40s} {kinds}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
