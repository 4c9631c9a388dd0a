"""The question-answering engine: a retriever, an answerer and a follow-up rewriter.

The parts are passed in (as LlamaIndex's ``RetrieverQueryEngine(retriever, synthesizer)``);
:meth:`RagEngine.from_settings` builds the default ones for a collection.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from rag.answering.base import AnswerDelta, Answerer, FollowUpRewriter
from rag.errors import InputError
from rag.models import Answer, Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.settings import Settings

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000


class Retriever(Protocol):
    def retrieve(self, query: str, top_k: int | None = None) -> list[Passage]: ...


class RagEngine:
    """Answers questions over one collection. Thread-safe for concurrent readers."""

    def __init__(
        self,
        retriever: Retriever,
        answerer: Answerer,
        rewriter: FollowUpRewriter,
        embed_model: BaseEmbedding | None = None,
    ) -> None:
        self.retriever = retriever
        self.answerer = answerer
        self.rewriter = rewriter
        self.embed_model = embed_model  # the model the parts share (eval scores with it)

    @classmethod
    def from_settings(cls, settings: Settings) -> RagEngine:
        """The default parts for ``settings.collection``: hybrid (or configured) retrieval
        over the store, the configured answerer and its follow-up rewriter."""
        # deferred for start-up time: modules that pull in heavy libraries
        from rag.backends import build_answerer, build_embedding, build_rewriter
        from rag.retrieval import HybridRetriever
        from rag.sentence_vectors import sentence_vectors_of
        from rag.store import Store

        embed_model = build_embedding(settings)
        store = Store(settings)
        sentence_vectors = sentence_vectors_of(store, embed_model)
        answerer = build_answerer(settings, embed_model, sentence_vectors)
        retriever = HybridRetriever(settings, store, embed_model, sentence_vectors)
        return cls(retriever, answerer, build_rewriter(settings, answerer), embed_model)

    @property
    def backend(self) -> str:
        return self.answerer.name

    def retrieve(self, question: str, top_k: int | None = None) -> list[Passage]:
        return self.retriever.retrieve(check_question(question), top_k)

    def ask(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        top_k: int | None = None,
    ) -> Answer:
        answer: Answer | None = None
        for event in self.stream(question, history, top_k):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        top_k: int | None = None,
    ) -> Iterator[AnswerDelta | Answer]:
        """Yield :class:`AnswerDelta` pieces, then the final :class:`Answer` (``top_k``
        passages retrieved; default the settings')."""
        question = check_question(question)
        history = history or []
        started = time.perf_counter()
        query = self.rewriter.rewrite(question, history) if history else question
        passages = self.retriever.retrieve(query, top_k)
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


def check_question(question: object) -> str:
    """The question with its whitespace normalised, or an :class:`InputError` saying why not."""
    if not isinstance(question, str):
        raise InputError(f"the question must be text, not {type(question).__name__}")
    if not question.strip():
        raise InputError("the question is empty; type a question about your documents")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(
            f"the question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}"
        )
    return question
