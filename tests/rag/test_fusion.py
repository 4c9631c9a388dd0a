"""Weighted reciprocal rank fusion of the dense and BM25 lists."""

from __future__ import annotations

from llama_index.core.schema import NodeWithScore, TextNode

from rag.retrieval import BM25_WEIGHT, RRF_K, fuse_ranks


def _ranked(*ids: str, meta: dict[str, str] | None = None) -> list[NodeWithScore]:
    return [
        NodeWithScore(node=TextNode(id_=i, text=i, metadata=meta or {}), score=1.0) for i in ids
    ]


def test_a_chunk_in_both_lists_adds_its_ranks_matched_by_id() -> None:
    # the same chunk from Chroma and from BM25 carries its metadata differently
    dense = _ranked("a", "b", meta={"source": "x", "page": "1"})
    bm25 = _ranked("b", "c", meta={"page": "1", "source": "x", "doc_id": "d"})
    fused = fuse_ranks([(dense, 1.0), (bm25, 1.0)])
    assert [r.node.node_id for r in fused] == ["b", "a", "c"]
    assert fused[0].score == 1 / (RRF_K + 2) + 1 / (RRF_K + 1)


def test_bm25_first_outranks_dense_first_when_weighted_above_it() -> None:
    fused = fuse_ranks([(_ranked("dense-first"), 1.0), (_ranked("bm25-first"), BM25_WEIGHT)])
    assert BM25_WEIGHT > 1.0
    assert [r.node.node_id for r in fused] == ["bm25-first", "dense-first"]
    equal = fuse_ranks([(_ranked("dense-first"), 1.0), (_ranked("bm25-first"), 1.0)])
    assert equal[0].score == equal[1].score
