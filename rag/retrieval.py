"""Hybrid retrieval: dense and BM25 through LlamaIndex, fused by weighted reciprocal rank.

Dense means chunks ranked by their best answer unit (:mod:`rag.unit_index`), or by their own
vector in Chroma while the unit index cannot serve. On COVID-QA (biomedical articles, questions
that reuse the article's terms) the gold passage is in the top 5 for 0.72 of the 300 questions
of the eval sample (0.755 of 200 training questions) with chunk vectors and BM25 at 1.5 times
their weight; for 0.76 (0.775) with units and BM25 at equal weights. Dense alone: 0.48 by
chunk, 0.65 by unit; BM25 alone 0.71. Re-ranking 10-20 fused candidates by their best
sentence's similarity to the question added at most a point or two and was left out.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.bm25_index import Bm25Index
from rag.document_scope import DocumentScope
from rag.models import Passage
from rag.node_passage import to_passage
from rag.unit_index import UnitIndex

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import BaseNode, NodeWithScore

    from rag.sentence_vectors import SentenceVectors
    from rag.settings import Settings
    from rag.store import CollectionState, Store

log = logging.getLogger(__name__)

# How many candidates each retriever contributes before fusion, relative to top_k.
CANDIDATE_FACTOR = 2
RRF_K = 60  # the usual constant of reciprocal rank fusion (Cormack et al., 2009)
BM25_WEIGHT = 1.5  # BM25's rank counts this much against chunk vectors' 1.0 (see above)
UNIT_WEIGHT = 1.5  # dense by sentence (rag.unit_index) counts as much as BM25


class HybridRetriever:
    """Builds the LlamaIndex retrievers once; BM25 follows the collection's state."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        embed_model: BaseEmbedding,
        sentence_vectors: SentenceVectors | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.embed_model = embed_model
        self._index: Any = None  # the Chroma collection as a LlamaIndex index, made once
        self._index_lock = threading.Lock()
        self.bm25 = Bm25Index(store)
        self.units = UnitIndex(store, sentence_vectors) if sentence_vectors else None
        self.scope = DocumentScope(store)

    def retrieve(self, query: str, top_k: int | None = None) -> list[Passage]:
        """The ``top_k`` best passages; only from the documents the question names, when it
        names some of a series (:mod:`rag.document_scope`), one document after another."""
        k = top_k or self.settings.top_k
        mode = self.settings.retrieval
        state = self.store.collection_state()  # once: each read is two Chroma calls
        sources = self.scope.sources(query, state)
        # several named documents: candidates enough to take the best of each in turn
        wanted = k * CANDIDATE_FACTOR * (2 if len(sources) > 1 else 1)
        ranked: list[tuple[list[NodeWithScore], float]] = []
        if mode in ("hybrid", "dense"):
            ranked.append(self._dense_results(query, wanted, sources, state))
        if mode in ("hybrid", "bm25"):
            bm25 = self.bm25.retriever(wanted, sources, state)
            if bm25 is not None:
                ranked.append((bm25.retrieve(query), BM25_WEIGHT))
        superseded = self.store.catalog.current(state).superseded
        if not ranked:
            return []
        results = ranked[0][0] if len(ranked) == 1 else fuse_ranks(ranked)[:wanted]
        passages = [to_passage(r.node, r.score) for r in results]
        if sources:  # BM25 may fill its list with masked-out chunks scored 0
            passages = [p for p in passages if p.source in sources]
        if superseded:  # a killed ingest left two versions of a file: show the current one
            passages = [p for p in passages if p.doc_id not in superseded]
        kept = deduplicate(passages)
        kept = (by_document(kept) if len(sources) > 1 else kept)[:k]
        for rank, passage in enumerate(kept, 1):
            passage.rank = rank
            passage.named = bool(sources)
            passage.names = self.scope.names(passage.source, state)
        return kept

    def _dense_results(
        self, query: str, k: int, sources: list[str], state: CollectionState
    ) -> tuple[list[NodeWithScore], float]:
        """The dense side: chunks by their best unit (rag.unit_index), or by their own vector
        while the unit index cannot serve; with the weight its ranks count in the fusion."""
        if self.units is not None:
            query_vector = np.asarray(self.embed_model.get_query_embedding(query))
            found = self.units.search(query_vector, k, sources, state)
            if found is not None:
                return found, UNIT_WEIGHT
        return self._dense_retriever(k, sources).retrieve(query), 1.0

    def _dense_retriever(self, k: int, sources: list[str]) -> BaseRetriever:
        """A retriever of this query's own over the shared index (nothing shared is changed
        per query, so concurrent questions cannot set each other's ``k``)."""
        with self._index_lock:
            if self._index is None:
                # deferred for start-up time: llama_index only where needed
                from llama_index.core import VectorStoreIndex

                self._index = VectorStoreIndex.from_vector_store(
                    self.store.vector_store(), embed_model=self.embed_model
                )
            index = self._index
        if not sources:
            return index.as_retriever(similarity_top_k=k)  # type: ignore[no-any-return]
        # deferred for start-up time: llama_index only where needed
        from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

        only = MetadataFilter(key="source", value=sources, operator=FilterOperator.IN)
        return index.as_retriever(  # type: ignore[no-any-return]
            similarity_top_k=k, filters=MetadataFilters(filters=[only])
        )


def fuse_ranks(ranked: list[tuple[list[NodeWithScore], float]]) -> list[NodeWithScore]:
    """Weighted reciprocal rank fusion: a chunk scores ``sum(weight / (RRF_K + rank))`` over
    the lists that hold it (rank from 1), best first. Chunks are matched by their id: Chroma's
    and BM25's nodes of one chunk differ in metadata order (so in LlamaIndex's ``node.hash``)."""
    # deferred for start-up time: llama_index only where needed
    from llama_index.core.schema import NodeWithScore

    scores: dict[str, float] = {}
    nodes: dict[str, BaseNode] = {}
    for results, weight in ranked:
        for rank, result in enumerate(results, 1):
            key = result.node.node_id
            scores[key] = scores.get(key, 0.0) + weight / (RRF_K + rank)
            nodes.setdefault(key, result.node)
    order = sorted(scores, key=lambda key: -scores[key])
    return [NodeWithScore(node=nodes[key], score=scores[key]) for key in order]


def by_document(passages: list[Passage]) -> list[Passage]:
    """Round robin over the documents, each in its own rank order: the best passage of each
    document first (a question over four quarterly reports is answered from all four)."""
    queues: dict[str, list[Passage]] = {}
    for p in passages:
        queues.setdefault(p.source, []).append(p)
    out: list[Passage] = []
    depth = 0
    while len(out) < len(passages):
        out.extend(q[depth] for q in queues.values() if depth < len(q))
        depth += 1
    return out


def deduplicate(passages: list[Passage]) -> list[Passage]:
    """Drop passages whose text span lies inside a better-ranked passage of the same page."""
    kept: list[Passage] = []
    for p in passages:
        if any(_contains(k, p) for k in kept):
            continue
        kept.append(p)
    return kept


def _contains(outer: Passage, inner: Passage) -> bool:
    if outer.chunk_id == inner.chunk_id or outer.text == inner.text:
        return True
    if (outer.source, outer.page) != (inner.source, inner.page):
        return False
    if None in (outer.start_char, outer.end_char, inner.start_char, inner.end_char):
        return False
    return outer.start_char <= inner.start_char and inner.end_char <= outer.end_char  # type: ignore[operator]
