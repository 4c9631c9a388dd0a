"""Tables as Markdown text: a header row, a separator, then one line per row.

Every loader that finds a table (PDF, DOCX, HTML) writes it this way, so chunking and answering
see one shape: a row is one line and is never split, and ``rag.table_rows`` finds the header
of any row again from the text alone.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")


def cell_text(text: str) -> str:
    """One line of cell text: whitespace collapsed, pipes escaped so columns stay apart."""
    return _SPACES.sub(" ", text).strip().replace("|", "\\|")


def markdown_row(cells: list[str]) -> str:
    return "| " + " | ".join(cell_text(c) for c in cells) + " |"


def markdown_separator(columns: int) -> str:
    return "|" + " --- |" * columns


def markdown_table(rows: list[list[str]]) -> list[str]:
    """The lines of a table whose first row is its header (rows padded to one width)."""
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    return [markdown_row(padded[0]), markdown_separator(width), *map(markdown_row, padded[1:])]
