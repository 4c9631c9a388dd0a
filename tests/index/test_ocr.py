"""Scanned pages: an image-only PDF is read by Tesseract with page and word boxes, and a
machine without Tesseract reports the page as skipped with the install command."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.loaders import LoadError, parse
from rag.boxes import span_bbox
from tests.index.files import write_pdf, write_scanned_pdf

SCAN = [
    "The granary at Elm Farm holds 640 tonnes of wheat.",
    "It was rebuilt in 1962 after a fire.",
]


def test_scanned_page_is_read_with_word_boxes(tmp_path: Path, tesseract: None) -> None:
    path = write_scanned_pdf(tmp_path / "scan.pdf", SCAN)
    doc = parse(path, path.read_bytes())
    page = doc.pages[0]
    assert page.page == 1 and doc.warnings == []
    words = page.text.split()
    assert {"granary", "Elm", "Farm", "640", "tonnes", "wheat.", "1962"} <= set(words)
    start = page.text.index("640")
    x0, y0, x1, y1 = span_bbox(page.boxes, start, start + 3) or [0.0] * 4
    # drawn at 150 dpi from (120, 150) px: 57.6 pt from the left, 72 pt from the top
    assert 50 < x0 < 65 and 65 < y0 < 80 and x1 > 300 and y1 - y0 < 25


def test_scan_and_text_pages_mix(tmp_path: Path, tesseract: None) -> None:
    from pypdf import PdfReader, PdfWriter

    text_pdf = write_pdf(tmp_path / "text.pdf", ["A page with a text layer about barley."])
    scan_pdf = write_scanned_pdf(tmp_path / "scan.pdf", SCAN)
    writer = PdfWriter()
    for part in (text_pdf, scan_pdf):
        for page in PdfReader(part).pages:
            writer.add_page(page)
    both = tmp_path / "both.pdf"
    with both.open("wb") as handle:
        writer.write(handle)
    pages = parse(both, both.read_bytes()).pages
    assert "barley" in pages[0].text and "granary" in pages[1].text
    assert [p.page for p in pages] == [1, 2]


def test_without_tesseract_the_scan_is_skipped_with_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # a machine without tesseract
    path = write_scanned_pdf(tmp_path / "scan.pdf", SCAN)
    with pytest.raises(LoadError) as caught:
        parse(path, path.read_bytes())
    assert caught.value.skip
    assert "skipped" in str(caught.value)
    assert "tesseract missing, install with apt-get install tesseract-ocr" in str(caught.value)
