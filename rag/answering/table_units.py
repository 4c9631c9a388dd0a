"""Table rows as answer units: a row is scored and quoted with its header.

"| Net income | $ 19,881 | $ 19,442 |" alone does not say which figure is which quarter, so a
data row's unit text is its header, the separator and the row (``rag.table_rows``); the cited
span (highlight, box on the page) stays the row itself. A table's header and separator lines,
and section labels laid out as rows with no values, are never units of their own.
"""

from __future__ import annotations

from rag.models import Passage
from rag.table_rows import TableRow, is_row_line, quote_with_header, table_rows


def passage_units(passage: Passage, spans: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """``(start, end, text)`` for the sentence ``spans`` of a passage (local offsets): rows
    with their header, header lines left out, prose as it is."""
    text = passage.text
    rows: dict[int, TableRow] = (
        {r.start: r for r in table_rows(text, passage.table_header)} if "|" in text else {}
    )
    units = []
    for s, e in spans:
        sentence = text[s:e]
        if not is_row_line(sentence):
            units.append((s, e, sentence))
            continue
        row = rows.get(_line_start(text, s))
        if row is not None and _has_values(sentence):
            units.append((s, e, quote_with_header(text, row)))
    return units


def is_row_unit(text: str) -> bool:
    """True for the text of a table-row unit (as :func:`passage_units` writes it)."""
    return is_row_line(text.splitlines()[-1]) if text.strip() else False


def _has_values(line: str) -> bool:
    """False for a section label laid out as a row ("| Operating expenses: |  |  |"): it
    holds no figure to quote."""
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    return any(cells[1:])


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1
