"""Table rows as answer units: a row is scored and quoted with its header.

"| Net income | $ 19,881 | $ 19,442 |" alone does not say which figure is which quarter, so a
data row's unit text is its header, the separator and the row (``rag.table_rows``); the cited
span (highlight, box on the page) stays the row itself. A table's header and separator lines,
and section labels laid out as rows with no values, are never units of their own.
"""

from __future__ import annotations

import re

from rag.answering.lexical import content_terms
from rag.document_scope import question_names
from rag.models import Passage
from rag.table_rows import TableRow, is_row_line, quote_with_header, table_rows

MIN_LABEL_F1 = 0.5  # a row label naming at least this much of the asked measure answers it
_HOW_MUCH = re.compile(r"\bhow much\b", re.I)
_WHAT_WAS = re.compile(r"^\s*what\s+(?:was|were|is|are)\b", re.I)
_PERIOD = re.compile(r"\b(?:months? ended|quarter|fiscal (?:year|\d{4})|year ended|as of)\b", re.I)
# Words of a figure question that say when or whose, not which figure.
_NOT_MEASURE = frozenset(
    content_terms("three six nine twelve month months ended ending quarter quarterly fiscal year "
                  "period much spend spent company reported report amount value")
)  # fmt: skip


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


def figure_row(question: str, texts: list[str], probabilities: list[float]) -> int | None:
    """The row unit (index into ``texts``) whose label names what a figure question asks for,
    or None when the question asks for no figure or no row label names it.

    The calibrated model scores a row by its words and its header's, which "Total operating
    income" and "Net income" share with "What was Apple's net income ...?" alike; the row's
    label (its first cell) is what says which figure it is. Labels are scored by the F1 of the
    question's measure words (not its names, dates or period words) against the label's words
    ("Total" counts as neither extra nor missing); ties go to the more probable unit.
    """
    if not asks_for_figure(question):
        return None
    names = question_names(question)
    measure = {t for t in content_terms(question) - _NOT_MEASURE - names if not t.isdigit()}
    if not measure:
        return None
    best: tuple[float, float, int] | None = None
    for i, text in enumerate(texts):
        if not is_row_unit(text):
            continue
        score = _label_f1(measure, _label(text.splitlines()[-1]))
        if score >= MIN_LABEL_F1 and (best is None or (score, probabilities[i]) > best[:2]):
            best = (score, probabilities[i], i)
    return None if best is None else best[2]


def asks_for_figure(question: str) -> bool:
    """ "How much ...", or "What was/were ... for/in the <period>": a figure from a table."""
    return bool(
        _HOW_MUCH.search(question) or (_WHAT_WAS.search(question) and _PERIOD.search(question))
    )


def _label(row_line: str) -> set[str]:
    cells = row_line.strip().strip("|").split("|")
    return content_terms(cells[0]) if cells else set()


def _label_f1(measure: set[str], label: set[str]) -> float:
    matched = measure & label
    if not matched:
        return 0.0
    extra = label - {"total"}
    coverage = len(matched) / len(measure)
    precision = len(matched & extra) / len(extra) if extra else 1.0
    if precision == 0.0:
        return 0.0
    return 2 * coverage * precision / (coverage + precision)
