"""Chunks as LlamaIndex nodes: written to Chroma (:func:`to_node`) and read back from it
(:func:`stored_node`, with :func:`public_metadata`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rag.boxes import encode_boxes
from rag.models import Chunk
from rag.non_prose import encode_spans

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode


def to_node(chunk: Chunk, embedding: Sequence[float], when: str) -> TextNode:
    # deferred for start-up time: llama_index only where needed
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    node = TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        embedding=list(embedding),
        start_char_idx=chunk.start_char,
        end_char_idx=chunk.end_char,
        metadata={
            "source": chunk.source,
            "page": -1 if chunk.page is None else chunk.page,
            "start_char": chunk.start_char,
            "end_char": chunk.end_char,
            "chunk_index": chunk.chunk_index,
            "ingested_at": when,
            **({"boxes": encode_boxes(chunk.boxes)} if chunk.boxes else {}),
            **({"table_header": chunk.table_header} if chunk.table_header else {}),
            **({"context": chunk.context} if chunk.context else {}),
            "non_prose": encode_spans(chunk.non_prose),
        },
        excluded_embed_metadata_keys=["source", "page", "start_char", "end_char",
                                      "chunk_index", "ingested_at", "boxes", "table_header", "context",
                                      "non_prose"],
        excluded_llm_metadata_keys=["start_char", "end_char", "chunk_index", "ingested_at",
                                    "boxes", "table_header", "context", "non_prose"],
    )  # fmt: skip
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=chunk.doc_id)
    return node


_INTERNAL_KEYS = {"_node_content", "_node_type", "document_id", "ref_doc_id"}


def public_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata without LlamaIndex's serialized copy of the node."""
    return {k: v for k, v in meta.items() if k not in _INTERNAL_KEYS}


def stored_node(chunk_id: str, text: str | None, meta: dict[str, Any] | None) -> TextNode:
    """A chunk as read from Chroma (text and public metadata, no embedding)."""
    # deferred for start-up time: llama_index only where needed
    from llama_index.core.schema import TextNode

    return TextNode(id_=chunk_id, text=text or "", metadata=public_metadata(meta or {}))
