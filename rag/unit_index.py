"""Dense retrieval by sentence: a chunk ranks by its best answer unit's similarity.

A chunk's own vector averages a 1,500-character passage into one point; a question asks about
one sentence of it. Ranking chunks by their best answer unit (:mod:`rag.answering.units`,
whose vectors ingest already stores, :mod:`rag.sentence_vectors`) finds the gold passage in
the top 5 for 0.65 of the COVID-QA eval sample against 0.48 by chunk vectors; fused with
BM25 (equal weights) for 0.76 against 0.72 with chunk vectors (0.775 against 0.755 on 200
training questions). The search is a matrix product over every unit of the collection (about
6 units a chunk): a few milliseconds at 10k chunks, where the chunk vectors' search went
through Chroma.

The matrix is built in memory once per collection state (chunk count and generation, as the
BM25 index, :mod:`rag.bm25_index`), from the chunks in Chroma and the stored unit vectors. It
is not used (:meth:`UnitIndex.search` returns None, and retrieval falls back on the chunk
vectors) while more than a few units have no stored vector: during an ingest, which stores
them after its chunks (checked again every ``RECHECK_S``), for a store written before unit
vectors were stored at ingest (when a second look finds none added, a background thread
embeds them, yielding to answers), with a Chroma server, which has nowhere to keep them, and for a collection of
more than ``MAX_UNITS`` units (about 40k chunks), whose matrix would take too much memory.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rag.answering.units import answer_units
from rag.node_passage import to_passage
from rag.priority import background_work

if TYPE_CHECKING:
    from llama_index.core.schema import NodeWithScore, TextNode

    from rag.sentence_vectors import SentenceVectors
    from rag.store import Store

log = logging.getLogger(__name__)

EMBED_AT_BUILD = 64  # missing unit vectors a build embeds itself rather than wait for them
RECHECK_S = 30.0  # how often an incomplete index looks again for the vectors it misses
FILL_BATCH = 256  # unit vectors embedded per background step
# Units kept in memory at most (384 float32 each: 1.5 kB; about 6 a chunk): beyond, chunk
# vectors serve (at 100k chunks the matrix would take about 0.9 GB).
MAX_UNITS = 250_000


@dataclass
class _Matrix:
    """Every unit vector of one collection state, and the chunk each belongs to."""

    key: tuple[int, str, int]
    vectors: np.ndarray  # (units, dim) float32, unit length
    starts: np.ndarray  # first row of each chunk that has units (rows are grouped by chunk)
    nodes: list[TextNode]  # the chunks that have units, in row order
    sources: np.ndarray  # each such chunk's source (str objects)
    texts: list[str]  # every unit's text, in row order, until ``vectors`` is filled
    missing: list[str]  # unit texts without a stored vector (the matrix is unusable if any)
    checked: float  # time.monotonic() of the last look for the missing vectors
    looks: int = 0  # looks that found vectors missing


class UnitIndex:
    """The unit matrix of a collection, rebuilt when the collection's state changes."""

    def __init__(self, store: Store, sentence_vectors: SentenceVectors) -> None:
        self.store = store
        self.sentence_vectors = sentence_vectors
        self.builds = 0  # matrices built by this object
        self._lock = threading.Lock()
        self._matrix: _Matrix | None = None
        self.filling: threading.Thread | None = None  # embeds missing unit vectors, if any

    def search(
        self, query_vector: np.ndarray, top_k: int, sources: list[str] | None = None
    ) -> list[NodeWithScore] | None:
        """The ``top_k`` chunks (of ``sources`` only, when given) whose best unit is the most
        similar to the question, best first, scored by that similarity; None while the
        index cannot serve (see the module's notes)."""
        matrix = self._current()
        if matrix is None or not len(matrix.starts):  # nothing to search: chunk vectors do
            return None
        # deferred for start-up time: llama_index only where needed
        from llama_index.core.schema import NodeWithScore

        query = np.asarray(query_vector, dtype=np.float32)
        query = query / (np.linalg.norm(query) + 1e-9)
        best = np.maximum.reduceat(matrix.vectors @ query, matrix.starts)
        if sources:
            best = np.where(np.isin(matrix.sources, sources), best, -np.inf)
        k = min(top_k, int(np.isfinite(best).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-best, k - 1)[:k]
        top = top[np.argsort(-best[top], kind="stable")]
        return [NodeWithScore(node=matrix.nodes[i], score=float(best[i])) for i in top]

    def _current(self) -> _Matrix | None:
        if self.sentence_vectors.path is None:  # a Chroma server: no stored unit vectors
            return None
        count, generation = self.store.state()
        key = (count, generation, 0 if generation else self.store.version)
        with self._lock:  # one build per state, however many queries arrive at once
            matrix = self._matrix
            if matrix is None or matrix.key != key:
                matrix = self._matrix = self._build(key)
            elif matrix.missing and time.monotonic() - matrix.checked > RECHECK_S:
                self._complete(matrix)
        return None if matrix.missing else matrix

    def _build(self, key: tuple[int, str, int]) -> _Matrix:
        nodes: list[TextNode] = []
        texts: list[str] = []
        starts: list[int] = []
        for node in self.store.nodes():
            mains = [u.main for u in answer_units([to_passage(node)])]
            if mains:
                starts.append(len(texts))
                nodes.append(node)
                texts.extend(mains)
        self.builds += 1
        if len(texts) > MAX_UNITS:
            log.info("%d units are more than the unit index keeps (%d): passages are found by "
                     "chunk vectors", len(texts), MAX_UNITS)  # fmt: skip
            nodes, texts, starts = [], [], []
        else:
            log.info("building the unit index of %d chunks (%d units)", len(nodes), len(texts))
        matrix = _Matrix(
            key=key,
            vectors=np.zeros((0, 0), dtype=np.float32),
            starts=np.asarray(starts, dtype=np.intp),
            nodes=nodes,
            sources=np.asarray([str(n.metadata.get("source", "")) for n in nodes], dtype=object),
            texts=texts,
            missing=texts,
            checked=0.0,
        )
        self._complete(matrix)
        return matrix

    def _complete(self, matrix: _Matrix) -> None:
        """Fill the matrix once every unit has its vector (the few missing ones embedded)."""
        matrix.checked = time.monotonic()
        found = self.sentence_vectors.stored(matrix.missing)
        missing = [t for t in dict.fromkeys(matrix.missing) if t not in found]
        if len(missing) > EMBED_AT_BUILD:
            if matrix.looks == 0:
                log.info("%d of %d unit vectors are not stored yet: passages are found by "
                         "chunk vectors until they are", len(missing), len(matrix.texts))  # fmt: skip
            elif len(missing) == len(matrix.missing):  # no ingest is storing them: store them
                self._fill_in_background(missing)
            matrix.looks += 1
            matrix.missing = missing
            return
        if matrix.missing is not matrix.texts:  # a later look: read the found ones too
            found = self.sentence_vectors.stored(matrix.texts)
            missing = [t for t in dict.fromkeys(matrix.texts) if t not in found]
        if missing:
            found.update(zip(missing, self.sentence_vectors.vectors(missing), strict=True))
        dim = len(next(iter(found.values()))) if found else 1
        vectors = np.zeros((len(matrix.texts), dim), dtype=np.float32)
        for row, text in enumerate(matrix.texts):
            vectors[row] = found[text]
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        matrix.vectors = vectors
        matrix.missing = []
        matrix.texts = []  # only needed until the matrix is full

    def _fill_in_background(self, texts: list[str]) -> None:
        """Embed and store ``texts`` in a thread of their own, yielding to answers
        (:func:`rag.priority.background_work`): a store written before unit vectors were
        stored at ingest gets them once, then retrieves by unit."""
        if self.filling is not None and self.filling.is_alive():
            return

        def fill() -> None:
            try:
                for start in range(0, len(texts), FILL_BATCH):
                    with background_work():
                        self.sentence_vectors.fill(texts[start : start + FILL_BATCH])
            except Exception as exc:  # a cache: retrieval goes on by chunk vectors
                log.warning("could not store the missing unit vectors: %s", exc)

        log.info("storing %d missing unit vectors in the background", len(texts))
        self.filling = threading.Thread(target=fill, name="unit-vectors", daemon=True)
        self.filling.start()
