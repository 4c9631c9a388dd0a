"""Follow-up questions with the extractive answerer: the previous turn helps retrieval."""

from __future__ import annotations

from rag.engine import RagEngine


def test_short_follow_up_borrows_the_previous_question(seed_engine: RagEngine) -> None:
    history = [("What did Macron say about troops?", "He ruled them out for now [1].")]
    answer = seed_engine.ask("and what did Meloni say?", history)
    assert not answer.refused
    assert "Meloni" in answer.answer and "never been on the agenda" in answer.answer
    assert answer.rewritten_question == "What did Macron say about troops? and what did Meloni say?"
    assert answer.question == "and what did Meloni say?"


def test_long_question_is_not_mixed_with_history(seed_engine: RagEngine) -> None:
    history = [("What did Macron say about troops?", "He ruled them out for now [1].")]
    question = "Who is the NATO Secretary General mentioned in the article about the summit?"
    answer = seed_engine.ask(question, history)
    assert answer.rewritten_question is None
    assert "Rutte" in answer.answer
