"""LlamaIndex's default pipeline as the baseline, run beside ours on the same questions.

LlamaIndex ``Document`` s -> ``VectorStoreIndex.from_documents`` (in memory) with its default
``SentenceSplitter`` (1024 tokens, overlap 200), dense retrieval, top-2. It uses our embedding
model and our answerer, so any difference comes from chunking and retrieval alone.

The documents hold the text our loaders extract, one ``Document`` per PDF page with a
``page_label`` as LlamaIndex's own ``PDFReader`` makes them. ``SimpleDirectoryReader`` is not used:
without the separate ``llama-index-readers-file`` package it silently reads a PDF's raw bytes as
text (15,764 nodes of binary noise for the SEC 10-Q set), which would compare our pipeline with
a broken one rather than with LlamaIndex's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.models import Answer, Passage

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.schema import NodeWithScore

log = logging.getLogger(__name__)

BASELINE_CHUNK_SIZE = 1024
BASELINE_CHUNK_OVERLAP = 200
BASELINE_TOP_K = 2


class LlamaIndexBaseline:
    """Answers with LlamaIndex default retrieval and the given answerer."""

    name = "baseline"
    top_k = BASELINE_TOP_K

    def __init__(
        self, files: Sequence[Path], embed_model: BaseEmbedding, answerer: Any, *, progress: bool
    ) -> None:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import VectorStoreIndex
        from llama_index.core.llms import MockLLM
        from llama_index.core.node_parser import SentenceSplitter

        LlamaSettings.llm = MockLLM()  # never LlamaIndex's OpenAI default
        documents = load_documents(files)
        splitter = SentenceSplitter(
            chunk_size=BASELINE_CHUNK_SIZE, chunk_overlap=BASELINE_CHUNK_OVERLAP
        )
        index = VectorStoreIndex.from_documents(
            documents, embed_model=embed_model, transformations=[splitter], show_progress=progress
        )
        self.retriever = index.as_retriever(similarity_top_k=BASELINE_TOP_K)
        self.answerer = answerer
        log.info("baseline index: %d documents", len(documents))

    def retrieve(self, question: str) -> list[Passage]:
        return [node_to_passage(n) for n in self.retriever.retrieve(question)]

    def ask(self, question: str) -> Answer:
        passages = self.retrieve(question)
        answer: Answer | None = None
        for event in self.answerer.stream(question, passages, []):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer


def load_documents(files: Sequence[Path]) -> list[Any]:
    """One LlamaIndex ``Document`` per page, with the metadata ``SimpleDirectoryReader`` sets."""
    from llama_index.core import Document

    from index.loaders import parse

    documents = []
    for path in files:
        loaded = parse(path, path.read_bytes())
        for page in loaded.pages:
            if not page.text.strip():
                continue
            metadata: dict[str, Any] = {"file_path": str(path), "file_name": path.name}
            if page.page is not None:
                metadata["page_label"] = str(page.page)
            documents.append(Document(text=page.text, metadata=metadata))
    return documents


def node_to_passage(result: NodeWithScore) -> Passage:
    node = result.node
    meta = node.metadata
    start = getattr(node, "start_char_idx", None)
    end = getattr(node, "end_char_idx", None)
    page = meta.get("page_label")
    return Passage(
        chunk_id=node.node_id,
        doc_id=str(node.ref_doc_id or ""),
        source=str(meta.get("file_path") or meta.get("file_name") or ""),
        text=node.get_content(),
        score=float(result.score or 0.0),
        start_char=start,
        end_char=end,
        page=int(page) if isinstance(page, str) and page.isdigit() else None,
    )
