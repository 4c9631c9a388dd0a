"""The BM25 side of hybrid retrieval, built once per collection state and kept on disk.

Building BM25 means reading every chunk out of Chroma and tokenizing it: seconds at 1k chunks,
about half a minute at 100k. So the index is built once after each change to the collection
(at the end of ``rag ingest``, or by the first query that finds it missing), saved under
``Store.cache_dir()/bm25/<count>-<generation>/`` and memory-mapped by every later process,
which then starts in well under a second and keeps the corpus on disk rather than in RAM.
With a Chroma server there is no local store folder: each process builds it in memory.

The folder name is the collection's state: its chunk count and the random generation token
the store writes after every change (:meth:`rag.store.Store.state`). Whatever process wrote,
a reader sees a new state and switches index; stale folders are removed after a build. A
folder is written under a temporary name and renamed into place, so a reader sees a complete
index or none; one that cannot be read is rebuilt, with a warning.
"""

from __future__ import annotations

import logging
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rag.state_folder import is_complete, remove_others, write_complete

if TYPE_CHECKING:
    from llama_index.core.schema import BaseNode
    from llama_index.retrievers.bm25 import BM25Retriever

    from rag.store import CollectionState, Store

log = logging.getLogger(__name__)


class Bm25Index:
    """A collection's BM25 retriever, refreshed when the collection's state changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.builds = 0  # indexes built (rather than loaded) by this object
        self._lock = threading.Lock()
        self._retriever: BM25Retriever | None = None
        self._key: tuple[int, str, int] | None = None
        self._sources: list[str] | None = None  # each indexed chunk's source, in index order

    def retriever(
        self, top_k: int, sources: list[str] | None = None, state: CollectionState | None = None
    ) -> BM25Retriever | None:
        """The retriever for the collection as it is now (None when it is empty); with
        ``sources``, one of its own that only returns chunks of those documents (``state``:
        the collection's as the caller just read it)."""
        state = state or self.store.collection_state()
        count, generation = state.count, state.generation
        if count == 0:
            return None
        if not generation and self.store.cache_dir() is not None:
            generation = self.store.mark_changed()  # a store from before generations existed
        # Without a generation (a server that refused one) only this process's own writes
        # are seen, through the store's version.
        key = (count, generation, 0 if generation else state.version)
        with self._lock:  # one build per state, however many queries arrive at once
            if self._retriever is None or self._key != key:
                self._retriever = self._load_or_build(count, generation)
                self._key = key
                self._sources = None
            retriever = self._retriever
            if sources and self._sources is None:
                self._sources = [str(entry.get("source", "")) for entry in retriever.corpus]
            chunk_sources = self._sources
        if sources and chunk_sources is not None:
            return _scoped(retriever, chunk_sources, set(sources), min(top_k, count))
        # a view of this query's own on the shared index: concurrent questions never set
        # each other's k
        return bm25_view(retriever, min(top_k, count))

    def _load_or_build(self, count: int, generation: str) -> BM25Retriever:
        _quiet_bm25s()
        cache = self.store.cache_dir()
        folder = cache / "bm25" / f"{count}-{generation}" if cache and generation else None
        if folder is not None and is_complete(folder):
            try:
                return _load(folder)
            except Exception as exc:
                log.warning("BM25 index at %s is unreadable (%s); rebuilding it", folder, exc)
                shutil.rmtree(folder, ignore_errors=True)
        retriever = self._build()
        if folder is None:
            return retriever
        try:
            # with the corpus's line index
            write_complete(
                folder, lambda staging: retriever.persist(str(staging), show_progress=False)
            )
            remove_others(folder)
            return _load(folder)  # memory-mapped: the built copy's corpus leaves RAM
        except Exception as exc:
            log.warning("could not keep the BM25 index at %s: %s", folder, exc)
            return retriever

    def _build(self) -> BM25Retriever:
        # deferred for start-up time: llama_index only where needed
        from llama_index.retrievers.bm25 import BM25Retriever

        nodes: list[BaseNode] = list(self.store.nodes())
        self.builds += 1
        log.info("building the BM25 index of %d chunks", len(nodes))
        return BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=1)


def bm25_view(base: BM25Retriever, top_k: int, mask: list[int] | None = None) -> BM25Retriever:
    """A retriever over ``base``'s index (shared, not copied) returning ``top_k`` chunks,
    scoring only those of ``mask`` when given (bm25s's weight mask)."""
    # deferred for start-up time: llama_index only where needed
    from llama_index.retrievers.bm25 import BM25Retriever

    view = BM25Retriever(
        existing_bm25=base.bm25, similarity_top_k=top_k, stemmer=base.stemmer,
        skip_stemming=base.skip_stemming, token_pattern=base.token_pattern,
        corpus_weight_mask=mask,
    )  # fmt: skip
    # an index built in this process (no state folder: a Chroma server) keeps its corpus in
    # the retriever, not in the bm25s object
    view.corpus = base.corpus
    return view


def _scoped(
    base: BM25Retriever, chunk_sources: list[str], sources: set[str], top_k: int
) -> BM25Retriever | None:
    """A view of ``base`` that scores only the chunks of ``sources``."""
    mask = [int(s in sources) for s in chunk_sources]
    if not any(mask):
        return None
    return bm25_view(base, min(top_k, sum(mask)), mask)


def _load(folder: Path) -> BM25Retriever:
    # deferred for start-up time: llama_index only where needed
    from llama_index.retrievers.bm25 import BM25Retriever

    return BM25Retriever.from_persist_dir(str(folder), mmap=True, show_progress=False)


def _quiet_bm25s() -> None:
    # bm25s sets its own logger to DEBUG on import; follow the application's level.
    import bm25s  # noqa: F401

    logging.getLogger("bm25s").setLevel(logging.getLogger().getEffectiveLevel())


def prepare(store: Store) -> None:
    """Build the index of the collection's current state now (after an ingest), so the next
    query of any process finds it ready. A failure only costs that query the build."""
    try:
        Bm25Index(store).retriever(1)
    except Exception as exc:
        log.warning("could not build the BM25 index now (%s); the next query will", exc)
