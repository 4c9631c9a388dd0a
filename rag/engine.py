"""The question-answering engine: retrieval plus an answerer, models loaded once."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from rag.answering.base import AnswerDelta
from rag.errors import InputError
from rag.follow_up import standalone_question
from rag.models import Answer, Passage
from rag.settings import Settings

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


class RagEngine:
    """Answers questions over one collection. Thread-safe for concurrent readers."""

    def __init__(self, settings: Settings) -> None:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core.llms import MockLLM

        from rag.backends import build_answerer
        from rag.embedding import get_embed_model
        from rag.retrieval import HybridRetriever
        from rag.store import Store

        # Never leave LlamaIndex's OpenAI defaults in force.
        LlamaSettings.llm = MockLLM()
        self.settings = settings
        self.store = Store(settings)
        self.embed_model = get_embed_model(settings)
        LlamaSettings.embed_model = self.embed_model
        self.retriever = HybridRetriever(settings, self.store, self.embed_model)
        self.answerer = build_answerer(settings, self.embed_model)

    @property
    def backend(self) -> str:
        return self.answerer.name

    def retrieve(self, question: str, top_k: int | None = None) -> list[Passage]:
        return self.retriever.retrieve(check_question(question), top_k)

    def ask(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        answer: Answer | None = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(
        self, question: str, history: list[tuple[str, str]] | None = None
    ) -> Iterator[AnswerDelta | Answer]:
        """Yield :class:`AnswerDelta` pieces, then the final :class:`Answer`."""
        question = check_question(question)
        history = history or []
        started = time.perf_counter()
        query = self.standalone_question(question, history)
        passages = self.retriever.retrieve(query)
        retrieved_at = time.perf_counter()
        for event in self.answerer.stream(query, passages, history):
            if isinstance(event, Answer):
                event.question = question
                if query != question:
                    event.rewritten_question = query
                event.timings_ms = {
                    "retrieve": (retrieved_at - started) * 1000,
                    "answer": (time.perf_counter() - retrieved_at) * 1000,
                }
            yield event

    def standalone_question(self, question: str, history: list[tuple[str, str]]) -> str:
        rewrite = getattr(self.answerer, "rewrite_follow_up", None)
        if rewrite is not None and history:
            return str(rewrite(question, history))
        return standalone_question(question, history)


def check_question(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise InputError("the question is empty; type a question about your documents")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(
            f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}"
        )
    return question
