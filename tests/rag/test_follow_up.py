"""Follow-up resolution from the question's words (pure function, no models)."""

from __future__ import annotations

import pytest

from rag.follow_up import is_follow_up, standalone_question

MACRON_TRUCE = ("What kind of truce did Emmanuel Macron propose?", "He proposed a truce [1].")
MACRON_TROOPS = (
    "What did Macron say about European troops in Ukraine?",
    "“There will be no European troops on Ukrainian soil in the coming weeks,” Macron said [1].",
)


def test_new_question_with_its_own_subject_stands_alone() -> None:
    # Meloni-after-Macron: short, but names its subject and points back to nothing
    assert standalone_question("What did Meloni say?", [MACRON_TRUCE]) == "What did Meloni say?"
    assert not is_follow_up("What did Meloni say?", [MACRON_TRUCE])


def test_pronouns_are_resolved_against_the_previous_question() -> None:
    resolved = standalone_question("Did he rule it out?", [MACRON_TROOPS])
    assert resolved == "Did Macron rule it out (European troops in Ukraine)?"


def test_who_question_resolves_he_to_the_person_its_answer_named() -> None:
    history = [("Who said there will be no troops?", "“No troops,” Macron said [1].")]
    assert standalone_question("What did he say about the truce?", history) == (
        "What did Macron say about the truce?"
    )


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("And Meloni?", "What did Meloni say about European troops in Ukraine?"),
        ("and what did Meloni say?", "What did Meloni say about European troops in Ukraine?"),
        ("What about Starmer?", "What did Starmer say about European troops in Ukraine?"),
    ],
)
def test_ellipsis_swaps_the_subject_of_the_previous_question(follow_up: str, expected: str) -> None:
    assert standalone_question(follow_up, [MACRON_TROOPS]) == expected


def test_a_pronoun_referring_inside_the_question_needs_no_history() -> None:
    question = "Did Macron say he would send troops?"
    assert standalone_question(question, [MACRON_TRUCE]) == question


def test_thing_pronoun_borrows_the_previous_topic() -> None:
    history = [("Where was the emergency summit held?", "In London [1].")]
    assert standalone_question("When was it held?", history) == (
        "When was it held (emergency summit)?"
    )


def test_without_history_nothing_changes() -> None:
    assert standalone_question("Did he rule it out?", []) == "Did he rule it out?"


def test_a_fragment_without_a_verb_continues_the_previous_question() -> None:
    history = [("Who said there will be no European troops in Ukraine?", "Macron [1].")]
    resolved = standalone_question("In which newspaper?", history)
    assert resolved == "Who said there will be no European troops in Ukraine: In which newspaper?"
