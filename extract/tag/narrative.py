"""The narrative sentences of a parsed Document, and the tag stage that fills `doc.mentions`.

Narrative = the text of sections that are not table dumps, glossaries, appendices or a table of
contents. Each sentence keeps its section path, its first page and the box of the page lines it
was read from, so every mention and record points back at the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from extract.model import BBox, Document, Mention, NarrativeSentence, Section, TextLine
from extract.tag.base import Tagger
from extract.tag.refine import refine
from extract.tag.sentences import split_sentences

SKIP_SECTION = re.compile(r"(?<!说明)表$|名词解释|目\s*录")
"""Sections whose text is table dumps, a glossary or a table of contents. Appendices (附件) are tagged: in a 决算 they
hold the project and 整体支出 self-evaluation reports, narrative of their own (大同, 攀枝花)."""


def section_paths(sections: list[Section], parents: tuple[str, ...] = ()) -> Iterator[tuple[str, Section]]:
    for sec in sections:
        label = f"{sec.numbering} {sec.title}".strip()
        path = (*parents, label)
        yield " > ".join(path), sec
        yield from section_paths(sec.children, path)


def _lines_of(doc: Document, sec: Section, sentence: str) -> list[TextLine]:
    """The body lines (of the section's pages) that the sentence's text was read from, in order: the
    line where it starts (its opening may run over a line break), then following lines until its length
    is covered."""
    flat = "".join(sentence.split())
    if len(flat) < 4:
        return []
    pages = []
    for page in doc.pages[sec.page_start - 1 : sec.page_end]:
        lines = [line for block in page.blocks for line in block.lines]
        pages.append((lines, ["".join(line.text.split()) for line in lines]))
    # the longest opening found wins: budget prose repeats openings ("2025年当年预算执行数为…") line after line
    for probe in dict.fromkeys((flat[:40], flat[:20], flat[:12])):
        for lines, texts in pages:
            at = "".join(texts).find(probe)
            if at >= 0:
                return _covering(lines, texts, at, len(flat))
    return []


def _covering(lines: list[TextLine], texts: list[str], at: int, length: int) -> list[TextLine]:
    """The lines holding `length` characters from offset `at` of their joined (space-free) texts."""
    found, covered = [], -at
    for line, text in zip(lines, texts, strict=True):
        covered += len(text)
        if covered <= 0:
            continue
        found.append(line)
        if covered >= length:
            break
    return found


def _union(lines: list[TextLine]) -> BBox | None:
    lines = [ln for ln in lines if ln.page == lines[0].page] if lines else []
    if not lines:
        return None
    return (
        min(ln.bbox[0] for ln in lines),
        min(ln.bbox[1] for ln in lines),
        max(ln.bbox[2] for ln in lines),
        max(ln.bbox[3] for ln in lines),
    )


def _sentences_with_lines(doc: Document) -> list[tuple[NarrativeSentence, list[TextLine]]]:
    out: list[tuple[NarrativeSentence, list[TextLine]]] = []
    for section_path, sec in section_paths(doc.sections):
        if not sec.text.strip() or SKIP_SECTION.search(sec.title):
            continue
        for s in split_sentences(sec.text):
            lines = _lines_of(doc, sec, s.text)
            out.append(
                (
                    NarrativeSentence(
                        sentence_id=f"{doc.doc_id[:16]}-{len(out) + 1:04d}",
                        section_path=section_path,
                        text=s.text.replace("\n", ""),
                        page=lines[0].page if lines else sec.page_start,
                        bbox=_union(lines),
                        locator=lines[0].locator if lines else None,
                    ),
                    lines,
                )
            )
    return out


def narrative_sentences(doc: Document) -> list[NarrativeSentence]:
    """Every narrative sentence in reading order; ids are `<doc_id[:16]>-<n>` numbered from 1."""
    return [sentence for sentence, _ in _sentences_with_lines(doc)]


def _place(text: str, lines: list[TextLine], sentence: NarrativeSentence) -> tuple[int | None, BBox | None, str | None]:
    """The page, box and locator of the first of the sentence's lines that prints `text` (spaces ignored)."""
    needle = "".join(text.split())
    for line in lines:
        if needle and needle in "".join(line.text.split()):
            return line.page, line.bbox, line.locator
    return sentence.page, sentence.bbox, sentence.locator


def tag_document(doc: Document, tagger: Tagger, batch_size: int = 64) -> None:
    """Fill `doc.sentences` and `doc.mentions` (tagger spans refined by `extract.tag.refine`)."""
    with_lines = _sentences_with_lines(doc)
    doc.sentences = [sentence for sentence, _ in with_lines]
    name = f"{tagger.backend} {tagger.version}"
    doc.mentions = []
    for k in range(0, len(with_lines), batch_size):
        batch = with_lines[k : k + batch_size]
        for (sent, lines), spans in zip(batch, tagger.predict([s.text for s, _ in batch]), strict=True):
            for sp in refine(spans, sent.text, doc.meta.kind.value, sent.section_path):
                page, bbox, locator = _place(sp.text, lines, sent)
                doc.mentions.append(
                    Mention(
                        mention_id=f"{sent.sentence_id}:{sp.start}-{sp.end}",
                        sentence_id=sent.sentence_id,
                        label=sp.label,
                        start=sp.start,
                        end=sp.end,
                        text=sp.text,
                        confidence=sp.confidence,
                        tagger=name,
                        page=page,
                        bbox=bbox,
                        locator=locator,
                    )
                )
