"""Table rows as answer units: quoted under their header; headers and empty label rows never."""

from __future__ import annotations

import re

import pytest

from rag.answering.extractive import ExtractiveAnswerer
from rag.answering.table_units import figure_row, is_row_unit, passage_units
from rag.backends import build_embedding
from rag.models import Answer, Passage
from rag.sentences import split_sentences
from rag.settings import load_settings

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


STATEMENT = (
    "Acme Corp. Condensed consolidated statements of operations (in millions).\n\n"
    "|  | Three Months Ended July 1, 2023 | Three Months Ended June 25, 2022 |\n"
    "| --- | --- | --- |\n"
    "| Total net sales | $ 81,797 | $ 82,959 |\n"
    "| Total gross margin | 36,413 | 35,885 |\n"
    "| Total gross margin percentage | 44.5 % | 43.3 % |\n"
    "| Research and development | 7,442 | 6,797 |\n"
    "| Total operating income | 22,998 | 23,076 |\n"
    "| Other income/(expense), net | (265) | (10) |\n"
    "| Provision for income taxes | 2,852 | 3,624 |\n"
    "| Net income | $ 19,881 | $ 19,442 |\n\n"
    "Total operating income and net income both fell slightly compared with the same quarter "
    "a year earlier, as net sales of products declined."
)


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> ExtractiveAnswerer:
    settings = load_settings(store=tmp_path_factory.mktemp("store"))
    return ExtractiveAnswerer(settings, build_embedding(settings))


@pytest.mark.parametrize(
    ("question", "row"),
    [
        ("What was Acme's net income for the three months ended July 1, 2023?", "| Net income |"),
        ("What was Acme's gross margin for the three months ended July 1, 2023?",
         "| Total gross margin |"),
        ("How much did Acme spend on research and development in the three months ended "
         "July 1, 2023?", "| Research and development |"),
        ("What was Acme's operating income for the three months ended July 1, 2023?",
         "| Total operating income |"),
    ],
)  # fmt: skip
def test_a_figure_question_quotes_the_row_its_label_names_under_the_header(
    answerer: ExtractiveAnswerer, question: str, row: str
) -> None:
    final = [
        e for e in answerer.stream(question, [passage(STATEMENT)], []) if isinstance(e, Answer)
    ]
    answer = final[0]
    assert not answer.refused
    lines = re.sub(r" \[\d+\]", "", answer.answer).splitlines()
    assert lines[0].startswith("|  | Three Months Ended July 1, 2023")  # the header ...
    assert len(lines) == 3 and lines[2].startswith(row)  # ... and that row alone


def test_label_f1_names_the_figure_not_its_neighbours() -> None:
    rows = [
        "|  | Q3 |\n| --- | --- |\n| Total operating income | 22,998 |",
        "|  | Q3 |\n| --- | --- |\n| Net income | 19,881 |",
        "Net income fell on lower sales.",
    ]
    asked = "What was net income for the three months ended July 1, 2023?"
    assert figure_row(asked, rows, [0.9, 0.1, 0.95]) == 1
    assert figure_row("Why did net income fall?", rows, [0.9, 0.1, 0.95]) is None  # no figure
    assert figure_row("What was the dividend in the quarter?", rows, [0.9, 0.1, 0.9]) is None
