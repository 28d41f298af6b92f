"""Opening office files safely: size limits before anything is loaded, encrypted and corrupt files
told apart, and the legacy formats (DOC, WPS, ET) converted by LibreOffice when it is installed.

An OOXML file (DOCX, XLSX) is a zip; a password-protected one is not: Office wraps the encrypted
package in an OLE compound file (the container of the legacy formats) with an ``EncryptedPackage``
stream. The limits bound what a hostile or broken file can cost before a reader builds anything.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from extract.parse.document import DocumentError

MAX_OFFICE_BYTES = 50 * 1024 * 1024
"""Largest DOCX/XLSX/XLS/HTML file read (a disclosure is a few MiB at most)."""
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
"""Largest total size of a zip's members once inflated (a zip bomb stops here)."""
MAX_XML_PART_BYTES = 24 * 1024 * 1024
"""Largest XML part (document.xml, a worksheet) parsed: an XML tree takes several times its size in memory."""
CONVERT_TIMEOUT_S = 180
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def read_bounded(path: Path, limit: int = MAX_OFFICE_BYTES) -> bytes:
    size = path.stat().st_size
    if size == 0:
        raise DocumentError("empty file (0 bytes)")
    if size > limit:
        raise DocumentError(f"file too large: {size / 2**20:.0f} MiB (limit {limit // 2**20} MiB)")
    return path.read_bytes()


def is_encrypted_ooxml(data: bytes) -> bool:
    """An OLE container holding an ``EncryptedPackage`` stream: a password-protected DOCX/XLSX."""
    return data.startswith(OLE_MAGIC) and _ENCRYPTED_STREAM in data


def open_zip(path: Path, data: bytes, kind: str) -> zipfile.ZipFile:
    """The OOXML package of a DOCX/XLSX, checked: not encrypted, a readable zip, not a zip bomb."""
    if is_encrypted_ooxml(data):
        raise DocumentError(f"password-protected {kind}: remove the password (or save an unprotected copy) to read it")
    if data.startswith(OLE_MAGIC):
        raise DocumentError(f"not a {kind} package but a legacy Office (OLE) file: rename it to its real suffix (.doc/.xls)")
    try:
        package = zipfile.ZipFile(path)
        members = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DocumentError(f"corrupt {kind} (not a readable zip package): {exc}") from exc
    inflated = sum(m.file_size for m in members)
    if inflated > MAX_UNZIPPED_BYTES:
        raise DocumentError(f"{kind} inflates to {inflated / 2**20:.0f} MiB (limit {MAX_UNZIPPED_BYTES // 2**20} MiB)")
    if big := [m for m in members if m.filename.endswith(".xml") and m.file_size > MAX_XML_PART_BYTES]:
        size = big[0].file_size / 2**20
        raise DocumentError(f"{kind} part {big[0].filename} is {size:.0f} MiB (limit {MAX_XML_PART_BYTES // 2**20} MiB)")
    if (bad := package.testzip()) is not None:
        raise DocumentError(f"corrupt {kind}: member {bad} fails its CRC check")
    return package


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_legacy(path: Path, target: str, workdir: Path | None = None) -> Path:
    """Convert a DOC/WPS (``target`` "docx") or ET (``target`` "xlsx") file with LibreOffice headless;
    the copy is written into ``workdir`` (a fresh temporary folder by default)."""
    binary = libreoffice()
    if binary is None:
        raise DocumentError(
            f"{path.suffix} files are read through LibreOffice, which is not installed: "
            "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui (or save the file as .docx/.xlsx)"
        )
    out = workdir or Path(tempfile.mkdtemp(prefix="budgetlens-convert-"))
    profile = (out / "lo-profile").as_uri()  # a private profile: parallel conversions do not lock each other out
    command = [binary, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(out), str(path)]
    try:
        subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise DocumentError(f"LibreOffice did not convert {path.name} within {CONVERT_TIMEOUT_S} s") from exc
    converted = out / f"{path.stem}.{target}"
    if not converted.exists():
        raise DocumentError(f"LibreOffice could not convert {path.name} to .{target} (corrupt or password-protected?)")
    return converted
