"""A PDF page's text from its lines: prose lines as they read, tables as Markdown rows.

Every line written gets a box (``rag.boxes``): a prose line its words' box, a table row the box
of its source line, a table's header line the box of all its header lines. A vertical gap wider
than ``PARAGRAPH_GAP`` line heights starts a new paragraph (a blank line), so headings and
captions stay apart from the sentences around them.
"""

from __future__ import annotations

from index.loaders.markdown_table import markdown_row, markdown_separator
from index.loaders.pdf_lines import Line
from index.loaders.pdf_tables import Table, split_tables
from rag.boxes import Box

PARAGRAPH_GAP = 0.9


def _union(lines: list[Line]) -> tuple[float, float, float, float]:
    return (min(ln.x0 for ln in lines), min(ln.top for ln in lines),
            max(ln.x1 for ln in lines), max(ln.bottom for ln in lines))  # fmt: skip


def page_text(lines: list[Line]) -> tuple[str, tuple[Box, ...]]:
    """The page's text and one box per written line."""
    parts: list[str] = []
    boxes: list[Box] = []
    length = 0
    previous: Line | Table | None = None

    def write(text: str, box: tuple[float, float, float, float] | None, sep: str) -> None:
        nonlocal length
        if parts:
            parts.append(sep)
            length += len(sep)
        if box is not None:
            boxes.append((length, length + len(text), *box))
        parts.append(text)
        length += len(text)

    for block in split_tables(lines):
        if isinstance(block, Table):
            header_box = _union(block.header_lines) if block.header_lines else None
            write(markdown_row(block.header), header_box, "\n\n")
            write(markdown_separator(len(block.header)), None, "\n")
            for line, values in block.rows:
                write(markdown_row(values), _union([line]), "\n")
        else:
            sep = "\n"
            if isinstance(previous, Table) or (
                isinstance(previous, Line)
                and block.top - previous.bottom > PARAGRAPH_GAP * previous.height
            ):
                sep = "\n\n"
            write(block.text, _union([block]), sep)
        previous = block
    return "".join(parts), tuple(boxes)
