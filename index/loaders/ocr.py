"""Scanned pages: the page rendered by PDFium and read by Tesseract, words with their boxes.

Tesseract is a system program (Debian's ``tesseract-ocr``; ``make test`` installs it). Where it
is missing, :class:`OcrUnavailable` says so with the install command, and the page is reported
as skipped rather than left silently empty.
"""

from __future__ import annotations

import shutil
from typing import Any

from index.loaders.pdf_lines import Word

OCR_DPI = 300
MIN_CONFIDENCE = 30.0
INSTALL_HINT = "tesseract missing, install with apt-get install tesseract-ocr"


class OcrUnavailable(Exception):
    """Tesseract cannot run here; ``str()`` says why and how to install it."""


def tesseract_available() -> bool:
    return shutil.which("tesseract") is not None


def ocr_words(page: Any) -> list[Word]:
    """Words Tesseract reads on a ``pypdfium2`` page, boxes in points from the top-left."""
    if not tesseract_available():
        raise OcrUnavailable(INSTALL_HINT)
    import pytesseract  # deferred: only scanned pages need it

    scale = OCR_DPI / 72
    image = page.render(scale=scale).to_pil()
    try:
        data = pytesseract.image_to_data(image, output_type=pytesseract.Output.DICT)
    except pytesseract.TesseractNotFoundError:
        raise OcrUnavailable(INSTALL_HINT) from None
    except pytesseract.TesseractError as exc:
        raise OcrUnavailable(f"tesseract failed: {exc}") from None
    words = []
    for text, conf, left, top, width, height in zip(
        data["text"],
        data["conf"],
        data["left"],
        data["top"],
        data["width"],
        data["height"],
        strict=True,
    ):
        if not str(text).strip() or float(conf) < MIN_CONFIDENCE:
            continue
        words.append(Word(str(text).strip(), left / scale, top / scale,
                          (left + width) / scale, (top + height) / scale))  # fmt: skip
    return words
