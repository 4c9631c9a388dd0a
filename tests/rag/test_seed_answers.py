"""End to end on the seeds: real Chroma on disk, real embedding model, extractive answerer."""

from __future__ import annotations

import re

import pytest

from rag.engine import RagEngine
from rag.errors import InputError
from tests.conftest import SEEDS

ARTICLE = (SEEDS / "000_2049a57f73a0fd17.txt").read_text(encoding="utf-8")

# question, a word the answer must contain, a phrase the cited passage must contain
CASES = [
    (
        "Who said there will be no European troops on Ukrainian soil in the coming weeks?",
        "Macron",
        "There will be no European troops on Ukrainian soil in the coming weeks",
    ),
    ("What did Meloni say about Italian troops in Ukraine?", "agenda", "has never been on the agenda"),
    ("What did Merkel admit about the Minsk ceasefire?", "give Ukraine time", "Angela Merkel admitted"),
    ("What did Trudeau say about deploying troops to Ukraine?", "table", "everything’s on the table"),
    ("Who is the NATO Secretary General mentioned in the article?", "Rutte", "Mark Rutte"),
    ("What did the Russian Foreign Ministry accuse the EU and UK of?", "militarism", "militarism"),
    ("What did Starmer say the UK is prepared to do?", "boots on the ground", "boots on the ground"),
    ("Which countries are pushing the idea of deploying foreign troops to Ukraine?", "France",
     "pushed primarily by France and Britain"),
    ("What does Moscow insist on instead of temporary ceasefires?", "legally binding",
     "permanent, legally binding deal"),
    ("Under what condition would European troops be deployed according to Macron?", "safe",
     "situation on the ground is safe"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "expected", "cited"), CASES)
def test_seed_question_is_answered_with_a_supporting_citation(
    seed_engine: RagEngine, question: str, expected: str, cited: str
) -> None:
    answer = seed_engine.ask(question)
    assert not answer.refused
    assert expected in answer.answer
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers and markers == {c.id for c in answer.citations}
    assert any(cited in c.text and cited in c.highlight for c in answer.citations)


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of Australia?",
        "What did Joe Biden say at the London summit?",
        "What is the price of bitcoin today?",
    ],
)
def test_unanswerable_question_is_refused(seed_engine: RagEngine, question: str) -> None:
    answer = seed_engine.ask(question)
    assert answer.refused
    assert answer.citations == []
    assert "could not find" in answer.answer


def test_citation_text_and_offsets_are_exact_source_text(seed_engine: RagEngine) -> None:
    answer = seed_engine.ask("What did Tusk say the leaders had failed to do?")
    assert answer.citations
    for c in answer.citations:
        assert c.start_char is not None and c.end_char is not None
        assert ARTICLE[c.start_char : c.end_char] == c.text
        assert c.highlight_start is not None and c.highlight_end is not None
        assert ARTICLE[c.highlight_start : c.highlight_end] == c.highlight
        assert c.highlight in answer.answer  # extractive: the answer quotes the sentence


def test_every_answer_sentence_is_copied_from_a_cited_passage(seed_engine: RagEngine) -> None:
    answer = seed_engine.ask("What did Lavrov and the Russian Foreign Ministry say about it?")
    by_id = {c.id: c for c in answer.citations}
    for sentence, n in re.findall(r"(.+?) \[(\d+)\]\s*", answer.answer):
        assert sentence.strip() in by_id[int(n)].text


def test_json_contract(seed_engine: RagEngine) -> None:
    data = seed_engine.ask("Where was the emergency summit held?").to_json()
    assert set(data) >= {"question", "answer", "refused", "backend", "citations", "timings_ms"}
    assert data["backend"] == "extractive"
    assert isinstance(data["refused"], bool)
    assert set(data["timings_ms"]) == {"retrieve", "answer"}
    for c in data["citations"]:
        assert {"id", "source", "text", "score", "start_char", "end_char", "page"} <= set(c)
        assert c["source"].endswith("000_2049a57f73a0fd17.txt")
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", data["answer"])}
    assert cited == {c["id"] for c in data["citations"]}
    assert "London" in data["answer"]


def test_streaming_ends_with_the_answer_and_its_citations(seed_engine: RagEngine) -> None:
    from rag.answering.base import AnswerDelta
    from rag.models import Answer

    events = list(seed_engine.stream("What did Meloni say about Italian troops in Ukraine?"))
    assert isinstance(events[-1], Answer)
    assert all(isinstance(e, AnswerDelta) for e in events[:-1])
    assert "".join(e.text for e in events[:-1]) == events[-1].answer
    assert events[-1].citations


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions_raise_input_error(seed_engine: RagEngine, question: str) -> None:
    with pytest.raises(InputError):
        seed_engine.ask(question)
