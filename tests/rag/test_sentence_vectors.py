"""Sentence vectors stored at ingest: an extractive answer embeds only its question, gives the
answer it gave when it embedded its sentences itself, and survives a damaged or missing file."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.answering.extractive import ExtractiveAnswerer
from rag.backends import build_embedding
from rag.engine import RagEngine
from rag.models import Answer
from rag.sentence_vectors import SentenceVectors, sentence_vectors_of
from rag.settings import Settings
from rag.store import Store

QUESTIONS = [
    "Who said there will be no European troops on Ukrainian soil in the coming weeks?",
    "What did Meloni say about Italian troops in Ukraine?",
    "Who is the NATO Secretary General mentioned in the article?",
]


def _copy(seed_settings: Settings, tmp_path: Path) -> Settings:
    shutil.copytree(seed_settings.store, tmp_path / "store")
    return seed_settings.replace(store=tmp_path / "store")


def _vectors(engine: RagEngine) -> SentenceVectors:
    answerer = engine.answerer
    assert isinstance(answerer, ExtractiveAnswerer) and answerer.sentence_vectors is not None
    return answerer.sentence_vectors


def _plain(engine: RagEngine, settings: Settings, question: str) -> Answer:
    """The same question answered by an answerer that embeds its sentences itself."""
    answerer = engine.answerer
    assert isinstance(answerer, ExtractiveAnswerer)
    plain = ExtractiveAnswerer(settings, build_embedding(settings), reader=answerer.reader)
    return RagEngine(engine.retriever, plain, engine.rewriter).ask(question)


def test_ingest_stores_every_unit_and_answers_embed_none(
    seed_settings: Settings, tmp_path: Path
) -> None:
    settings = _copy(seed_settings, tmp_path)
    store = Store(settings)
    vectors = sentence_vectors_of(store, build_embedding(settings))
    assert vectors.path is not None and vectors.path.exists()
    engine = RagEngine.from_settings(settings)
    for question in QUESTIONS:
        answer = engine.ask(question)
        assert not answer.refused and answer.citations
        expected = _plain(engine, settings, question)
        assert answer.answer == expected.answer
        assert answer.confidence == pytest.approx(expected.confidence, abs=0.01)
    assert _vectors(engine).embedded_at_answer == 0  # every unit was stored at ingest


def test_a_damaged_file_is_warned_about_and_answers_embed_their_sentences(
    seed_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _copy(seed_settings, tmp_path)
    path = sentence_vectors_of(Store(settings), build_embedding(settings)).path
    assert path is not None
    for extra in path.parent.glob(path.name + "-*"):  # WAL side files
        extra.unlink()
    path.write_bytes(b"not a database" * 100)
    engine = RagEngine.from_settings(settings)
    with caplog.at_level(logging.WARNING, logger="rag.sentence_vectors"):
        answer = engine.ask(QUESTIONS[0])
    assert "Macron" in answer.answer
    assert answer.answer == _plain(engine, settings, QUESTIONS[0]).answer
    assert any(str(path) in r.getMessage() for r in caplog.records)


def test_a_store_without_them_fills_them_at_answer_time(
    seed_settings: Settings, tmp_path: Path
) -> None:
    settings = _copy(seed_settings, tmp_path)
    path = sentence_vectors_of(Store(settings), build_embedding(settings)).path
    assert path is not None
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    first = RagEngine.from_settings(settings)
    answer = first.ask(QUESTIONS[1])
    assert _vectors(first).embedded_at_answer > 0
    assert path.exists()
    second = RagEngine.from_settings(settings)  # a new process would read the same file
    assert second.ask(QUESTIONS[1]).answer == answer.answer
    assert _vectors(second).embedded_at_answer == 0


def test_stored_vectors_are_the_model_vectors(seed_settings: Settings, tmp_path: Path) -> None:
    embed_model = build_embedding(seed_settings)
    vectors = SentenceVectors(tmp_path / "v.sqlite3", embed_model)
    texts = ["Macron proposed a one-month truce.", "Meloni said troops were never on the agenda."]
    assert vectors.fill(texts) == 2 and vectors.fill(texts) == 0
    got = vectors.vectors([texts[1], texts[0], texts[1]])
    direct = np.asarray(embed_model.get_text_embedding_batch([texts[1], texts[0], texts[1]]))
    np.testing.assert_allclose(got, direct, atol=2e-3)  # stored as float16
    assert vectors.embedded_at_answer == 0
