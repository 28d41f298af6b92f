"""Sentences with provenance from the seed text files and corpus PDFs → JSONL.

Each row: {doc_id, source, kind, section_path, page, sentence_id, text, start, end, origin}.
`start`/`end` are character offsets of the sentence in its section's text (seeds only; PDF
sentences come from `extract.tag.narrative`, as the pipeline tags them); `text` is that slice with the
layout line breaks removed (Chinese text wraps without spaces, so the join is exact). `origin` is "narrative" for
running text and "table_row" for a performance-indicator row of a seed table, whose cells are
joined with " | " (then start/end are null).

Seeds (`/work/shared/seeds/*.txt`) have no pages (page is null); their section paths come from
numbered heading lines (第一部分 / 一、 / （一） / 1．). Table lines (tab-separated) contribute
their long narrative cells and their indicator rows (a cell with ≥ ≤ 以上 以下 or %).

    python scripts/extract_sentences.py [--seeds DIR] [--pdfs DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from extract.pipeline import process  # noqa: E402
from extract.tag.narrative import SKIP_SECTION, narrative_sentences  # noqa: E402
from extract.tag.sentences import split_sentences  # noqa: E402

DEFAULT_SEEDS = ROOT.parent / "shared" / "seeds"
DEFAULT_PDFS = ROOT.parent / "shared" / "corpus" / "pdf"

SEED_KINDS = {
    "000": "部门决算",  # 大同 2022 部门决算 with project self-evaluations
    "001": "绩效自评",  # 衡阳 2022 整体支出绩效自评报告
    "002": "绩效自评",  # 晋中 2020 整体支出绩效自评表
    "004": "部门决算",  # 攀枝花 2020 部门决算
}

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_TOC_LINE = re.compile(r"\.{3,}|…{2,}|^[^\t]*\t\s*\d+\s*$")
_NUM = "一二三四五六七八九十"
_HEADINGS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^(第[{_NUM}\d]+部分)\s*(.*)$")),
    (2, re.compile(rf"^([{_NUM}]+[、.．]|\d+、\s*(?=\S*情况说明))\s*(.*)$")),
    (3, re.compile(rf"^([（(][{_NUM}]+[)）])\s*(.*)$")),
    (4, re.compile(r"^(\d{1,2}[.．、](?!\d)|[（(]\d{1,2}[)）])\s*(.*)$")),
]
_HEADING_MAX = 30
_TARGET_CELL = re.compile(r"[≥≤＞＜><]|以上|以下|不低于|不高于|不少于|\d\s*%")
_NARRATIVE_CELL = re.compile(r"[，。；]")
NARRATIVE_CELL_MIN = 15
NO_HEADING = "（无标题）"
"""Section path of seed text before its first heading (the 晋中 自评表 has none at all)."""


@dataclass
class Row:
    doc_id: str
    source: str
    kind: str
    section_path: str
    page: int | None
    sentence_id: str
    text: str
    start: int | None
    end: int | None
    origin: str = "narrative"

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)


@dataclass
class _SeedSection:
    path: list[str]
    lines: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)


def _heading(line: str) -> tuple[int, str] | None:
    """(level, "numbering title") when `line` is a heading line of a seed file."""
    for level, pattern in _HEADINGS:
        m = pattern.match(line)
        if not m:
            continue
        title = m.group(2).strip()
        if len(title) > _HEADING_MAX or re.search(r"\d[\d,.]*\s*(万?元|%)", title):
            return None
        if title.endswith("。") and len(title) > 15:
            return None
        numbering = re.sub(r"\s+", "", m.group(1))
        return level, f"{numbering} {title}".strip()
    return None


def _seed_sections(text: str) -> list[_SeedSection]:
    stack: list[tuple[int, str]] = []
    sections = [_SeedSection(path=[])]
    for raw in text.splitlines():
        line = _BOOKMARK.sub("", raw).replace("\u3000", " ").strip()
        if not line or _TOC_LINE.search(raw):
            continue
        if "\t" in raw:
            cells = [c.strip() for c in _BOOKMARK.sub("", raw).split("\t")]
            sections[-1].table_rows.append([c for c in cells if c])
            continue
        heading = _heading(line)
        if heading:
            level, title = heading
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            sections.append(_SeedSection(path=[t for _, t in stack]))
            continue
        sections[-1].lines.append(line)
    return sections


def _clean(text: str) -> str:
    return text.replace("\n", "")


def seed_rows(path: Path) -> Iterator[Row]:
    prefix, _, doc_id = path.stem.partition("_")
    kind = SEED_KINDS.get(prefix, "other")
    n = 0
    for sec in _seed_sections(path.read_text(encoding="utf-8")):
        section_path = " > ".join(sec.path) or NO_HEADING
        if SKIP_SECTION.search(section_path.split(" > ")[0] if sec.path else ""):
            continue
        body = "\n".join(sec.lines)
        for s in split_sentences(body):
            n += 1
            yield Row(doc_id, path.name, kind, section_path, None, f"{doc_id}-{n:04d}", _clean(s.text), s.start, s.end)
        for cells in sec.table_rows:
            long_cells = [c for c in cells if len(c) >= NARRATIVE_CELL_MIN and _NARRATIVE_CELL.search(c)]
            label = next((c for c in cells if len(c) < NARRATIVE_CELL_MIN and not re.fullmatch(r"[\d.,%\s-]+", c)), "")
            cell_path = f"{section_path} > {label}" if label and section_path else (label or section_path)
            for cell in long_cells:
                for s in split_sentences(cell):
                    n += 1
                    yield Row(
                        doc_id, path.name, kind, cell_path, None, f"{doc_id}-{n:04d}", _clean(s.text), None, None, "table_cell"
                    )
            if not long_cells and len(cells) >= 3 and any(_TARGET_CELL.search(c) for c in cells):
                n += 1
                yield Row(
                    doc_id, path.name, kind, section_path, None, f"{doc_id}-{n:04d}", " | ".join(cells), None, None, "table_row"
                )


def pdf_rows(path: Path) -> Iterator[Row]:
    doc = process(path, tagger=None)
    if doc.status != "ok":
        print(f"skip {path.name}: {doc.status} {doc.error}", file=sys.stderr)
        return
    for sent in narrative_sentences(doc):
        yield Row(
            doc.doc_id[:16], path.name, str(doc.meta.kind), sent.section_path, sent.page, sent.sentence_id, sent.text, None, None
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    ap.add_argument("--pdfs", type=Path, default=DEFAULT_PDFS)
    ap.add_argument("--out", type=Path, default=ROOT / "annotations" / "sentences.jsonl")
    args = ap.parse_args(argv)
    rows: list[Row] = []
    for path in sorted(args.seeds.glob("*.txt")):
        rows.extend(seed_rows(path))
    for path in sorted(args.pdfs.glob("*.pdf")):
        rows.extend(pdf_rows(path))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(r.to_json() + "\n" for r in rows), encoding="utf-8")
    by_source: dict[str, int] = {}
    for r in rows:
        by_source[r.source] = by_source.get(r.source, 0) + 1
    for source, count in by_source.items():
        print(f"{count:6d}  {source}")
    print(f"{len(rows):6d}  sentences → {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
