"""A retrieved LlamaIndex node as the :class:`~rag.models.Passage` answers are built from."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rag.boxes import decode_boxes
from rag.models import Passage
from rag.non_prose import decode_spans

if TYPE_CHECKING:
    from llama_index.core.schema import BaseNode


def to_passage(node: BaseNode, score: float | None = 0.0) -> Passage:
    """The passage of a stored chunk's node (Chroma's or BM25's), with its retrieval score."""
    meta: dict[str, Any] = node.metadata
    page = meta.get("page")
    return Passage(
        chunk_id=node.node_id,
        doc_id=str(meta.get("doc_id") or node.ref_doc_id or ""),
        source=str(meta.get("source", "")),
        text=node.get_content(),
        score=float(score or 0.0),
        start_char=_int_or_none(meta.get("start_char")),
        end_char=_int_or_none(meta.get("end_char")),
        page=page if isinstance(page, int) and page >= 0 else None,
        non_prose=decode_spans(meta.get("non_prose")),
        boxes=decode_boxes(meta.get("boxes")),
        table_header=str(meta.get("table_header") or ""),
        context=str(meta.get("context") or ""),
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
