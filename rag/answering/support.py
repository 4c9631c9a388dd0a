"""How well a passage supports a claim: the best-matching sentence and its score.

Score = weighted mix of embedding cosine (question/claim vs sentence) and lexical overlap of
content words. Used both to pick extractive answer sentences and to verify LLM citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rag.answering.lexical import content_terms, overlap
from rag.sentences import split_sentences

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.models import Passage

DENSE_WEIGHT = 0.6
LEXICAL_WEIGHT = 0.4


@dataclass
class ScoredSentence:
    passage_index: int
    start: int  # offset into the source text (passage.start_char + local offset)
    end: int
    text: str
    dense: float
    lexical: float

    @property
    def score(self) -> float:
        return DENSE_WEIGHT * self.dense + LEXICAL_WEIGHT * self.lexical


def passage_sentences(passages: list[Passage]) -> list[tuple[int, int, int, str]]:
    """``(passage_index, start, end, text)`` of every sentence, offsets into the source text."""
    out = []
    seen: set[tuple[str, int | None, int]] = set()
    for i, p in enumerate(passages):
        base = p.start_char or 0
        for s, e in split_sentences(p.text):
            key = (p.source, p.page, base + s)
            if key in seen:
                continue  # the same sentence in an overlapping chunk
            seen.add(key)
            out.append((i, base + s, base + e, p.text[s:e]))
    return out


def score_sentences(
    query: str, passages: list[Passage], embed_model: BaseEmbedding
) -> list[ScoredSentence]:
    """Every sentence of ``passages`` scored against ``query``, best first."""
    sentences = passage_sentences(passages)
    if not sentences:
        return []
    query_vec = np.asarray(embed_model.get_query_embedding(query))
    sent_vecs = np.asarray(embed_model.get_text_embedding_batch([s[3] for s in sentences]))
    dense = (
        sent_vecs
        @ query_vec
        / (np.linalg.norm(sent_vecs, axis=1) * np.linalg.norm(query_vec) + 1e-9)
    )
    terms = content_terms(query)
    scored = [
        ScoredSentence(i, s, e, text, float(d), overlap(terms, text))
        for (i, s, e, text), d in zip(sentences, dense, strict=True)
    ]
    scored.sort(key=lambda x: x.score, reverse=True)
    return scored
