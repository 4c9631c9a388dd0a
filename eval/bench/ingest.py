"""Ingest throughput on real text: our pipeline, LlamaIndex's default, and the bare model."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench.corpus import RealCorpus
from rag.settings import Settings, load_settings

log = logging.getLogger(__name__)

BARE_BATCH = 32


@dataclass
class IngestResult:
    chunks: int
    chars: int
    bare_model_s: float
    pipeline_s: float
    pipeline_chunks: int
    reingest_s: float
    llamaindex_s: float
    llamaindex_chunks: int
    model_load_s: float
    precision: str = "float32"  # the pipeline's (and the bare model's) embedding arithmetic
    bare_float32_s: float = 0.0  # the bare model in float32, when the pipeline uses bfloat16

    def to_json(self) -> dict[str, Any]:
        def rate(n: int, s: float) -> float:
            return round(n / s, 1) if s > 0 else 0.0

        return {
            "chunks": self.chunks,
            "chars": self.chars,
            "model_load_s": round(self.model_load_s, 2),
            "precision": self.precision,
            "bare_model": {"seconds": round(self.bare_model_s, 2),
                           "chunks_per_s": rate(self.chunks, self.bare_model_s),
                           "precision": self.precision},
            "bare_model_float32": {"seconds": round(self.bare_float32_s or self.bare_model_s, 2),
                                   "chunks_per_s": rate(self.chunks,
                                                        self.bare_float32_s or self.bare_model_s)},
            "pipeline": {"seconds": round(self.pipeline_s, 2), "chunks": self.pipeline_chunks,
                         "chunks_per_s": rate(self.pipeline_chunks, self.pipeline_s)},
            "llamaindex_default": {"seconds": round(self.llamaindex_s, 2),
                                   "chunks": self.llamaindex_chunks,
                                   "chunks_per_s": rate(self.llamaindex_chunks, self.llamaindex_s)},
            "reingest_unchanged": {"seconds": round(self.reingest_s, 3),
                                   "speedup_vs_first": round(self.pipeline_s / self.reingest_s, 1)
                                   if self.reingest_s > 0 else 0.0},
            "ratio_pipeline_vs_bare": round(self.bare_model_s / self.pipeline_s
                                            * self.pipeline_chunks / self.chunks, 3),
            "ratio_pipeline_vs_llamaindex": round(
                rate(self.pipeline_chunks, self.pipeline_s)
                / max(rate(self.llamaindex_chunks, self.llamaindex_s), 1e-9), 3),
        }  # fmt: skip


def bare_model_vectors(
    corpus: RealCorpus, precision: str = "float32"
) -> tuple[np.ndarray, dict[str, float], float]:
    """Embed the corpus chunk texts with sentence-transformers itself: the limit of the machine.

    Timed in float32 (what sentence-transformers does by default) and, when the pipeline runs in
    ``bfloat16``, again under ``torch.autocast`` in bfloat16: the pipeline is compared with the
    bare model in its own arithmetic. Returns the float32 (unit) vectors, the encode time per
    precision and the model load time.
    """
    # deferred for start-up time: torch, sentence_transformers only where needed
    import torch
    from sentence_transformers import SentenceTransformer

    # deferred for start-up time: modules that pull in heavy libraries
    from rag.embedding import local_minilm_path

    started = time.perf_counter()
    model = SentenceTransformer(local_minilm_path(), device="cpu")
    model.encode(["warm up"], batch_size=1)
    loaded = time.perf_counter() - started
    texts = [c.text for c in corpus.chunks]
    started = time.perf_counter()
    vectors = model.encode(texts, batch_size=BARE_BATCH, normalize_embeddings=True)
    seconds = {"float32": time.perf_counter() - started}
    if precision == "bfloat16":
        with torch.autocast("cpu", dtype=torch.bfloat16):
            model.encode(["warm up"], batch_size=1)
            started = time.perf_counter()
            model.encode(texts, batch_size=BARE_BATCH, normalize_embeddings=True)
            seconds["bfloat16"] = time.perf_counter() - started
    return np.asarray(vectors, dtype=np.float32), seconds, loaded


def pipeline_ingest(corpus: RealCorpus, store: Path) -> tuple[float, int, float]:
    """First ingest and unchanged re-ingest of the corpus folder through the library service."""
    import chromadb  # noqa: F401  (imported once, as in a server; ~1 s the bare model never pays)

    # deferred for start-up time: modules that pull in heavy libraries
    from rag.backends import build_embedding
    from service import LibraryService

    settings = load_settings(store=store)
    build_embedding(settings).get_text_embedding("warm up")  # load once, as a server would
    library = LibraryService(settings)
    first = library.ingest([corpus.folder])
    again = library.ingest([corpus.folder])
    if again.chunks_embedded:
        log.warning("re-ingest of an unchanged corpus embedded %d chunks", again.chunks_embedded)
    return first.seconds, first.chunks_embedded, again.seconds


def llamaindex_default(corpus: RealCorpus, settings: Settings) -> tuple[float, int]:
    """``VectorStoreIndex.from_documents`` as a LlamaIndex user would write it, same model.

    SimpleDirectoryReader and the default in-memory vector store; only the chunk size is set to
    ours so that chunks/s compare like with like. The LLM is a MockLLM (never OpenAI).
    """
    # deferred for start-up time: llama_index only where needed
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.llms import MockLLM
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    # deferred for start-up time: modules that pull in heavy libraries
    from rag.embedding import local_minilm_path

    LlamaSettings.llm = MockLLM()
    embed_model = HuggingFaceEmbedding(model_name=local_minilm_path(), device="cpu")
    embed_model.get_text_embedding("warm up")
    started = time.perf_counter()
    documents = SimpleDirectoryReader(str(corpus.folder)).load_data()
    index = VectorStoreIndex.from_documents(
        documents,
        embed_model=embed_model,
        transformations=[
            SentenceSplitter(chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)
        ],
    )
    seconds = time.perf_counter() - started
    return seconds, len(index.index_struct.nodes_dict)
