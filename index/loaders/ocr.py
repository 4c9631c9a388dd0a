"""Scanned pages: the page rendered by PDFium and read by Tesseract, words with their boxes.

Tesseract is a system program (Debian's ``tesseract-ocr``; ``make test`` installs it). Where it
is missing, :class:`OcrUnavailable` says so with the install command, and the page is reported
as skipped rather than left silently empty.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from typing import Any

from index.loaders.pdf_lines import Word

OCR_DPI = 300
MIN_CONFIDENCE = 30.0
TIMEOUT = 300.0  # seconds for one page
INSTALL_HINT = "tesseract missing, install with apt-get install tesseract-ocr"


class OcrUnavailable(Exception):
    """Tesseract cannot run here; ``str()`` says why and how to install it."""


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_words(page: Any) -> list[Word]:
    """Words Tesseract reads on a ``pypdfium2`` page, boxes in points from the top-left."""
    if not tesseract_available():
        raise OcrUnavailable(INSTALL_HINT)
    scale = OCR_DPI / 72
    image = io.BytesIO()
    page.render(scale=scale).to_pil().save(image, "PNG")
    # One thread: Tesseract's OpenMP threads cost 2.4x the CPU for the same page on a busy
    # 2-core machine (1.4 s against 3.3 s of CPU for a letter page at 300 dpi).
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            ["tesseract", "stdin", "stdout", "--dpi", str(OCR_DPI), "tsv"],
            input=image.getvalue(), capture_output=True, env=env, timeout=TIMEOUT, check=False,
        )  # fmt: skip
    except FileNotFoundError:
        raise OcrUnavailable(INSTALL_HINT) from None
    except subprocess.TimeoutExpired:
        raise OcrUnavailable(f"tesseract took over {TIMEOUT:g} s on the page") from None
    if done.returncode != 0:
        raise OcrUnavailable(f"tesseract failed: {done.stderr.decode(errors='replace')[-300:]}")
    return _tsv_words(done.stdout.decode("utf-8", errors="replace"), scale)


def _tsv_words(tsv: str, scale: float) -> list[Word]:
    """Words of Tesseract's TSV output (level 5 rows) above ``MIN_CONFIDENCE``."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        if float(cols[10]) < MIN_CONFIDENCE:
            continue
        left, top, width, height = (int(c) for c in cols[6:10])
        words.append(Word(cols[11].strip(), left / scale, top / scale,
                          (left + width) / scale, (top + height) / scale))  # fmt: skip
    return words
