"""Score the grounding of narrative records (issue 25) against the gold links of annotations/grounding/.

    python scripts/eval_links.py                     # test split: links, records, reasons, SUBJECT F1
    python scripts/eval_links.py --split dev --spans gold --errors
    python scripts/eval_links.py --corpus            # share of narrative amounts linked, per corpus document
    python scripts/eval_links.py --corpus --sample 50 --seed 25   # and 50 random links to check by hand
    python scripts/eval_links.py --split train --spans /tmp/cv_spans.jsonl  # out-of-fold spans of cv_taggers.py --save
    python scripts/eval_links.py --split train --spans /tmp/cv_raw.jsonl --refine --errors  # saved with --raw

Links: a predicted link is right when its cell is one of the gold's cells for that amount (GROUNDING.md §5: the
same line printed in several tables); "strict" also asks for the gold's first (primary) cell. Precision is over
every link made (a link on a value the gold does not have as an AMOUNT counts as wrong), recall over the gold
amounts that restate a cell. Records: (subject, metric, value) triples as in scripts/eval_records.py. Reasons: for
every gold (REASON, value) pair, whether the value's record carries that reason; precision over the records given a
reason. SUBJECT F1: the tagger's spans (with refine) before and after the table-grounded repair of subjects
(`extract.records.subjects`). The tables are parsed from ../shared/corpus (with a narrative-only file's companion
file of tables, scripts/annotate_links.py); spans come from the gold, the default tagger or a file. Train has no gold
links: there only records and SUBJECT F1 are scored (of documents whose tables are parsed: the seeds are text).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

from annotate_links import COMPANIONS, CORPUS, GROUNDING, document_tables, in_document_order, parsed_tables, short_id
from eval_records import score_records

from extract.model import NarrativeRecord
from extract.pipeline import process
from extract.records.build import TaggedSentence, document_records
from extract.records.ground import TableCell, ground_records, table_cells
from extract.records.subjects import ground_subjects
from extract.tag.base import DEFAULT_BACKEND, load_tagger
from extract.tag.metrics import Score, score_spans
from extract.tag.refine import refine
from extract.tag.spans import Example, Span, load_split


def cell_key(doc_id: str, table_id: str, row: int, col: int) -> str:
    return f"{doc_id}/{table_id}/r{row}/c{col}"


def link_of(record: NarrativeRecord) -> str | None:
    if record.link_table_id is None:
        return None
    return cell_key(record.link_doc_id or "", record.link_table_id, record.link_row or 0, record.link_col or 0)


def load_gold(split: str) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """(amount mention → gold cells, primary first; reason mention → the value mentions it explains)."""
    cells: dict[str, list[str]] = {}
    explains: dict[str, set[str]] = {}
    path = GROUNDING / f"{split}.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
        row = json.loads(line)
        mention = f"{row['sentence_id']}:{row['start']}-{row['end']}"
        if row["label"] == "AMOUNT":
            cells[mention] = row["cells"]
        else:
            explains[mention] = set(row["explains"])
    return cells, explains


def predicted_spans(examples: list[Example], spans: str, refine_saved: bool = False) -> list[list[Span]]:
    """The gold spans, the default tagger's (with refine), or those saved in a JSONL file (`cv_taggers.py --save`),
    with the current refine rules applied when `refine_saved` (spans saved with `cv_taggers.py --raw`)."""
    if spans == "gold":
        return [list(e.spans) for e in examples]
    if spans != "tagger":
        saved = {}
        for line in Path(spans).read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            saved[row["sentence_id"]] = [Span(d["start"], d["end"], d["label"], d["text"], d["confidence"]) for d in row["spans"]]
        if not refine_saved:
            return [saved[e.sentence_id] for e in examples]
        return [refine(saved[e.sentence_id], e.text, e.kind, e.section_path) for e in examples]
    tagged = load_tagger(DEFAULT_BACKEND).predict([e.text for e in examples])
    return [refine(p, e.text, e.kind, e.section_path) for p, e in zip(tagged, examples, strict=True)]


def document_cells(examples: list[Example]) -> dict[str, list[TableCell]]:
    return {e.doc_id: table_cells(document_tables(e.source)) for e in {e.doc_id: e for e in examples}.values()}


def build(examples: list[Example], spans: list[list[Span]], cells: dict[str, list[TableCell]]) -> list[NarrativeRecord]:
    """Records of every document, grounded in its tables, as the pipeline builds them."""
    records: list[NarrativeRecord] = []
    by_doc: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by_doc[e.doc_id].append(i)
    for doc_id, indexes in by_doc.items():
        sentences = [
            TaggedSentence(
                examples[i].sentence_id, examples[i].text, spans[i], examples[i].section_path, origin=examples[i].origin
            )
            for i in indexes
        ]
        built = document_records(sentences, kind=examples[indexes[0]].kind)
        ground_records(built, cells[doc_id])
        records += built
    return records


def score_links(records: list[NarrativeRecord], gold: dict[str, list[str]], errors: bool) -> dict[str, Score]:
    loose, strict = Score(), Score()
    by_mention = {r.mention_ids[0]: r for r in records if r.label == "AMOUNT"}
    for mention, record in by_mention.items():
        got, want = link_of(record), gold.get(mention, [])
        if got is None:
            continue
        loose.tp += got in want
        loose.fp += got not in want
        strict.tp += bool(want) and got == want[0]
        strict.fp += not (want and got == want[0])
        if errors and got not in want:
            print(f"  wrong link {mention} {record.raw} «{record.subject}» → {got} (gold {want[:2]}) | {record.sentence[:70]}")
    for mention, want in gold.items():
        record = by_mention.get(mention)
        got = link_of(record) if record else None
        if want and got not in want:
            loose.fn += 1
            if errors and got is None:
                where = f"«{record.subject}» | {record.sentence[:70]}" if record else "(no value span)"
                print(f"  missed link {mention} → {want[0]} {where}")
        if want and got != want[0]:
            strict.fn += 1
    return {"links": loose, "links (primary cell)": strict}


def score_reasons(records: list[NarrativeRecord], explains: dict[str, set[str]], examples: list[Example]) -> Score:
    text_of = {f"{e.sentence_id}:{s.start}-{s.end}": s.text for e in examples for s in e.spans if s.label == "REASON"}
    pairs = {(text_of[reason], value) for reason, values in explains.items() for value in values}
    got = {(r.reason, r.mention_ids[0]) for r in records if r.reason}
    return Score(tp=len(pairs & got), fp=len(got - pairs), fn=len(pairs - got))


def subject_f1(examples: list[Example], before: list[list[Span]], after: list[list[Span]]) -> tuple[Score, Score]:
    gold = [e.spans for e in examples]
    return score_spans(gold, before)["SUBJECT"], score_spans(gold, after)["SUBJECT"]


def repaired(examples: list[Example], spans: list[list[Span]], cells: dict[str, list[TableCell]]) -> list[list[Span]]:
    return [ground_subjects(e.text, s, cells[e.doc_id]) for e, s in zip(examples, spans, strict=True)]


def evaluate(split: str, spans_from: str, errors: bool, refine_saved: bool = False) -> None:
    examples = in_document_order(load_split(split))
    gold_cells, explains = load_gold(split)
    cells = document_cells(examples)
    spans = predicted_spans(examples, spans_from, refine_saved)
    fixed = repaired(examples, spans, cells) if spans_from != "gold" else spans
    records = build(examples, fixed, cells)
    print(
        f"\n{split} split, {spans_from} spans: {len(examples)} sentences, {len(gold_cells)} gold amounts, "
        f"{sum(1 for v in gold_cells.values() if v)} restating a cell"
    )
    for name, score in score_links(records, gold_cells, errors).items():
        print(
            f"{name}: made {score.tp + score.fp}, right {score.tp}, precision {score.precision:.3f}, "
            f"recall {score.recall:.3f} (of {score.support})"
        )
    reasons = score_reasons(records, explains, examples)
    print(
        f"reasons attached: {reasons.tp} of {reasons.support} gold (reason, value) pairs = {reasons.recall:.3f}, "
        f"precision {reasons.precision:.3f}"
    )
    triples, _ = score_records(examples, fixed, errors=errors)
    print(
        f"records (subject, metric, value): {triples.tp} / {triples.support} = {triples.recall:.3f}, "
        f"precision {triples.precision:.3f}"
    )
    if spans_from != "gold":
        unrepaired, _ = score_records(examples, spans, errors=False)
        before, after = subject_f1(examples, spans, fixed)
        print(f"records without the subject repair: {unrepaired.tp} / {unrepaired.support} = {unrepaired.recall:.3f}")
        print(
            f"SUBJECT F1 before the repair {before.f1:.3f} (P {before.precision:.3f} R {before.recall:.3f}), "
            f"after {after.f1:.3f} (P {after.precision:.3f} R {after.recall:.3f})"
        )


def corpus(sample: int, seed: int) -> None:
    """Share of narrative amounts linked in every corpus PDF (with its companion tables), and a sample of links."""
    linked_all: list[tuple[NarrativeRecord, TableCell]] = []
    print(f"\n{'document':60} amounts  linked  share")
    companions = set(COMPANIONS.values())
    for path in sorted(CORPUS.glob("*.pdf")):
        if path.name in companions:
            continue
        doc = process(path)
        doc.doc_id = short_id(doc.doc_id)
        docs = [doc, *([parsed_tables(COMPANIONS[path.name])] if path.name in COMPANIONS else [])]
        cells = table_cells(docs)
        ground_records(doc.records, cells)
        amounts = [r for r in doc.records if r.label == "AMOUNT"]
        linked = [r for r in amounts if r.link_table_id]
        by_key = {cell_key(c.doc_id, c.table_id, c.row, c.col): c for c in cells}
        linked_all += [(r, by_key[link_of(r) or ""]) for r in linked]
        share = len(linked) / len(amounts) if amounts else 0.0
        print(f"{path.name[:60]:60} {len(amounts):7} {len(linked):7}  {share:.2f}")
    if sample:
        random.seed(seed)
        print(f"\n{sample} random links (seed {seed}): amount «subject» | sentence → cell")
        for r, c in random.sample(linked_all, min(sample, len(linked_all))):
            print(
                f"- {r.raw} «{r.subject}» [{r.metric}] | {r.sentence[:60]}\n    → {c.title[:24]} · {' / '.join(c.names)} · "
                f"{c.column} · {c.interval.mid / 1e4:,.2f}万元 (score {r.link_score})"
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="test", choices=("train", "dev", "test"))
    ap.add_argument(
        "--spans",
        default="tagger",
        help="tagger (default crf, with refine), gold, or a JSONL of spans "
        "(cv_taggers.py --save: the out-of-fold spans of train, whose documents have no gold links)",
    )
    ap.add_argument("--errors", action="store_true", help="list the wrong and missed links, and each sentence's record errors")
    ap.add_argument("--refine", action="store_true", help="apply the current refine rules to spans read from a file")
    ap.add_argument("--corpus", action="store_true", help="share of amounts linked per corpus document")
    ap.add_argument("--sample", type=int, default=0, help="with --corpus: print this many random links")
    ap.add_argument("--seed", type=int, default=25)
    args = ap.parse_args(argv)
    if args.corpus:
        corpus(args.sample, args.seed)
    else:
        evaluate(args.split, args.spans, args.errors, args.refine)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
