"""Tables on a PDF page found from the words' geometry, written as Markdown rows.

Filings and reports lay tables out with whitespace, rarely with ruling lines, so a table is
found from its lines: a *data row* is a line whose words fall into separate cells (gaps wider
than a line height) with at least one number. Two or more data rows in a run (section labels
such as "Cost of sales:" may sit between them) make a table. Its columns are the horizontal
extents of the numeric cells, merged where they overlap; a row's label is what lies left of the
first column. The lines just above the first row whose cells sit over the columns (or wholly in
the label area) are the header: each header cell is given to every column it spans, so
"Three Months Ended" over two columns and "July 1, 2023" under it read
"Three Months Ended July 1, 2023" for that column.

pdfplumber's table finder was tried first: on these filings it splits "$" from its number into
columns of its own, leaves the header rows out (they sit above the first ruling line) and costs
~0.1 s a page (4x PDFium's whole text extraction), so the geometry below is used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.loaders.pdf_lines import Line, Word, WordRun

_NUMBER = re.compile(r"^[-–—+]?[$€£]?\(?[-–—]?[$€£]?\d[\d,]*(?:\.\d+)?\)?%?\)?[*†]?$")
_DASHES = re.compile(r"^[-–—]+$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_PREFIXES = {"$", "€", "£", "(", "($"}
_SUFFIXES = {"%", ")", "%)", "*"}
MAX_HEADER_LINES = 5


@dataclass
class Cell(WordRun):
    """A table cell: words closer together than a cell gap."""


@dataclass
class Table:
    """A table: header lines (source lines) and data lines, with their Markdown cells."""

    header_lines: list[Line]
    header: list[str]
    rows: list[tuple[Line, list[str]]] = field(default_factory=list)


def is_number(text: str) -> bool:
    compact = text.replace(" ", "")
    return bool(_NUMBER.match(compact) or _DASHES.match(compact))


def line_cells(line: Line) -> list[Cell]:
    """The line's cells, with a lone "$" joined to its number and a lone "%" to the one before."""
    cells: list[Cell] = []
    pending: list[Word] = []
    for group in line.cells():
        words = list(group)
        trailing: list[Word] = []
        while len(words) > 1 and words[-1].text in _PREFIXES:
            trailing.insert(0, words.pop())  # "19,881 $" then "19,442": the "$" is the next's
        text = " ".join(w.text for w in words)
        if text in _PREFIXES:
            pending.extend(words + trailing)
            continue
        if text in _SUFFIXES and cells and not pending:
            cells[-1].words.extend(words)
            pending = trailing
            continue
        cells.append(Cell(pending + words))
        pending = trailing
    if pending:
        cells.append(Cell(pending))
    return cells


def _is_data_row(cells: list[Cell]) -> bool:
    """Two cells or more, one a number that is not a year (a line of years is a header)."""
    return len(cells) >= 2 and any(is_number(c.text) and not _YEAR.match(c.text) for c in cells[1:])


def split_tables(lines: list[Line]) -> list[Line | Table]:
    """The page's lines in reading order, with runs of table lines replaced by tables."""
    cells = [line_cells(line) for line in lines]
    data = [_is_data_row(c) for c in cells]
    out: list[Line | Table] = []
    i = 0
    while i < len(lines):
        end = _block_end(lines, cells, data, i) if data[i] else i
        if sum(data[i:end]) >= 2:
            out.append(_build_table(lines, cells, data, i, end, out))
            i = end
            continue
        out.append(lines[i])
        i += 1
    return out


def _block_end(lines: list[Line], cells: list[list[Cell]], data: list[bool], i: int) -> int:
    j = i + 1
    while j < len(lines):
        gap = lines[j].top - lines[j - 1].bottom
        if gap > 3 * lines[j - 1].height:
            break
        if data[j]:
            j += 1
            continue
        is_label = len(cells[j]) == 1 and len(cells[j][0].text) <= 80
        if is_label and any(data[j + 1 : j + 3]):
            j += 1
            continue
        break
    while j > i and not data[j - 1]:
        j -= 1
    return j


def _columns(cells: list[list[Cell]]) -> list[tuple[float, float]]:
    spans = sorted((c.x0, c.x1) for row in cells for c in row[1:] if is_number(c.text))
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    return [(a, b) for a, b in merged]


def _column_of(cell: Cell, columns: list[tuple[float, float]]) -> list[int]:
    hit = [k for k, (a, b) in enumerate(columns) if cell.x0 < b and a < cell.x1]
    if hit:
        return hit
    middle = (cell.x0 + cell.x1) / 2
    return [
        min(range(len(columns)), key=lambda k: abs((columns[k][0] + columns[k][1]) / 2 - middle))
    ]


def _header_cells(cells: list[Cell], columns: list[tuple[float, float]]) -> list[tuple[int, Cell]]:
    """Each column's cell in a header line: the one it lies under, else the nearest by centre
    (a label spanning two columns, "Three Months Ended" over "2023" and "2022", goes to both)."""
    if not cells:
        return []
    out = []
    for col, (a, b) in enumerate(columns):
        under = [c for c in cells if c.x0 <= a and b <= c.x1]
        middle = (a + b) / 2
        out.append(
            (col, under[0] if under else min(cells, key=lambda c: abs((c.x0 + c.x1) / 2 - middle)))
        )
    return out


def _build_table(
    lines: list[Line],
    cells: list[list[Cell]],
    data: list[bool],
    start: int,
    end: int,
    before: list[Line | Table],
) -> Table:
    """The table of data lines ``start:end``; its header and section labels just above it are
    taken from the end of ``before`` (the prose lines read so far)."""
    columns = _columns(cells[start:end])
    first = columns[0][0]
    k = start - 1
    while k >= 0 and before and before[-1] is lines[k] and start - k <= 2:
        label = cells[k]
        gap = lines[k + 1].top - lines[k].bottom
        if (
            len(label) != 1
            or label[0].x1 > first
            or len(label[0].text) > 80
            or gap > lines[k].height
        ):
            break
        before.pop()
        start, k = k, k - 1
    header_lines: list[Line] = []
    header = [""] * (len(columns) + 1)
    while k >= 0 and len(header_lines) < MAX_HEADER_LINES and before and before[-1] is lines[k]:
        line = lines[k]
        gap = (header_lines[0] if header_lines else lines[start]).top - line.bottom
        crosses = any(c.x0 < first - line.height and c.x1 > first for c in cells[k])
        above_columns = any(c.x1 > first for c in cells[k])
        if data[k] or crosses or not above_columns or gap > 2.5 * line.height:
            break
        header_lines.insert(0, line)
        before.pop()
        k -= 1
    for line in header_lines:
        spanning: list[Cell] = []
        for cell in line_cells(line):
            if cell.x1 <= first:
                header[0] = f"{header[0]} {cell.text}".strip()
            else:
                spanning.append(cell)
        for col, cell in _header_cells(spanning, columns):
            header[col + 1] = f"{header[col + 1]} {cell.text}".strip()
    table = Table(header_lines, header)
    for line, row in zip(lines[start:end], cells[start:end], strict=True):
        values = [""] * (len(columns) + 1)
        for cell in row:
            if cell.x1 <= first + 1 and not (is_number(cell.text) and cell is not row[0]):
                values[0] = f"{values[0]} {cell.text}".strip()
                continue
            col = _column_of(cell, columns)[0]
            values[col + 1] = f"{values[col + 1]} {cell.text}".strip()
        table.rows.append((line, values))
    return table
