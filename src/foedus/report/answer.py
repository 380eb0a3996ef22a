"""The answer of ``foedus report … --json`` and the atomic writing of a report.

A report is written to a temporary file beside its destination and renamed into place, so
the destination is either the old file or the whole new one, never half of either. With
``--pdf`` Debian's chromium prints the written HTML (:func:`print_pdf`), also atomically.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from foedus import atomic
from foedus.answer import TypedAnswer
from foedus.errors import ReportError, WriteError
from foedus.provenance import Provenance

__all__ = ["CHROMIUM", "ReportAnswer", "ReportError", "print_pdf", "publish", "write_atomic"]

#: Where Debian installs chromium (``apt-get install chromium``); ``FOEDUS_CHROMIUM`` overrides.
CHROMIUM = "/usr/bin/chromium"


class ReportAnswer(TypedAnswer):
    """``foedus report … --json``: where the report went, its size, its provenance.

    ``pdf`` (the printed copy) appears only with ``--pdf``.
    """

    omit_if_none: ClassVar[frozenset[str]] = frozenset({"pdf"})

    out: str
    bytes: int
    pdf: str | None = None
    provenance: Provenance


def write_atomic(path: str | Path, data: bytes) -> int:
    """Write ``data`` to ``path`` through :func:`foedus.atomic.write_atomic` (a temporary
    file in the same folder, fsync, rename; nothing left behind on failure), creating the
    folder; the bytes written.

    Raises
    ------
    ReportError
        If the folder cannot be created or written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return atomic.write_atomic(path, data)
    except OSError as exc:
        raise ReportError(f"cannot write {path}: {exc.strerror or exc}") from None
    except WriteError as exc:
        raise ReportError(str(exc)) from None


def _chromium() -> str:
    exe = os.environ.get("FOEDUS_CHROMIUM") or CHROMIUM
    found = shutil.which(exe)
    if found is None:
        raise ReportError(f"--pdf needs chromium at {exe} (apt-get install chromium); the "
                          "HTML report was written.")
    return found


def print_pdf(html_path: str | Path, pdf_path: str | Path, *, timeout: float = 120) -> int:
    """Print a written HTML report to PDF with headless chromium; the PDF's size in bytes.

    Raises
    ------
    ReportError
        Without chromium, or when it fails or produces no PDF.
    """
    exe = _chromium()
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="foedus-pdf-") as work:
        tmp = Path(work) / "out.pdf"
        args: list[Any] = [exe, "--headless", "--no-sandbox", "--disable-gpu",
                           "--disable-background-networking", "--disable-component-update",
                           "--no-first-run", f"--user-data-dir={work}/profile",
                           "--no-pdf-header-footer", f"--print-to-pdf={tmp}",
                           Path(html_path).resolve().as_uri()]
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise ReportError(f"chromium did not print {html_path} within {timeout:.0f} s"
                              ) from None
        if proc.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            raise ReportError(f"chromium could not print {html_path}: {last}")
        return write_atomic(pdf_path, tmp.read_bytes())


def publish(html: str, provenance: dict[str, Any], out: str | Path, *,
            pdf: bool = False) -> ReportAnswer:
    """Write a report's HTML to ``out`` (atomically) and, with ``pdf``, its printed copy
    beside it (``out`` with the suffix ``.pdf``); the ``--json`` answer.

    Raises
    ------
    ReportError
        When a file cannot be written, or ``pdf`` without chromium (after the HTML).
    """
    out = Path(out)
    size = write_atomic(out, html.encode("utf-8"))
    pdf_path = None
    if pdf:
        pdf_path = out.with_suffix(".pdf")
        print_pdf(out, pdf_path)
    return ReportAnswer(out=str(out), bytes=size, pdf=None if pdf_path is None
                        else str(pdf_path), provenance=Provenance.model_validate(provenance))
