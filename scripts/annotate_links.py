"""Gold links for the held-out documents: for every AMOUNT of the dev and test gold, the table cell(s) it restates,
and for every REASON the values it explains (annotations/GROUNDING.md has the conventions).

    python scripts/annotate_links.py propose --split test   # → annotations/work/links/test.proposed.txt (pre-marked)
    python scripts/annotate_links.py apply                  # work/links/*.txt → annotations/grounding/{dev,test}.jsonl

`propose` lists, under each gold AMOUNT, every money cell of the document's tables (and of its companion file of
tables) whose printed value meets the amount at printed precision, and marks `[x]` the ones whose row or column has
the same name as the amount's subject; the annotator copies it to test.txt, reads every block and moves the marks (a
proposal is not an annotation). Under each REASON it lists the values of the sentence before it (in document order)
and marks those the gold's in-sentence relations give, else every change of the previous sentence with values. `apply` reads the
marks back. The tables come from `extract.pipeline.process` (narrative stages skipped); a cell is named by doc_id
(16 hex digits, as in the gold), table_id, row and col, with its row name, column and printed value so that a parser
change that moves cells is caught (`load_gold_links` checks them).
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from extract.model import Document
from extract.pipeline import process
from extract.records.ground import TableCell, similarity, table_cells
from extract.tag.spans import Example, load_split

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "pdf"
WORK = ROOT / "annotations" / "work" / "links"
GROUNDING = ROOT / "annotations" / "grounding"

_ZX, _WB = "ae86_江苏省政协办公厅__江苏省政协办公厅", "ae86_江苏省委办公厅__江苏省委办公厅"
COMPANIONS = {
    f"{_ZX}2019年度部门预算.pdf": f"{_ZX}2019年预算公开表.pdf",
    f"{_WB}2018年度部门预算公开文件.pdf": f"{_WB}2018年度部门预算公开表.pdf",
}
"""Narrative-only files and the file that publishes their tables (same issuer, same year)."""
CHANGE_METRICS = ("增减额", "增减率")


def short_id(doc_id: str) -> str:
    return doc_id[:16]


def parsed_tables(name: str) -> Document:
    """A corpus PDF parsed without the narrative stages, its doc_id cut to the gold's 16 hex digits."""
    doc = process(CORPUS / name, tagger=None)
    doc.doc_id = short_id(doc.doc_id)
    return doc


def document_tables(source: str) -> list[Document]:
    """The parsed documents whose tables a gold document's amounts may restate: its own file (if it is a PDF of the
    corpus) and its companion file of tables."""
    names = (source, COMPANIONS.get(source))
    return [parsed_tables(name) for name in names if name and name.endswith(".pdf") and (CORPUS / name).is_file()]


def in_document_order(examples: list[Example]) -> list[Example]:
    """Gold lines sorted by document and sentence number (the gold files list each round's additions after the last)."""
    return sorted(examples, key=lambda e: (e.doc_id, e.sentence_id))


def cell_key(cell: TableCell) -> str:
    return f"{cell.doc_id}/{cell.table_id}/r{cell.row}/c{cell.col}"


def _cell_line(cell: TableCell, mark: bool, k: int) -> str:
    return (
        f"   [{'x' if mark else ' '}] {k} {cell_key(cell)} | {' / '.join(cell.names) or '—'} | {cell.column} | "
        f"{cell.interval.mid:,.2f}元 | {cell.title}"
    )


def _amount_candidates(ex: Example, span_index: int, cells: list[TableCell]) -> list[TableCell]:
    from extract.records.build import TaggedSentence, sentence_records
    from extract.records.ground import candidates

    record = next(
        r
        for r in sentence_records(TaggedSentence(ex.sentence_id, ex.text, ex.spans, ex.section_path), kind=ex.kind)
        if r.record_id.endswith(f":{ex.spans[span_index].start}-{ex.spans[span_index].end}")
    )
    return candidates(record, cells)


def _subject_of(ex: Example, i: int) -> str | None:
    return next((ex.spans[r.tail].text for r in ex.relations if r.head == i and r.type != "reason-for"), None)


def propose(split: str) -> Path:
    examples = in_document_order(load_split(split))
    out: list[str] = [
        f"# Gold links, {split} split: proposals by scripts/annotate_links.py, then read and marked by hand.",
        "# [x] = the amount restates this cell (several: the same line printed in several tables).",
        "# REASON blocks: [x] = the reason explains this value.",
    ]
    by_doc: dict[str, list[Example]] = {}
    for e in examples:
        by_doc.setdefault(e.doc_id, []).append(e)
    for doc_id, exs in by_doc.items():
        cells = table_cells(document_tables(exs[0].source))
        out.append(f"\n@@ {doc_id} {exs[0].source} ({len(cells)} money cells)")
        for n, ex in enumerate(exs):
            values = [i for i, s in enumerate(ex.spans) if s.label in ("AMOUNT", "REASON")]
            if not values:
                continue
            out.append(f"\n## {ex.sentence_id} | {ex.text}\n# section: {ex.section_path}")
            for i in values:
                span = ex.spans[i]
                out.append(
                    f"{span.label[0]} {span.start}-{span.end} {span.text} [{span.attrs.get('metric') or ''}] "
                    f"subject={_subject_of(ex, i)}"
                )
                if span.label == "AMOUNT":
                    subject = _subject_of(ex, i) or ""
                    for k, cell in enumerate(_amount_candidates(ex, i, cells)[:20], 1):
                        mark = bool(subject) and max((similarity(subject, name) for name in cell.names), default=0) >= 0.95
                        out.append(_cell_line(cell, mark, k))
                else:
                    out.extend(_reason_candidates(exs, n, i))
    path = WORK / f"{split}.proposed.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _reason_candidates(exs: list[Example], n: int, i: int) -> list[str]:
    """The values a REASON may explain: its own sentence's changes, or the previous sentence's with values."""
    ex = exs[n]
    given = {r.tail for r in ex.relations if r.head == i and r.type == "reason-for"}
    if given:
        return [f"   [x] {ex.sentence_id}:{ex.spans[t].start}-{ex.spans[t].end} {ex.spans[t].text}" for t in sorted(given)]
    previous = next((p for p in reversed(exs[:n]) if any(s.label in ("AMOUNT", "PERCENT") for s in p.spans)), None)
    if previous is None:
        return []
    lines = []
    for s in previous.spans:
        if s.label in ("AMOUNT", "PERCENT"):
            mark = s.attrs.get("metric") in CHANGE_METRICS
            lines.append(
                f"   [{'x' if mark else ' '}] {previous.sentence_id}:{s.start}-{s.end} {s.text} [{s.attrs.get('metric') or ''}]"
            )
    return lines


@dataclass
class GoldBlock:
    sentence_id: str
    label: str
    start: int
    end: int
    text: str
    marked: list[str]
    printed: list[str]


def read_marks(path: Path) -> list[GoldBlock]:
    blocks: list[GoldBlock] = []
    sentence_id = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            sentence_id = line[3:].split(" | ", 1)[0].strip()
        elif m := re.match(r"^([AR]) (\d+)-(\d+) (.*?) \[", line):
            blocks.append(
                GoldBlock(
                    sentence_id, {"A": "AMOUNT", "R": "REASON"}[m.group(1)], int(m.group(2)), int(m.group(3)), m.group(4), [], []
                )
            )
        elif m := re.match(r"^\s+\[x\] (?:\d+ )?(\S+)(?: \| (.*))?", line):
            blocks[-1].marked.append(m.group(1))
            blocks[-1].printed.append(m.group(2) or "")
    return blocks


def apply() -> dict[str, int]:
    counts = {}
    GROUNDING.mkdir(parents=True, exist_ok=True)
    for split in ("dev", "test"):
        path = WORK / f"{split}.txt"
        lines = []
        for b in read_marks(path):
            row = {"sentence_id": b.sentence_id, "label": b.label, "start": b.start, "end": b.end, "text": b.text}
            if b.label == "AMOUNT":
                row["cells"] = b.marked
                row["printed"] = b.printed  # names | column | value | table title, as the parser read them
            else:
                row["explains"] = b.marked
            lines.append(json.dumps(row, ensure_ascii=False))
        (GROUNDING / f"{split}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        counts[split] = len(lines)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("propose")
    p.add_argument("--split", default="test", choices=("dev", "test"))
    sub.add_parser("apply")
    args = ap.parse_args(argv)
    if args.command == "propose":
        print(propose(args.split))
    else:
        print(apply())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
