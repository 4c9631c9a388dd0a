"""Small real fixture files (PDF, .docx, HTML) generated in the tests, never checked in."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any


def _writer_with_helvetica() -> tuple[Any, Any]:
    """A pypdf writer and a reference to Helvetica in it (the font every page names /F1)."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject

    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    return writer, font


def _letter_page(writer: Any, font: Any) -> Any:
    """A blank US Letter page whose resources name ``font`` /F1."""
    from pypdf.generic import DictionaryObject, NameObject

    page = writer.add_blank_page(612, 792)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    return page


def write_pdf(
    path: Path, pages: list[str], *, user_password: str | None = None, array_elements: int = 0
) -> Path:
    """A PDF whose page ``i`` shows ``pages[i]`` in Helvetica (extractable by pypdf).

    ``array_elements`` > 0 puts an array of that many numbers in the document catalog.
    """
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        NameObject,
        NumberObject,
    )

    writer, font = _writer_with_helvetica()
    for text in pages:
        page = _letter_page(writer, font)
        lines = [_pdf_string(line) for line in textwrap.wrap(text, 80)]
        body = " T* ".join(f"({line}) Tj" for line in lines)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 10 Tf 12 TL 50 740 Td {body} ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    if array_elements:
        numbers = ArrayObject(NumberObject(n % 10) for n in range(array_elements))
        writer._root_object[NameObject("/PieceInfo")] = numbers
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_docx(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_heading("Quarterly notes", level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    document.save(str(path))
    return path


HTML = """<!doctype html>
<html><head><title>Harbour report</title>
<style>body { color: red; } .secret { display: none }</style>
<script>var tracking = "SCRIPT_SHOULD_NOT_APPEAR";</script></head>
<body>
<nav>Home | About</nav>
<h1>The harbour in winter</h1>
<p>The harbour master counted 42 fishing boats on the first of December.</p>
<p>Ice closed the northern pier for <b>nine days</b>.</p>
<!-- COMMENT_SHOULD_NOT_APPEAR -->
<noscript>NOSCRIPT_SHOULD_NOT_APPEAR</noscript>
<script type="application/json">{"x": "JSON_SHOULD_NOT_APPEAR"}</script>
</body></html>
"""


def write_layout_pdf(path: Path, pages: list[list[tuple[float, float, str]]]) -> Path:
    """A PDF whose pages show each ``(x, y, text)`` at ``x`` points from the left and ``y``
    points from the top (Helvetica 10), as a filing lays out its tables with spaces."""
    from pypdf.generic import DecodedStreamObject, NameObject

    writer, font = _writer_with_helvetica()
    for items in pages:
        page = _letter_page(writer, font)
        ops = " ".join(
            f"BT /F1 10 Tf 1 0 0 1 {x:.1f} {792 - y:.1f} Tm ({_pdf_string(text)}) Tj ET"
            for x, y, text in items
        )
        stream = DecodedStreamObject()
        stream.set_data(ops.encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def write_scanned_pdf(path: Path, lines: list[str]) -> Path:
    """An image-only PDF (no text layer): ``lines`` drawn into a 150 dpi letter-size scan."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (1275, 1650), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=34)
    for k, line in enumerate(lines):
        draw.text((120, 150 + 60 * k), line, fill="black", font=font)
    image.save(path, "PDF", resolution=150.0)
    return path
