"""`budgetlens` command line: run the pipeline over files and folders, or show one document."""

from __future__ import annotations

import os
import traceback
from collections import Counter
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable
from rich.tree import Tree

from extract import __version__
from extract.batch.compact import compact as compact_dataset
from extract.batch.compact import finish
from extract.batch.ledger import LEDGER_FILE, LedgerBusy
from extract.batch.local import Limits
from extract.batch.ray_backend import RayUnavailable
from extract.batch.run import RUN_LOG, BatchSettings, RunRefused, run_batch
from extract.dataset.describe import dataset as dataset_command
from extract.model import Document, DocumentStatus, FindingStatus, Section, Severity
from extract.pipeline import Source, process
from extract.records.build import TaggedSentence, document_records
from extract.report.html_report import findings_json, write_html
from extract.review.cli import app as review_app
from extract.review.cli import train as train_reviewed
from extract.tag.base import BACKENDS, Tagger, TaggerUnavailable, load_tagger
from extract.tag.refine import refine
from extract.tag.sentences import split_sentences

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese budget disclosures → structured data.")
app.command("dataset")(dataset_command)
app.add_typer(review_app, name="review")
app.command("train")(train_reviewed)
console = Console()
err_console = Console(stderr=True)


class OcrChoice(StrEnum):
    AUTO = "auto"
    FORCE = "force"
    OFF = "off"


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


OCR_OPTION = typer.Option(
    OcrChoice.AUTO, "--ocr", help="auto: OCR pages without a usable text layer; force: every page; off: never."
)


def _safe_process(path: Source, ocr: OcrChoice = OcrChoice.AUTO) -> Document:
    """A bug on one document must not stop a batch: record it as that document's error."""
    try:
        return process(path, ocr=ocr.value)
    except Exception as exc:
        last = traceback.format_exception_only(exc)[-1].strip()
        return Document(doc_id="", path=str(path), status=DocumentStatus.FAILED, error=f"internal error: {last}")


def _require_tagger(name: str = "default") -> Tagger:
    """A missing model is an error that names the fix, never a run with empty narrative results."""
    try:
        return load_tagger(name)
    except TaggerUnavailable as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


class BackendChoice(StrEnum):
    LOCAL = "local"
    RAY = "ray"


@app.command()
def run(
    inputs: list[Path] = typer.Argument(
        None, help="PDFs, page images, DOCX/XLSX/XLS/HTML, folders (searched recursively) or quoted glob patterns."
    ),
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Output folder for the Parquet dataset."),
    from_lists: list[Path] = typer.Option([], "--from", help="A text file with one input path per line (repeatable)."),
    ocr: OcrChoice = OCR_OPTION,
    workers: int = typer.Option(
        os.cpu_count() or 1, "--workers", "-w", min=1, help="Worker processes (Ray: CPUs of a local cluster)."
    ),
    timeout: float = typer.Option(30.0, "--timeout", min=0.1, help="Seconds per page a document may take before it is stopped."),
    memory_limit: int = typer.Option(2048, "--memory-limit", min=0, help="Cap on each worker's resident memory, MiB (0: none)."),
    recycle: int = typer.Option(25, "--recycle", min=1, help="Replace a worker after this many documents."),
    retries: int = typer.Option(1, "--retries", min=0, help="Tries again for a document whose worker crashed."),
    chunk: int = typer.Option(8, "--chunk", min=1, help="Commit results every this many documents (and every 10 s)."),
    force: bool = typer.Option(False, "--force", help="Redo everything: forget what the output folder holds."),
    retry_failed: bool = typer.Option(
        False, "--retry-failed", help="Redo committed documents that timed out, crashed or hit the memory cap."
    ),
    backend: BackendChoice = typer.Option(BackendChoice.LOCAL, "--backend", help="local: a process pool; ray: Ray tasks."),
    ray_address: str | None = typer.Option(
        None, "--ray-address", help="Join this Ray cluster (default: RAY_ADDRESS, else start a local one)."
    ),
) -> None:
    """Parse, tag and check documents in parallel, resumably; write documents/sections/tables/cells/line_items/
    sentences/mentions/records/findings.parquet and docs/<doc_id>.json. Rerun the same command to resume."""
    _require_tagger()
    settings = BatchSettings(
        out_dir=out,
        workers=workers,
        ocr=ocr.value,
        limits=Limits(seconds_per_page=timeout, retries=retries, recycle=recycle),
        memory_limit_mb=memory_limit,
        backend=backend.value,
        ray_address=ray_address,
        force=force,
        retry_failed=retry_failed,
        chunk_documents=chunk,
    )
    try:
        summary = run_batch(inputs or [], settings, list_files=from_lists, console=err_console)
    except (RunRefused, LedgerBusy, RayUnavailable) as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    except KeyboardInterrupt as exc:
        err_console.print(f"[yellow]interrupted: what finished is committed in {out}; rerun the same command to resume[/yellow]")
        raise typer.Exit(130) from exc
    console.print(summary.table())
    console.print(
        f"{summary.documents - summary.not_ok}/{summary.documents} documents parsed → {out}/ ({RUN_LOG} has one line each)"
    )
    if summary.not_ok:
        raise typer.Exit(1)


@app.command()
def compact(out: Path = typer.Argument(..., help="A run's output folder.")) -> None:
    """Fold a run's committed parts into one sorted Parquet file per table (a finished run does this itself)."""
    if not (out / LEDGER_FILE).is_file():
        err_console.print(f"[red]{out} is not the output folder of a run (no {LEDGER_FILE})[/red]")
        raise typer.Exit(2)
    try:
        rows = compact_dataset(out)
    except LedgerBusy as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    finish(out)
    console.print(", ".join(f"{name} {n}" for name, n in rows.items()) + f" rows → {out}/")


def _section_tree(tree: Tree, sections: list[Section]) -> None:
    for s in sections:
        pages = f"p{s.page_start}" + (f"–{s.page_end}" if s.page_end != s.page_start else "")
        _section_tree(tree.add(f"{s.numbering}{s.title} [dim]{pages}[/dim]"), s.children)


@app.command()
def show(file: Path = typer.Argument(..., help="A PDF, image, DOCX, XLSX/XLS or HTML."), ocr: OcrChoice = OCR_OPTION) -> None:
    """Print a readable outline of one document: metadata, sections, tables, counts."""
    doc = _safe_process(file, ocr)
    if doc.status != DocumentStatus.OK:
        err_console.print(f"[red]{file}: {doc.status.value}: {doc.error}[/red]")
        raise typer.Exit(1)
    m = doc.meta
    console.print(f"[bold]{m.title or file.name}[/bold]")
    console.print(f"kind {m.kind.value} · year {m.year} · issuer {m.issuer} · unit {m.unit} · {len(doc.pages)} pages")
    if doc.toc:
        console.print(f"table of contents: {len(doc.toc)} entries on page {doc.toc[0].page}")
    if ocr_pages := [p for p in doc.pages if p.ocr]:
        console.print("OCR: " + ", ".join(f"p{p.number} ({p.ocr})" for p in ocr_pages))
    tree = Tree("[bold]sections[/bold]")
    _section_tree(tree, doc.sections)
    console.print(tree)
    table = RichTable(title="tables")
    for column in ("id", "type", "pages", "unit", "rows×cols", "items"):
        table.add_column(column, no_wrap=True)
    table.add_column("title", overflow="fold")
    table.add_column("panels", overflow="fold")
    counts: dict[str, int] = {}
    for item in doc.line_items:
        counts[item.table_id] = counts.get(item.table_id, 0) + 1
    for t in doc.tables:
        pages = str(t.page_start) + (f"–{t.page_end}" if t.page_end != t.page_start else "")
        table.add_row(
            t.table_id,
            t.table_type,
            pages,
            t.unit,
            f"{t.n_rows}×{t.n_cols}",
            str(counts.get(t.table_id, 0)),
            t.title,
            " | ".join(p.name for p in t.panels if p.name),
        )
    console.print(table)
    console.print(f"{len(doc.tables)} tables, {len(doc.line_items)} line items")


@app.command()
def check(
    file: Path = typer.Argument(..., help="A PDF, image, DOCX, XLSX/XLS or HTML."),
    show_consistent: bool = typer.Option(False, "--all", help="Also list checks that passed."),
    ocr: OcrChoice = OCR_OPTION,
    report: Path | None = typer.Option(None, "--report", help="Also write a self-contained HTML review report here."),
    output_format: OutputFormat = typer.Option(OutputFormat.TEXT, "--format", help="text, or json on stdout."),
) -> None:
    """Run the reconciliation checks on one document and print the findings, grouped by severity."""
    doc = _safe_process(file, ocr)
    if doc.status != DocumentStatus.OK:
        err_console.print(f"[red]{file}: {doc.status.value}: {doc.error}[/red]")
        raise typer.Exit(1)
    if report is not None:
        write_html(doc, report)
    if output_format == OutputFormat.JSON:
        print(findings_json(doc, everything=show_consistent))
        raise typer.Exit(3 if any(f.status == FindingStatus.INCONSISTENT for f in doc.findings) else 0)
    by_status = Counter(f.status for f in doc.findings)
    console.print(
        f"[bold]{doc.meta.issuer or file.name}[/bold] {doc.meta.year or ''} {doc.meta.kind.value}: "
        f"{by_status[FindingStatus.INCONSISTENT]} inconsistent, {by_status[FindingStatus.CONSISTENT]} consistent, "
        f"{by_status[FindingStatus.NOT_CHECKABLE]} not checkable"
    )
    colours = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
    for severity in Severity:
        shown = [f for f in doc.findings if f.severity == severity and (show_consistent or f.status != FindingStatus.CONSISTENT)]
        if not shown:
            continue
        console.rule(f"[{colours[severity]}]{severity.value}[/] ({len(shown)})")
        for f in shown:
            pages = sorted({e.page for e in f.evidence if e.page})
            console.print(f"[{colours[severity]}]{f.check_id}[/] [dim]{f.status.value} · p{','.join(map(str, pages))}[/dim]")
            console.print(f"  {f.message_zh}")
            console.print(f"  [dim]{f.message_en}[/dim]")
    if by_status[FindingStatus.INCONSISTENT]:
        raise typer.Exit(3)


@app.command()
def tag(
    text: str = typer.Argument(..., help="Narrative text, one or more sentences."),
    tagger: str = typer.Option("default", "--tagger", help=f"default, a backend ({', '.join(BACKENDS)}) or a model folder."),
    kind: str = typer.Option("", "--kind", help="document kind (部门预算, 部门决算, …), as `run` reads it from the file."),
    section: str = typer.Option("", "--section", help="section heading the text sits under (a budget's 工作任务 → targets)."),
) -> None:
    """Tag a piece of narrative and print its spans and the records built from them (spans refined as in `run`)."""
    model = _require_tagger(tagger)
    sentences = [s.text.replace("\n", "") for s in split_sentences(text)]
    tagged = [
        TaggedSentence(f"s{k + 1}", s, refine(spans, s, kind, section))
        for k, (s, spans) in enumerate(zip(sentences, model.predict(sentences), strict=True))
    ]
    spans = RichTable(title=f"spans ({model.backend} {model.version})")
    for column in ("sentence", "label", "text", "offsets", "confidence"):
        spans.add_column(column)
    for sent in tagged:
        for sp in sent.spans:
            spans.add_row(sent.sentence_id, sp.label, sp.text, f"{sp.start}–{sp.end}", f"{sp.confidence:.2f}")
    console.print(spans)
    records = RichTable(title="records")
    for column in ("subject", "metric", "value", "in 元 / ratio", "direction", "reason / target"):
        records.add_column(column)
    for r in document_records(tagged):
        amount = f"{r.value_yuan:,.2f}" if r.value_yuan is not None else (f"{r.ratio:g}" if r.ratio is not None else "")
        subject = (r.subject or "—") + (" [dim](from context)[/dim]" if r.subject_from_context else "")
        records.add_row(subject, r.metric or "", r.raw, amount, r.direction or "", r.reason or r.target or "")
    console.print(records)


@app.command()
def version() -> None:
    """Print the version."""
    console.print(__version__)


if __name__ == "__main__":
    app()
