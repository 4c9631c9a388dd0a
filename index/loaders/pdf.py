"""PDF: text per page (1-based) from PDFium, laid out as the page reads.

Each page's words are grouped into lines (``pdf_lines``), running headers, footers and page
numbers are dropped (``furniture``), tables become Markdown rows under their header
(``pdf_tables``) and every line keeps its box on the page (``pdf_layout``). A page with no text
layer is read by Tesseract (``ocr``); where Tesseract is missing the page is reported as
skipped with the install command. Encrypted files open only with an empty password.
"""

from __future__ import annotations

import logging
import re

from index.loaders.base import LoadedDocument, LoadedPage, LoadError
from index.loaders.furniture import remove_furniture
from index.loaders.ocr import OcrUnavailable, ocr_words
from index.loaders.pdf_layout import page_text
from index.loaders.pdf_lines import Line, group_lines, text_layer_words

log = logging.getLogger(__name__)

_PAGE_NUMBER_ONLY = re.compile(r"^(?:page\s*)?[-–—\s\divxlc]*(?:of|/)?[\s\d]*$", re.I)

_PASSWORD_NEEDED = "encrypted PDF: a password is required to read it"
# A page with fewer characters than this in its text layer is treated as a scan.
MIN_TEXT_CHARS = 3


def load_pdf(raw: bytes) -> LoadedDocument:
    import pypdfium2 as pdfium  # deferred: only PDFs need it

    if not raw.lstrip()[:1024].startswith(b"%PDF"):
        raise LoadError("corrupted PDF: no PDF header")
    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise LoadError(_PASSWORD_NEEDED) from None
        raise LoadError(f"corrupted PDF: {exc}") from None
    try:
        return _read(document)
    finally:
        document.close()


def _read(document: object) -> LoadedDocument:
    # deferred for start-up time: pypdfium2 only where needed
    import pypdfium2 as pdfium

    assert isinstance(document, pdfium.PdfDocument)
    if len(document) == 0:
        raise LoadError("corrupted PDF: no pages")
    warnings: list[str] = []
    pages: list[list[Line]] = []
    ocr_skipped: list[int] = []
    for number in range(1, len(document) + 1):
        page = document[number - 1]
        height = page.get_height()
        textpage = page.get_textpage()
        words = text_layer_words(textpage, height)
        textpage.close()
        if sum(len(w.text) for w in words) < MIN_TEXT_CHARS:
            try:
                words = ocr_words(page)
            except OcrUnavailable as exc:
                ocr_skipped.append(number)
                warnings.append(f"page {number} skipped: {exc}")
                words = []
        page.close()
        pages.append(group_lines(words))
    kept = remove_furniture(pages)
    texts = [page_text(lines) for lines, _ in kept]
    if not any(text.strip() for text, _ in texts):
        if ocr_skipped:
            raise LoadError(
                f"skipped: scanned PDF with no text layer and {warnings[0].split(': ', 1)[1]}",
                skip=True,
            )
        raise LoadError(
            "PDF has no extractable text: no text layer, and OCR read none on its pages"
        )
    loaded = [
        LoadedPage(text, n, boxes, context=_context(furniture))
        for n, ((text, boxes), (_, furniture)) in enumerate(zip(texts, kept, strict=True), 1)
    ]
    return LoadedDocument("pdf", loaded, warnings)


def _context(furniture: list[Line]) -> str:
    """The page's running header and footer text (page numbers dropped): it names the document
    ("Apple Inc. | Q3 2023 Form 10-Q"), which retrieval and the answerer use as context."""
    texts = [ln.text for ln in furniture if not _PAGE_NUMBER_ONLY.match(ln.text.strip())]
    return " · ".join(dict.fromkeys(texts))
