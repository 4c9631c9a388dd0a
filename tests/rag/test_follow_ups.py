"""Follow-up questions through the engine: recognised from their words, never glued by length."""

from __future__ import annotations

from rag.engine import RagEngine

MACRON_TRUCE = ("What kind of truce did Emmanuel Macron propose?", "He proposed a truce [1].")


def test_meloni_after_macron_is_answered_about_meloni(seed_engine: RagEngine) -> None:
    answer = seed_engine.ask("What did Meloni say?", [MACRON_TRUCE])
    assert answer.rewritten_question is None
    assert not answer.refused
    assert "never been on the agenda" in answer.answer
    assert "truce" not in answer.answer


def test_did_he_rule_it_out_is_resolved_against_the_previous_turn(seed_engine: RagEngine) -> None:
    history = [("What did Macron say about European troops in Ukraine?", "No troops yet [1].")]
    answer = seed_engine.ask("Did he rule it out?", history)
    assert answer.rewritten_question is not None and "Macron" in answer.rewritten_question
    assert answer.question == "Did he rule it out?"
    assert not answer.refused and answer.citations


def test_did_he_rule_it_out_quotes_macron(seed_engine: RagEngine) -> None:
    history = [("What did Macron say about European troops in Ukraine?", "No troops yet [1].")]
    answer = seed_engine.ask("Did he rule it out?", history)
    # a sentence on Macron settles it ("troops would only be deployed once ... safe", "no
    # European troops on Ukrainian soil in the coming weeks"); Trudeau's "did not rule out"
    # shares the question's words but is about someone else
    assert not answer.refused and "Macron" in answer.answer and "troops" in answer.answer
    assert "Trudeau" not in answer.answer


def test_ellipsis_follow_up_takes_the_new_subject(seed_engine: RagEngine) -> None:
    history = [("What did Macron say about troops?", "He ruled them out for now [1].")]
    answer = seed_engine.ask("and what did Meloni say?", history)
    assert answer.rewritten_question == "What did Meloni say about troops?"
    assert "never been on the agenda" in answer.answer


def test_long_question_is_not_mixed_with_history(seed_engine: RagEngine) -> None:
    history = [("What did Macron say about troops?", "He ruled them out for now [1].")]
    question = "Who is the NATO Secretary General mentioned in the article about the summit?"
    answer = seed_engine.ask(question, history)
    assert answer.rewritten_question is None
    assert "Rutte" in answer.answer
