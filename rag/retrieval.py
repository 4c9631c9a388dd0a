"""Hybrid retrieval: dense (Chroma) and BM25, fused by reciprocal rank, through LlamaIndex."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from rag.bm25_index import Bm25Index
from rag.boxes import decode_boxes
from rag.document_scope import DocumentScope
from rag.models import Passage
from rag.non_prose import decode_spans

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import BaseNode, NodeWithScore

    from rag.settings import Settings
    from rag.store import Store

log = logging.getLogger(__name__)

# How many candidates each retriever contributes before fusion, relative to top_k.
CANDIDATE_FACTOR = 2


class HybridRetriever:
    """Builds the LlamaIndex retrievers once; BM25 follows the collection's state."""

    def __init__(self, settings: Settings, store: Store, embed_model: BaseEmbedding) -> None:
        self.settings = settings
        self.store = store
        self.embed_model = embed_model
        self._dense: BaseRetriever | None = None
        self._index: Any = None
        self.bm25 = Bm25Index(store)
        self.scope = DocumentScope(store)

    def retrieve(self, query: str, top_k: int | None = None) -> list[Passage]:
        """The ``top_k`` best passages; only from the documents the question names, when it
        names some of a series (:mod:`rag.document_scope`), one document after another."""
        # deferred for start-up time: llama_index only where needed
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.core.retrievers.fusion_retriever import FUSION_MODES

        k = top_k or self.settings.top_k
        mode = self.settings.retrieval
        sources = self.scope.sources(query)
        # several named documents: candidates enough to take the best of each in turn
        wanted = k * CANDIDATE_FACTOR * (2 if len(sources) > 1 else 1)
        retrievers: list[BaseRetriever] = []
        if mode in ("hybrid", "dense"):
            retrievers.append(self._dense_retriever(wanted, sources))
        if mode in ("hybrid", "bm25"):
            bm25 = self.bm25.retriever(wanted, sources)
            if bm25 is not None:
                retrievers.append(bm25)
        superseded = self.store.catalog.current().superseded
        if not retrievers:
            return []
        if len(retrievers) == 1:
            results = retrievers[0].retrieve(query)
        else:
            # deferred for start-up time: llama_index only where needed
            from llama_index.core.llms import MockLLM

            fusion = QueryFusionRetriever(
                [ChunkKeyed(r) for r in retrievers],
                llm=MockLLM(),  # never used: num_queries=1 means no query generation
                mode=FUSION_MODES.RECIPROCAL_RANK,
                similarity_top_k=wanted,
                num_queries=1,
                use_async=False,
            )
            results = fusion.retrieve(query)
        passages = [to_passage(r) for r in results]
        if sources:  # BM25 may fill its list with masked-out chunks scored 0
            passages = [p for p in passages if p.source in sources]
        if superseded:  # a killed ingest left two versions of a file: show the current one
            passages = [p for p in passages if p.doc_id not in superseded]
        kept = deduplicate(passages)
        kept = (by_document(kept) if len(sources) > 1 else kept)[:k]
        for rank, passage in enumerate(kept, 1):
            passage.rank = rank
            passage.named = bool(sources)
            passage.names = self.scope.names(passage.source)
        return kept

    def _dense_retriever(self, k: int, sources: list[str]) -> BaseRetriever:
        if self._dense is None:
            # deferred for start-up time: llama_index only where needed
            from llama_index.core import VectorStoreIndex

            self._index = VectorStoreIndex.from_vector_store(
                self.store.vector_store(), embed_model=self.embed_model
            )
            self._dense = self._index.as_retriever(similarity_top_k=k)
        if sources:  # a retriever of its own: the shared one serves other threads
            # deferred for start-up time: llama_index only where needed
            from llama_index.core.vector_stores import (
                FilterOperator,
                MetadataFilter,
                MetadataFilters,
            )

            only = MetadataFilter(key="source", value=sources, operator=FilterOperator.IN)
            return self._index.as_retriever(  # type: ignore[no-any-return]
                similarity_top_k=k, filters=MetadataFilters(filters=[only])
            )
        self._dense.similarity_top_k = k  # type: ignore[union-attr]
        return self._dense


def ChunkKeyed(inner: BaseRetriever) -> BaseRetriever:  # noqa: N802 (a class factory)
    """Wrap a retriever so fusion recognises the same chunk coming from two retrievers.

    QueryFusionRetriever merges results by ``node.hash`` (text + ``str(metadata)``). Chroma's
    nodes and the BM25 nodes of one chunk carry the same metadata in a different key order
    (and BM25's has ``doc_id``), so their hashes differ and reciprocal-rank fusion would never
    add up the two ranks of a chunk: it would just interleave the two lists. Results pass
    through as nodes whose hash is the chunk id.
    """
    # deferred for start-up time: llama_index only where needed
    from llama_index.core.retrievers import BaseRetriever as LlamaRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle

    class _ChunkKeyed(LlamaRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            return [
                NodeWithScore(node=_id_hashed(r.node), score=r.score)
                for r in inner.retrieve(query_bundle)
            ]

    return _ChunkKeyed()


@lru_cache(maxsize=1)
def _id_hashed_class() -> Any:
    # deferred for start-up time: llama_index only where needed
    from llama_index.core.schema import TextNode

    class IdHashedNode(TextNode):
        @property
        def hash(self) -> str:
            return self.node_id

    return IdHashedNode


def _id_hashed(node: BaseNode) -> BaseNode:
    meta = dict(node.metadata)
    if not meta.get("doc_id") and node.ref_doc_id:
        meta["doc_id"] = node.ref_doc_id
    node_class = _id_hashed_class()
    return node_class(id_=node.node_id, text=node.get_content(), metadata=meta)  # type: ignore[no-any-return]


def to_passage(result: NodeWithScore) -> Passage:
    node = result.node
    meta: dict[str, Any] = node.metadata
    page = meta.get("page")
    return Passage(
        chunk_id=node.node_id,
        doc_id=str(meta.get("doc_id") or node.ref_doc_id or ""),
        source=str(meta.get("source", "")),
        text=node.get_content(),
        score=float(result.score or 0.0),
        start_char=_int_or_none(meta.get("start_char")),
        end_char=_int_or_none(meta.get("end_char")),
        page=page if isinstance(page, int) and page >= 0 else None,
        non_prose=decode_spans(meta.get("non_prose")),
        boxes=decode_boxes(meta.get("boxes")),
        table_header=str(meta.get("table_header") or ""),
        context=str(meta.get("context") or ""),
    )


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


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
