"""Answers written by a chat model (``openai`` or ``openai-compatible``), checked afterwards.

Flow for one question:

1. Retrieval-level refusal: when no retrieved sentence scores ``min_relevance`` against the
   question, refuse without calling the model.
2. The model sees the passages as numbered, delimited data (:mod:`rag.answering.prompt`) and
   must cite ``[n]`` or reply ``NOT_FOUND``.
3. The reply streams through :class:`SentenceGate`: each sentence is shown only once a
   passage it cites supports it; the others are withheld (``removed``, with the reason, and
   in ``warnings``). Bad numbers are dropped and the rest renumbered by first use. A reply
   that turns out to be ``NOT_FOUND``, cites nothing, or has no supported sentence is never
   half-shown: it is refused with the closest passages. The streamed text always equals the
   final answer.
4. :func:`check_citations` scores each kept sentence's citations against their passages.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rag.answering.base import REFUSAL_TEXT, AnswerDelta
from rag.answering.gate import SentenceGate
from rag.answering.prompt import NOT_FOUND, answer_messages
from rag.answering.support import score_sentences
from rag.answering.verify import check_citations
from rag.models import REMOVED_PREFIX, Answer, Citation, Passage, RemovedSentence

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
        gate = SentenceGate(passages, self.embed_model, self.settings.min_citation_support)
        emitted = ""
        for piece in self.chat.stream(answer_messages(question, passages)):
            out = gate.feed(piece)
            if out:
                emitted += out
                yield AnswerDelta(out)
        tail = gate.finish().rstrip()
        if tail:
            emitted += tail
            yield AnswerDelta(tail)
        removed = [f"{REMOVED_PREFIX}{r.reason}: {_short(r.text)!r}" for r in gate.removed]
        if not emitted:
            notes = self._refusal_notes(gate.raw.strip(), gate)
            yield from self._refuse(question, passages, notes, gate.removed)
            return
        citations, warnings = check_citations(
            emitted, passages, gate.rewriter, self.embed_model, self.settings.min_citation_support
        )
        confidence, label = citation_confidence(citations)
        yield Answer(question, emitted, False, self.name, citations, retrieved=passages,
                     warnings=warnings + removed, removed=gate.removed, confidence=confidence,
                     confidence_label=label)  # fmt: skip

    def _refuse(
        self,
        question: str,
        passages: list[Passage],
        warnings: list[str],
        removed: list[RemovedSentence] | None = None,
    ) -> Iterator[AnswerDelta | Answer]:
        yield AnswerDelta(REFUSAL_TEXT)
        yield Answer(question, REFUSAL_TEXT, True, self.name, retrieved=passages, warnings=warnings,
                     removed=list(removed or []), confidence=0.0, confidence_label="low")  # fmt: skip

    @staticmethod
    def _refusal_notes(full: str, gate: SentenceGate) -> list[str]:
        notes = [
            f"removed citation [{n}]: there is no passage {n}"
            for n in dict.fromkeys(gate.rewriter.invalid)
        ]
        if not full:
            notes.append("the model returned an empty answer")
        elif _NOT_FOUND.match(full):
            pass
        elif not gate.cited_any:
            notes.append(
                f"the model's answer cited no passage, so it was withheld: {_short(full)!r}"
            )
        else:
            notes.append("no sentence of the model's answer is supported by the passages it "
                         "cites, so it was withheld")  # fmt: skip
            notes.extend(f"{REMOVED_PREFIX}{r.reason}: {_short(r.text)!r}" for r in gate.removed)
        return notes


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
