"""Answer units and answer types: the selection rules, one by one, without models."""

from __future__ import annotations

import pytest

from rag.answering.answer_type import expected_type, holds_type
from rag.answering.units import answer_units
from rag.models import Passage


def passage(text: str, non_prose: tuple[tuple[int, int], ...] | None = None) -> Passage:
    return Passage("c1", "d1", "/docs/a.txt", text, 0.5, 0, len(text), None, non_prose, rank=1)


def test_a_sentence_starting_with_a_pronoun_is_quoted_with_the_one_naming_its_subject() -> None:
    text = (
        "Emmanuel Macron spoke to Le Figaro after the summit in London. "
        "He proposed a temporary month-long truce in the air and on the seas."
    )
    units = answer_units([passage(text)])
    truce = next(u for u in units if "truce" in u.text)
    assert truce.text == text and truce.joined
    assert truce.main.startswith("He proposed")


def test_an_unattributed_quote_is_quoted_with_the_sentence_naming_the_speaker() -> None:
    text = (
        "“Not every nation will feel able to contribute, but that cannot mean we sit back.” "
        "Starmer said at the press conference that others must intensify planning."
    )
    (first, *_) = answer_units([passage(text)])
    assert "Starmer" in first.text and first.main.startswith("“Not every nation")


def test_fragments_and_marked_non_prose_are_never_units() -> None:
    text = "Chief Financial Officer\n\nShort line here.\n\nThe company reported revenue of $81.8 billion for the quarter."
    marked = ((0, 23),)  # as ingestion marks the signature line
    units = answer_units([passage(text, marked)])
    assert [u.text for u in units] == [
        "The company reported revenue of $81.8 billion for the quarter."
    ]


def test_store_without_marks_is_marked_at_answer_time() -> None:
    text = "Apple Inc.\n\n/s/ Luca Maestri\n\nTim Cook is the Chief Executive Officer of Apple Inc. and a director."
    units = answer_units([passage(text, None)])
    assert [u.text for u in units] == [
        "Tim Cook is the Chief Executive Officer of Apple Inc. and a director."
    ]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who said that not every nation will feel able to contribute?", "person"),
        ("Which leader ruled out sending soldiers?", "person"),
        ("When was the summit held?", "date"),
        ("In what year did Merkel make the admission?", "date"),
        ("Where was the emergency summit held?", "place"),
        ("How many troops did Germany promise?", "number"),
        ("How long is the genome of the virus?", "number"),
        ("What did Meloni say?", "none"),
    ],
)
def test_expected_answer_type_comes_from_the_question_words(question: str, kind: str) -> None:
    assert expected_type(question) == kind


def test_holds_type_wants_something_the_question_does_not_name() -> None:
    question = "Who said that not every nation will feel able to contribute?"
    assert not holds_type("person", "Not every nation will feel able to contribute.", question)
    assert holds_type("person", "Keir Starmer said not every nation will contribute.", question)
    when = "When did Angela Merkel make her admission?"
    assert holds_type("date", "Merkel admitted in 2022 that the deal bought time.", when)
    assert not holds_type("date", "Angela Merkel admitted that the deal bought time.", when)
    where = "Where was the emergency summit held?"
    assert holds_type("place", "Leaders met at an emergency summit in London on Sunday.", where)
    assert holds_type("number", "The genome is 29,903 nucleotides long.", "How long is it?")
