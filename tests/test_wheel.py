"""The distribution as a new user gets it: a wheel built from this checkout, installed with no extras in a
fresh virtual environment, run from another folder. The trained taggers must come with the wheel and a
scanned page must be read by OCR (both failed silently or with an internal error before)."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import CORPUS, ROOT, requires_corpus

SCANNED_PAGE = CORPUS / "pages" / "gbc_shiquan_unit26_p34.png"  # an image: text only by OCR


def _run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The `bin/` of a fresh venv holding budgetlens installed from its wheel (dependencies from the registry)."""
    root = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", root / "dist", ROOT, cwd=root)
    (wheel,) = (root / "dist").glob("budgetlens-*.whl")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    bin_dir = root / "venv" / "bin"
    _run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, cwd=root)
    return bin_dir


def test_wheel_ships_the_models_and_tags_narrative(installed, tmp_path):
    out = _run(installed / "budgetlens", "tag", "社会保障和就业支出年初预算559.63万元，决算数914.04万元。", cwd=tmp_path).stdout
    assert "559.63万元" in out and "决算数" in out and "预算数" in out
    where = _run(installed / "python", "-c", "import extract.tag.base as b; print(b.MODELS_DIR)", cwd=tmp_path).stdout
    assert str(ROOT) not in where, "the installed package must not read models from the checkout"


@requires_corpus
def test_wheel_reads_a_scanned_page(installed, tmp_path):
    _run(installed / "budgetlens", "run", SCANNED_PAGE, "--out", tmp_path / "out", cwd=tmp_path)
    documents = pq.read_table(tmp_path / "out" / "documents.parquet").to_pylist()
    assert [d["status"] for d in documents] == ["ok"]
    assert documents[0]["n_ocr_pages"] == 1
    assert pq.read_table(tmp_path / "out" / "records.parquet").num_rows > 0
    _run(installed / "budgetlens", "dataset", tmp_path / "out", cwd=tmp_path)  # duckdb comes with the plain install
    assert "| `documents` | 1 |" in (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
