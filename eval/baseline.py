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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.backends import build_answerer, build_embedding, build_rewriter
from rag.engine import RagEngine
from rag.models import Answer, Passage
from rag.settings import Settings

PageReader = Callable[[Path], list[tuple[int | None, str]]]

if TYPE_CHECKING:
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
        self, files: Sequence[Path], settings: Settings, read_pages: PageReader, *, progress: bool
    ) -> None:
        """``read_pages`` gives a file's ``(page, text)`` as our loaders read it, so both
        systems index the same text; the answerer and the embedding model are ours too."""
        # deferred for start-up time: llama_index only where needed
        from llama_index.core import VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter

        embed_model = build_embedding(settings)  # also guards LlamaIndex's OpenAI defaults
        answerer = build_answerer(settings, embed_model)
        documents = load_documents(files, read_pages)
        splitter = SentenceSplitter(
            chunk_size=BASELINE_CHUNK_SIZE, chunk_overlap=BASELINE_CHUNK_OVERLAP
        )
        index = VectorStoreIndex.from_documents(
            documents, embed_model=embed_model, transformations=[splitter], show_progress=progress
        )
        self.retriever = index.as_retriever(similarity_top_k=BASELINE_TOP_K)
        self.engine = RagEngine(self, answerer, build_rewriter(settings, answerer), embed_model)
        log.info("baseline index: %d documents", len(documents))

    def retrieve(self, question: str, top_k: int | None = None) -> list[Passage]:
        return [node_to_passage(n) for n in self.retriever.retrieve(question)]

    def ask(self, question: str) -> Answer:
        return self.engine.ask(question)


def load_documents(files: Sequence[Path], read_pages: PageReader) -> list[Any]:
    """One LlamaIndex ``Document`` per page, with the metadata ``SimpleDirectoryReader`` sets."""
    # deferred for start-up time: llama_index only where needed
    from llama_index.core import Document

    documents = []
    for path in files:
        for page, text in read_pages(path):
            if not text.strip():
                continue
            metadata: dict[str, Any] = {"file_path": str(path), "file_name": path.name}
            if page is not None:
                metadata["page_label"] = str(page)
            documents.append(Document(text=text, metadata=metadata))
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
