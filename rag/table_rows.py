"""Markdown table rows in a text: each row is an answer unit, quoted with its header.

Loaders write tables as Markdown (``index/loaders/markdown_table.py``): a header line, a
``| --- |`` separator, then one line per row. A row alone ("| Net income | 19,881 | 19,442 |")
does not say which column is which, so a row is scored and quoted together with its header;
the header and separator lines on their own are never answer units. A chunk that starts inside
a table carries the table's header in its metadata (``table_header``), since the header's own
line is then outside the chunk's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$", re.MULTILINE)
_SEPARATOR = re.compile(r"^\|(?:\s*:?-{3,}:?\s*\|)+$")


@dataclass(frozen=True)
class TableRow:
    """A data row: ``start:end`` is the row's line; ``header`` its header line(s), '' if unknown."""

    start: int
    end: int
    header: str


def is_row_line(line: str) -> bool:
    line = line.strip()
    return len(line) >= 2 and line.startswith("|") and line.endswith("|")


def is_separator(line: str) -> bool:
    return bool(_SEPARATOR.match(line.strip()))


def row_line_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """``(start, end)`` of every table line (rows, headers, separators) in ``text[start:end]``."""
    stop = len(text) if end is None else end
    return [(m.start(), m.end()) for m in _ROW.finditer(text, start, stop)]


def table_rows(text: str, carried_header: str = "") -> list[TableRow]:
    """The data rows of every table in ``text``, each with its header.

    Lines before a table's separator are its header; rows before any separator (a chunk that
    starts mid-table) take ``carried_header``.
    """
    rows: list[TableRow] = []
    lines = row_line_spans(text)
    block: list[tuple[int, int]] = []
    header = carried_header
    previous_end = -2
    for s, e in lines:
        if text[previous_end:s].count("\n") > 1 or previous_end < 0:
            block, header = [], carried_header if previous_end < 0 else ""
        previous_end = e
        line = text[s:e]
        if is_separator(line):
            header = "\n".join(text[a:b].strip() for a, b in block)
            rows = [r for r in rows if (r.start, r.end) not in set(block)]
            block.append((s, e))
            continue
        block.append((s, e))
        rows.append(TableRow(s, e, header))
    return rows


def quote_with_header(text: str, row: TableRow) -> str:
    """What an answer quotes for a row: its header, the separator, then the row."""
    line = text[row.start : row.end].strip()
    if not row.header:
        return line
    columns = max(1, row.header.splitlines()[0].count("|") - 1)
    separator = "|" + " --- |" * columns
    return f"{row.header}\n{separator}\n{line}"
