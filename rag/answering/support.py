"""How well a passage supports a claim: the best-matching sentence and its score.

Score = weighted mix of embedding cosine (question/claim vs sentence) and lexical overlap of
content words. Used both to pick extractive answer sentences and to verify LLM citations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rag.answering.lexical import content_terms, overlap
from rag.answering.table_units import passage_units
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
    """``(passage_index, start, end, text)`` of every sentence, offsets into the source text.

    A table row's text is its header plus the row (``table_units``)."""
    out = []
    seen: set[tuple[str, int | None, int]] = set()
    for i, p in enumerate(passages):
        base = p.start_char or 0
        for s, e, text in passage_units(p, split_sentences(p.text)):
            key = (p.source, p.page, base + s)
            if key in seen:
                continue  # the same sentence in an overlapping chunk
            seen.add(key)
            out.append((i, base + s, base + e, text))
    return out


def score_sentences(
    query: str, passages: list[Passage], embed_model: BaseEmbedding
) -> list[ScoredSentence]:
    """Every sentence of ``passages`` scored against ``query``, best first."""
    sentences = passage_sentences(passages)
    if not sentences:
        return []
    query_vec = np.asarray(embed_model.get_query_embedding(query))
    sent_vecs = embed_texts(embed_model, [s[3] for s in sentences])
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


def best_supports(
    pairs: list[tuple[str, Passage]], embed_model: BaseEmbedding
) -> list[ScoredSentence | None]:
    """For each ``(claim, passage)`` pair, the passage sentence that best supports the claim.

    Claims and sentences are embedded once each, in two batches, however many pairs share
    them. ``passage_index`` of a result is the pair's index. ``None`` for an empty passage.
    """
    if not pairs:
        return []
    claims = list(dict.fromkeys(c for c, _ in pairs))
    by_chunk: dict[str, list[tuple[int, int, int, str]]] = {}
    for _, p in pairs:
        if p.chunk_id not in by_chunk:
            by_chunk[p.chunk_id] = passage_sentences([p])
    texts = [s[3] for sents in by_chunk.values() for s in sents]
    claim_vecs = _unit(np.asarray(embed_model.get_text_embedding_batch(claims)))
    sent_vecs = _unit(embed_texts(embed_model, texts)) if texts else None
    offsets: dict[str, int] = {}
    start = 0
    for chunk_id, sents in by_chunk.items():
        offsets[chunk_id] = start
        start += len(sents)
    results: list[ScoredSentence | None] = []
    for k, (claim, p) in enumerate(pairs):
        sents = by_chunk[p.chunk_id]
        if not sents or sent_vecs is None:
            results.append(None)
            continue
        first = offsets[p.chunk_id]
        dense = sent_vecs[first : first + len(sents)] @ claim_vecs[claims.index(claim)]
        terms = content_terms(claim)
        scored = [
            ScoredSentence(k, s, e, text, float(d), overlap(terms, text))
            for (_, s, e, text), d in zip(sents, dense, strict=True)
        ]
        results.append(max(scored, key=lambda x: x.score))
    return results


def embed_texts(embed_model: BaseEmbedding, texts: list[str]) -> np.ndarray:
    """Embeddings of passage sentences. The same passages come back question after question,
    and an LLM answer scores them twice (relevance gate, then citation support): the model's
    own cache of short texts (:class:`rag.encoder.MiniLMEmbedding`) serves the repeats."""
    return np.asarray(embed_model.get_text_embedding_batch(texts))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / (np.linalg.norm(vectors, axis=-1, keepdims=True) + 1e-9)
