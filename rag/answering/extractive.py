"""The default answerer: quotes the retrieved sentences that best answer the question.

It never writes a word of its own besides the refusal message: every sentence of the answer
is copied from a passage and cited. When the best sentence scores below ``min_support`` it
refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rag.answering.base import REFUSAL_TEXT, AnswerDelta
from rag.answering.citations import CitationBook, Evidence
from rag.answering.lexical import missing_names
from rag.answering.support import ScoredSentence, score_sentences
from rag.answering.table_units import is_row_unit
from rag.models import Answer, Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.settings import Settings

# A further sentence joins the answer if it scores within this margin of the best one.
SECOND_SENTENCE_MARGIN = 0.08


class ExtractiveAnswerer:
    name = "extractive"

    def __init__(self, settings: Settings, embed_model: BaseEmbedding) -> None:
        self.settings = settings
        self.embed_model = embed_model

    def select(self, question: str, passages: list[Passage]) -> list[ScoredSentence]:
        """The sentences that answer ``question``, in reading order; empty means refuse."""
        if missing_names(question, " ".join(f"{p.context} {p.text}" for p in passages)):
            return []  # the question is about someone or something the documents never name
        scored = score_sentences(question, passages, self.embed_model)
        if not scored or scored[0].score < self.settings.min_support:
            return []
        if is_row_unit(scored[0].text):
            return [scored[0]]  # a figure: its row under its header, nothing more
        best = scored[0].score
        floor = max(self.settings.min_support, best - SECOND_SENTENCE_MARGIN)
        chosen = [s for s in scored if s.score >= floor][: self.settings.max_answer_sentences]
        return sorted(chosen, key=lambda s: (s.passage_index, s.start))

    def stream(
        self, question: str, passages: list[Passage], history: list[tuple[str, str]]
    ) -> Iterator[AnswerDelta | Answer]:
        chosen = self.select(question, passages)
        if not chosen:
            yield AnswerDelta(REFUSAL_TEXT)
            yield Answer(question, REFUSAL_TEXT, True, self.name, retrieved=passages)
            return
        book = CitationBook()
        parts: list[str] = []
        for sentence in chosen:
            n = book.cite(
                Evidence(passages[sentence.passage_index], sentence.start, sentence.end,
                         sentence.score, supported=True)
            )  # fmt: skip
            part = f"{sentence.text} [{n}]"
            yield AnswerDelta(part if not parts else " " + part)
            parts.append(part)
        yield Answer(
            question, " ".join(parts), False, self.name, book.citations(), retrieved=passages
        )
