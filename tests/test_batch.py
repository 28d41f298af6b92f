"""Bulk runs (`extract/batch/`) on real documents: killed and resumed, misbehaving documents isolated, the dataset
independent of worker count, file names and backend. Runs go through the command line in a child process, in its
own process group, so a test can SIGKILL the whole run (driver, forkserver and workers) like an operator or the
OOM killer would."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pymupdf
import pytest

from conftest import CORPUS, ROOT, SAMPLE, requires_corpus
from extract.batch.compact import compact, finish, read_dataset
from extract.batch.inputs import gather, make_jobs
from extract.batch.ledger import Ledger
from extract.batch.run import largest_first
from extract.batch.work import TEST_FAULTS_ENV, Options, fingerprint, work
from extract.dataset.export import PRIMARY_KEYS

pytestmark = requires_corpus

SMALL = [
    SAMPLE,
    CORPUS / "pdf" / "ae86_江苏省委办公厅__江苏省委办公厅2018年度部门预算公开表.pdf",
    CORPUS / "pdf" / "ae86_江苏省政协办公厅__江苏省政协办公厅2019年预算公开表.pdf",
    CORPUS / "pdf" / "ae86_江苏省委办公厅__江苏省委办公厅2018年度部门预算公开文件.pdf",
]


def start_run(inputs: list[Path], out: Path, *options: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "extract.cli", "run", *map(str, inputs), "--out", str(out), *options]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run(inputs: list[Path], out: Path, *options: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    process = start_run(inputs, out, *options, env=env)
    output, _ = process.communicate(timeout=600)
    return process.returncode, output


def assert_canonical(out: Path) -> None:
    """One file per table, sorted by its primary key, no key twice."""
    assert not (out / "parts").exists()
    for name, keys in PRIMARY_KEYS.items():
        rows = [tuple(row[k] for k in keys) for row in pq.read_table(out / f"{name}.parquet").to_pylist()]
        assert rows == sorted(rows), name
        assert len(set(rows)) == len(rows), name


def without_paths(tables: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {**tables, "documents": [{**row, "path": None} for row in tables["documents"]]}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """An uninterrupted run over SMALL with two workers."""
    out = tmp_path_factory.mktemp("reference")
    code, output = run(SMALL, out, "--workers", "2")
    assert code == 0, output
    return out


def test_a_run_writes_one_canonical_file_per_table(reference):
    assert_canonical(reference)
    tables = read_dataset(reference)
    assert [row["status"] for row in tables["documents"]] == ["ok"] * len(SMALL)
    assert len(tables["docs"]) == len(SMALL)
    assert tables["line_items"] and tables["records"] and tables["cells"]
    lines = [json.loads(line) for line in (reference / "run.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [line["event"] for line in lines] == ["start"] + ["document"] * len(SMALL)
    assert sum(line["pages"] for line in lines[1:]) == sum(row["pages"] for row in tables["documents"])


def log_lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) if path.exists() else 0


def kill_during(process: subprocess.Popen, log: Path, rng: random.Random) -> None:
    """SIGKILL the run's process group at a random moment while it works: after 0–2 more documents have finished
    (the start line counts as one), plus 0–1.5 s."""
    target = log_lines(log) + 1 + rng.randint(0, 2)
    while log_lines(log) < target and process.poll() is None:
        time.sleep(0.05)
    time.sleep(rng.uniform(0.0, 1.5))
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_killed_runs_resume_to_the_uninterrupted_dataset(reference, tmp_path):
    """SIGKILL the whole process group at random moments, rerun the same command: the same dataset, row for row."""
    rng = random.Random(23)
    for trial in range(3):
        out = tmp_path / f"trial{trial}"
        kill_during(start_run(SMALL, out, "--workers", "2", "--chunk", "1"), out / "run.jsonl", rng)
        if trial == 0:  # what a killed run committed, compacted: canonical, and each document as in the full run
            compacted = subprocess.run([sys.executable, "-m", "extract.cli", "compact", str(out)], cwd=ROOT, capture_output=True)
            assert compacted.returncode == 0, compacted.stderr
            assert_canonical(out)
            got, expected = read_dataset(out), read_dataset(reference)
            done = {row["doc_id"] for row in got["documents"]}
            for name in PRIMARY_KEYS:
                assert got[name] == [row for row in expected[name] if row["doc_id"] in done]
            assert got["docs"] == [name for name in expected["docs"] if name.removesuffix(".json") in done]
        code, output = run(SMALL, out, "--workers", "2", "--chunk", "1")
        assert code == 0, output
        assert_canonical(out)
        assert read_dataset(out) == read_dataset(reference)


def test_a_rerun_skips_committed_documents(reference, tmp_path):
    out = tmp_path / "out"
    assert run(SMALL[:2], out, "--workers", "2")[0] == 0
    code, output = run(SMALL, out, "--workers", "2")
    assert code == 0, output
    starts = [json.loads(line) for line in (out / "run.jsonl").read_text(encoding="utf-8").splitlines() if '"start"' in line]
    assert [(s["documents"], s["to_do"]) for s in starts] == [(2, 2), (4, 2)]
    assert read_dataset(out) == read_dataset(reference)
    code, output = run(SMALL, out, "--ocr", "force")
    assert code == 2 and "ocr: auto → force" in output and "--force" in output


def test_keys_do_not_depend_on_workers_or_file_names(reference, tmp_path):
    """One worker, the inputs renamed and listed in reverse in a list file: the same rows except for the paths."""
    folder = tmp_path / "renamed"
    folder.mkdir()
    names = []
    for k, path in enumerate(reversed(SMALL)):
        (folder / f"doc{k}.pdf").write_bytes(path.read_bytes())
        names.append(f"doc{k}.pdf")
    (folder / "copy_of_doc0.pdf").write_bytes((folder / "doc0.pdf").read_bytes())  # byte-identical: done once
    (folder / "list.txt").write_text("\n".join(["# inputs", *names, "copy_of_doc0.pdf"]) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, output = run([], out, "--from", str(folder / "list.txt"), "--workers", "1")
    assert code == 0, output
    assert_canonical(out)
    assert without_paths(read_dataset(out)) == without_paths(read_dataset(reference))
    assert {row["path"].rsplit("/", 1)[-1] for row in read_dataset(out)["documents"]} == set(names)


def one_page_pdf(path: Path, text: str) -> Path:
    pdf = pymupdf.open()
    pdf.new_page().insert_text((72, 72), text)
    pdf.save(path)
    return path


def test_misbehaving_documents_fail_alone(tmp_path):
    """A hang, a crash, a memory hog and a corrupt file, with good documents: each failure classified, the rest done."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("hang.pdf", "abort.pdf", "allocate.pdf"):
        one_page_pdf(folder / name, f"budget {name}")
    (folder / "corrupt.pdf").write_bytes(SAMPLE.read_bytes()[:2000])
    faults = {"hang.pdf": "hang", "abort.pdf": "abort", "allocate.pdf": "allocate"}
    options = ("--workers", "2", "--timeout", "10", "--memory-limit", "1200", "--retries", "0")
    out = tmp_path / "out"
    code, output = run([SAMPLE, SMALL[1], folder], out, *options, env={TEST_FAULTS_ENV: json.dumps(faults)})
    assert code == 1, output
    rows = {row["path"].rsplit("/", 1)[-1]: row for row in read_dataset(out)["documents"]}
    assert rows[SAMPLE.name]["status"] == rows[SMALL[1].name]["status"] == "ok"
    assert rows["hang.pdf"]["error"].startswith("timeout: no result after 10 s")
    assert rows["abort.pdf"]["error"] == "worker crashed: killed by SIGABRT"
    assert rows["allocate.pdf"]["error"].startswith("memory limit: the worker passed the 1200 MiB cap")
    assert rows["corrupt.pdf"]["status"] == "failed" and rows["corrupt.pdf"]["error"].startswith("corrupt PDF")
    lines = [json.loads(line) for line in (out / "run.jsonl").read_text(encoding="utf-8").splitlines()]
    results = {line["path"].rsplit("/", 1)[-1]: line["result"] for line in lines if line["event"] == "document"}
    faulty = ("hang.pdf", "abort.pdf", "allocate.pdf", "corrupt.pdf")
    assert [results[name] for name in faulty] == ["timeout", "worker crashed", "memory limit", "error"]


def test_the_ray_backend_writes_the_same_read_dataset(reference, tmp_path):
    pytest.importorskip("ray")
    out = tmp_path / "out"
    code, output = run(SMALL, out, "--backend", "ray", "--workers", "2")
    assert code == 0, output
    assert read_dataset(out) == read_dataset(reference)


def test_inputs_from_globs_lists_and_folders(tmp_path):
    """Globs expand sorted, list files resolve from their folder, byte-identical inputs are one job, and an input
    that cannot be read gets the sha256 of its path as doc_id."""
    folder = tmp_path / "in" / "sub"
    folder.mkdir(parents=True)
    for name in ("b.pdf", "a.pdf"):
        one_page_pdf(folder / name, f"budget {name}")
    (folder / "copy.pdf").write_bytes((folder / "a.pdf").read_bytes())
    listing = tmp_path / "in" / "list.txt"
    listing.write_text("# two inputs\nsub/b.pdf\n\nmissing.pdf\n", encoding="utf-8")
    sources = gather([tmp_path / "in" / "**" / "*.pdf"], [listing])
    assert [Path(str(s)).name for s in sources] == ["a.pdf", "b.pdf", "copy.pdf", "missing.pdf"]
    jobs, duplicates = make_jobs(sources)
    assert [job.name for job in jobs] == ["a.pdf", "b.pdf", "missing.pdf"]
    assert [Path(str(s)).name for s in duplicates[jobs[0].doc_id]] == ["copy.pdf"]
    missing = jobs[2]
    assert missing.doc_id == hashlib.sha256(str(missing.source).encode()).hexdigest() and missing.pages == 0
    assert jobs[0].pages == 1


def test_a_compaction_killed_while_deleting_parts_loses_nothing(tmp_path):
    """Compaction deletes the parts it folded in only after the ledger marks them compacted: parts a kill left behind
    are swept at the next compaction, never read as newer than the tables (which would drop the rows they lack)."""
    out = tmp_path / "out"
    options = Options(ocr="off", memory_limit_mb=0)
    outcomes = [work(job, options) for job in make_jobs(gather(SMALL[1:3]))[0]]
    with Ledger(out) as ledger:
        for outcome in outcomes:
            ledger.commit([outcome], fingerprint(options))
    kept = {path: path.read_bytes() for path in (out / "parts").rglob("*.parquet")}
    compact(out)
    finish(out)
    expected = read_dataset(out)
    assert {row["doc_id"] for row in expected["documents"]} == {o.doc_id for o in outcomes}
    for path, data in kept.items():  # a kill during the deletion left some parts: here, the documents table's
        if path.parent.name == "documents":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    compact(out)
    assert_canonical(out)
    assert read_dataset(out) == expected


def test_largest_documents_are_scheduled_first(tmp_path):
    """Jobs go to the workers by page count, largest first, input order among equals: long documents overlap with
    short ones instead of ending the batch on one busy worker."""
    for pages, name in ((2, "a.pdf"), (5, "b.pdf"), (2, "c.pdf"), (9, "d.pdf")):
        with pymupdf.open() as pdf:
            for n in range(pages):
                pdf.new_page().insert_text((72, 72), f"{name} page {n}")
            pdf.save(tmp_path / name)
    jobs, _ = make_jobs(gather([tmp_path]))
    assert [(job.name, job.pages) for job in largest_first(jobs)] == [("d.pdf", 9), ("b.pdf", 5), ("a.pdf", 2), ("c.pdf", 2)]
