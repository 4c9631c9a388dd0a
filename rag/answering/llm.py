"""Answers written by a chat model (``openai`` or ``openai-compatible``), checked afterwards.

Flow for one question:

1. Retrieval-level refusal: when no retrieved sentence scores ``min_relevance`` against the
   question, refuse without calling the model.
2. The model sees the passages as numbered, delimited data (:mod:`rag.answering.prompt`) and
   must cite ``[n]`` or reply ``NOT_FOUND``.
3. The reply streams through :class:`CitationRewriter` (bad numbers dropped, the rest
   renumbered by first use). Nothing is shown before the first valid citation, so a reply
   that turns out to be ``NOT_FOUND`` or cites nothing is never half-shown: the streamed text
   always equals the final answer.
4. :func:`check_citations` scores each cited sentence against its passage.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rag.answering.base import REFUSAL_TEXT, AnswerDelta
from rag.answering.markers import CitationRewriter
from rag.answering.prompt import NOT_FOUND, answer_messages
from rag.answering.support import score_sentences
from rag.answering.verify import check_citations
from rag.models import Answer, Citation, Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.answering.llm_client import ChatModel
    from rag.settings import Settings

log = logging.getLogger(__name__)

_NOT_FOUND = re.compile(r"^\W*not[\s_-]?found\b", re.IGNORECASE)


class LLMAnswerer:
    def __init__(self, settings: Settings, embed_model: BaseEmbedding, chat: ChatModel) -> None:
        self.settings = settings
        self.embed_model = embed_model
        self.name: str = settings.llm
        self.chat = chat

    def relevant(self, question: str, passages: list[Passage]) -> bool:
        scored = score_sentences(question, passages, self.embed_model)
        return bool(scored) and scored[0].score >= self.settings.min_relevance

    def stream(
        self, question: str, passages: list[Passage], history: list[tuple[str, str]]
    ) -> Iterator[AnswerDelta | Answer]:
        if not passages or not self.relevant(question, passages):
            yield from self._refuse(question, passages, [])
            return
        rewriter = CitationRewriter(len(passages))
        held = ""  # checked text not shown yet: nothing is shown before a valid citation
        emitted = ""
        for piece in self.chat.stream(answer_messages(question, passages)):
            out = rewriter.feed(piece)
            if not out:
                continue
            if not emitted:
                held += out
                if not rewriter.order or _NOT_FOUND.match(held):
                    continue
                out, held = held.lstrip(), ""
            emitted += out
            yield AnswerDelta(out)
        tail = rewriter.finish()
        if not emitted:
            full = (held + tail).strip()
            if not full or _NOT_FOUND.match(full) or not rewriter.order:
                yield from self._refuse(question, passages, self._refusal_notes(full, rewriter))
                return
            emitted = full
            yield AnswerDelta(full)
        elif tail.rstrip():
            emitted += tail.rstrip()
            yield AnswerDelta(tail.rstrip())
        citations, warnings = check_citations(
            emitted, passages, rewriter, self.embed_model, self.settings.min_citation_support
        )
        confidence, label = citation_confidence(citations)
        yield Answer(question, emitted, False, self.name, citations, retrieved=passages,
                     warnings=warnings, confidence=confidence,
                     confidence_label=label)  # fmt: skip

    def _refuse(
        self, question: str, passages: list[Passage], warnings: list[str]
    ) -> Iterator[AnswerDelta | Answer]:
        yield AnswerDelta(REFUSAL_TEXT)
        yield Answer(question, REFUSAL_TEXT, True, self.name, retrieved=passages, warnings=warnings,
                     confidence=0.0, confidence_label="low")  # fmt: skip

    @staticmethod
    def _refusal_notes(full: str, rewriter: CitationRewriter) -> list[str]:
        notes = [
            f"removed citation [{n}]: there is no passage {n}"
            for n in dict.fromkeys(rewriter.invalid)
        ]
        if not full:
            notes.append("the model returned an empty answer")
        elif not _NOT_FOUND.match(full):
            short = full if len(full) <= 200 else full[:199] + "…"
            notes.append(f"the model's answer cited no passage, so it was withheld: {short!r}")
        return notes


__all__ = ["NOT_FOUND", "LLMAnswerer"]


def citation_confidence(citations: list[Citation]) -> tuple[float, str]:
    """An LLM answer's confidence: the mean support of its citations, labelled high only when
    every citation is supported. Not calibrated on gold sets (the evals here run without an
    LLM), unlike the extractive answerer's."""
    if not citations:
        return 0.0, "low"
    mean = sum(c.support_score for c in citations) / len(citations)
    supported = sum(c.supported for c in citations) / len(citations)
    if supported == 1.0 and mean >= 0.75:
        return round(mean, 4), "high"
    return round(mean, 4), "medium" if supported >= 0.5 else "low"
