"""Agreement of the gold links (issue 25): a second annotator marked one test document's link blocks again,
independently, from annotations/GROUNDING.md alone; this compares the two annotations.

    PYTHONPATH=. python scripts/agreement_links.py            # 江苏政协 2019 (4588cbbcbd3fc885)
    PYTHONPATH=. python scripts/agreement_links.py --list     # and every block where the two differ

The first annotation is the document's blocks of `annotations/work/links/test.txt` (the gold), the second
`annotations/agreement/links_<doc>.txt`; both are read with `read_marks` of scripts/annotate_links.py, the parser its
`apply` uses. A block is matched by sentence, label and offsets.

AMOUNTs: the share of amounts whose two cell sets are identical (both empty included); Cohen's kappa on linked / not
linked over every (amount, listed cell) pair (the cells listed under an amount in either file, read by the same parser
with every box ticked); precision / recall / F1 of the second annotation's links (amount × cell) against the first's;
and, where both link an amount, whether they list the same primary (first) cell. REASONs: (reason, value) pairs.
The first annotation is the reference; nothing here changes either annotation.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate_links import ROOT, WORK, GoldBlock, read_marks

AGREEMENT = ROOT / "annotations" / "agreement"
DOC = "4588cbbcbd3fc885"

Key = tuple[str, str, int, int]


def _key(b: GoldBlock) -> Key:
    return (b.sentence_id, b.label, b.start, b.end)


def document_blocks(path: Path, doc: str) -> dict[Key, GoldBlock]:
    return {_key(b): b for b in read_marks(path) if b.sentence_id.startswith(doc)}


def listed_cells(path: Path, doc: str) -> dict[Key, list[str]]:
    """Every cell (or value) listed under each block, marked or not: the file read by `read_marks` with every box
    ticked."""
    with tempfile.TemporaryDirectory() as tmp:
        ticked = Path(tmp) / path.name
        ticked.write_text(re.sub(r"(?m)^(\s+)\[ \]", r"\1[x]", path.read_text(encoding="utf-8")), encoding="utf-8")
        return {k: b.marked for k, b in document_blocks(ticked, doc).items()}


def cohen_kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    if n == 0:
        return float("nan")
    observed = sum(a == b for a, b in pairs) / n
    p1, p2 = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
    expected = p1 * p2 + (1 - p1) * (1 - p2)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def prf(tp: int, n_second: int, n_first: int) -> tuple[float, float, float]:
    p = tp / n_second if n_second else 1.0
    r = tp / n_first if n_first else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Agreement:
    amounts: int
    same_set: int
    kappa: float
    kappa_items: int
    links_first: int
    links_second: int
    links_both: int
    both_linked: int
    same_primary: int
    reasons: int
    reason_same_set: int
    pairs_first: int
    pairs_second: int
    pairs_both: int
    unmatched: list[Key]
    differing: list[tuple[GoldBlock, GoldBlock]]


def agreement(first: Path, second: Path, doc: str) -> Agreement:
    a, b = document_blocks(first, doc), document_blocks(second, doc)
    listed_a, listed_b = listed_cells(first, doc), listed_cells(second, doc)
    unmatched = sorted(set(a) ^ set(b))
    keys = sorted(set(a) & set(b))
    amounts = [k for k in keys if k[1] == "AMOUNT"]
    reasons = [k for k in keys if k[1] == "REASON"]
    kappa_pairs = [
        (cell in a[k].marked, cell in b[k].marked) for k in amounts for cell in dict.fromkeys(listed_a[k] + listed_b[k])
    ]
    both_linked = [k for k in amounts if a[k].marked and b[k].marked]

    def links(blocks: dict[Key, GoldBlock], ks: list[Key]) -> set[tuple[Key, str]]:
        return {(k, c) for k in ks for c in blocks[k].marked}

    la, lb = links(a, amounts), links(b, amounts)
    ra, rb = links(a, reasons), links(b, reasons)
    return Agreement(
        amounts=len(amounts),
        same_set=sum(set(a[k].marked) == set(b[k].marked) for k in amounts),
        kappa=cohen_kappa(kappa_pairs),
        kappa_items=len(kappa_pairs),
        links_first=len(la),
        links_second=len(lb),
        links_both=len(la & lb),
        both_linked=len(both_linked),
        same_primary=sum(a[k].marked[0] == b[k].marked[0] for k in both_linked),
        reasons=len(reasons),
        reason_same_set=sum(set(a[k].marked) == set(b[k].marked) for k in reasons),
        pairs_first=len(ra),
        pairs_second=len(rb),
        pairs_both=len(ra & rb),
        unmatched=unmatched,
        differing=[(a[k], b[k]) for k in keys if set(a[k].marked) != set(b[k].marked)],
    )


def report(ag: Agreement, doc: str) -> str:
    p, r, f = prf(ag.links_both, ag.links_second, ag.links_first)
    rp, rr, rf = prf(ag.pairs_both, ag.pairs_second, ag.pairs_first)
    rows = [
        ("AMOUNTs", f"{ag.amounts}"),
        ("same cell set", f"{ag.same_set}/{ag.amounts} = {ag.same_set / ag.amounts:.3f}"),
        ("kappa, linked vs not", f"{ag.kappa:.3f} (over {ag.kappa_items} amount x listed cell pairs)"),
        ("links first / second / both", f"{ag.links_first} / {ag.links_second} / {ag.links_both}"),
        ("links P / R / F1 (2nd vs 1st)", f"{p:.3f} / {r:.3f} / {f:.3f}"),
        ("same primary cell", f"{ag.same_primary}/{ag.both_linked} amounts both link"),
        ("REASONs", f"{ag.reasons} (same value set: {ag.reason_same_set})"),
        ("pairs first / second / agreed", f"{ag.pairs_first} / {ag.pairs_second} / {ag.pairs_both}"),
        ("pairs P / R / F1 (2nd vs 1st)", f"{rp:.3f} / {rr:.3f} / {rf:.3f}"),
    ]
    width = max(len(name) for name, _ in rows)
    lines = [f"gold links, {doc}: second annotation against the first (reference)"]
    lines += [f"  {name:<{width}}  {value}" for name, value in rows]
    if ag.unmatched:
        lines.append(f"  blocks in one file only: {ag.unmatched}")
    return "\n".join(lines)


def differences(ag: Agreement) -> str:
    lines = []
    for first, second in ag.differing:
        only_first = [c for c in first.marked if c not in second.marked]
        only_second = [c for c in second.marked if c not in first.marked]
        lines.append(f"{first.sentence_id} {first.label} {first.start}-{first.end} {first.text}")
        lines += [f"    first only:  {c}" for c in only_first]
        lines += [f"    second only: {c}" for c in only_second]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--doc", default=DOC, help="16-hex doc_id of the document annotated twice")
    ap.add_argument("--first", type=Path, default=WORK / "test.txt", help="the first annotation (the gold's work file)")
    ap.add_argument("--second", type=Path, help="the second annotation (default annotations/agreement/links_<doc>.txt)")
    ap.add_argument("--list", action="store_true", help="also list every block where the two differ")
    args = ap.parse_args(argv)
    ag = agreement(args.first, args.second or AGREEMENT / f"links_{args.doc}.txt", args.doc)
    print(report(ag, args.doc))
    if args.list:
        print(differences(ag))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
