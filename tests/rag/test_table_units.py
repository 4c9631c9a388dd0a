"""Table rows as answer units: quoted under their header; headers and empty label rows never."""

from __future__ import annotations

from rag.answering.table_units import is_row_unit, passage_units
from rag.models import Passage
from rag.sentences import split_sentences

TABLE = (
    "Statement of operations.\n\n"
    "|  | Q3 2024 | Q3 2023 |\n| --- | --- | --- |\n"
    "| Operating expenses: |  |  |\n| Research | 70 | 65 |\n| Net income | $ 412 | $ 390 |"
)


def passage(text: str, header: str = "") -> Passage:
    return Passage("c", "d", "s.pdf", text, 1.0, 0, len(text), 1, table_header=header)


def test_rows_are_quoted_under_their_header_and_nothing_else_of_the_table_is() -> None:
    units = passage_units(passage(TABLE), split_sentences(TABLE))
    texts = [t for _, _, t in units]
    header = "|  | Q3 2024 | Q3 2023 |\n| --- | --- | --- |\n"
    assert texts == [
        "Statement of operations.",
        header + "| Research | 70 | 65 |",
        header + "| Net income | $ 412 | $ 390 |",
    ]
    start, end, _ = units[-1]
    assert TABLE[start:end] == "| Net income | $ 412 | $ 390 |"  # the cited span is the row
    assert is_row_unit(texts[-1]) and not is_row_unit(texts[0])


def test_a_chunk_starting_inside_a_table_quotes_the_carried_header() -> None:
    text = "| Research | 70 | 65 |\n| Net income | $ 412 | $ 390 |"
    units = passage_units(passage(text, header="|  | Q3 2024 | Q3 2023 |"), split_sentences(text))
    assert (
        units[1][2]
        == "|  | Q3 2024 | Q3 2023 |\n| --- | --- | --- |\n| Net income | $ 412 | $ 390 |"
    )
