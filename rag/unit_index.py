"""Dense retrieval by sentence: a chunk ranks by its best answer unit's similarity.

A chunk's own vector averages a 1,500-character passage into one point; a question asks about
one sentence of it. Ranking chunks by their best answer unit (:mod:`rag.answering.units`,
whose vectors ingest already stores, :mod:`rag.sentence_vectors`) finds the gold passage in
the top 5 for 0.65 of the COVID-QA eval sample against 0.48 by chunk vectors; fused with
BM25 (equal weights) for 0.76 against 0.72 with chunk vectors (0.775 against 0.755 on 200
training questions). The search is a matrix product over every unit of the collection (about
6 units a chunk): a few milliseconds at 10k chunks, where the chunk vectors' search went
through Chroma.

The matrix is built once per collection state (chunk count and generation, as the BM25 index,
:mod:`rag.bm25_index`), from the chunks in Chroma and the stored unit vectors, at the end of an
ingest or forget (:func:`prepare`) or by the first query that finds none, and kept on disk
(:mod:`rag.unit_matrix_file`): a new process memory-maps it instead of building it (3 s at 10k
chunks). Results carry their chunks read from Chroma by id. It is not used (:meth:`UnitIndex.search` returns None, and retrieval falls back on the chunk
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag import unit_matrix_file
from rag.answering.units import node_units
from rag.priority import background_work
from rag.sentence_vectors import SentenceVectors, sentence_vectors_of

if TYPE_CHECKING:
    from llama_index.core.schema import NodeWithScore, TextNode

    from rag.store import CollectionState, Store

log = logging.getLogger(__name__)

EMBED_AT_BUILD = 64  # missing unit vectors a build embeds itself rather than wait for them
RECHECK_S = 30.0  # how often an incomplete index looks again for the vectors it misses
FILL_BATCH = 256  # unit vectors embedded per background step
# Units kept in memory at most (384 float32 each: 1.5 kB; about 6 a chunk): beyond, chunk
# vectors serve (at 100k chunks the matrix would take about 0.9 GB).
MAX_UNITS = 250_000
NODES_KEPT = 2_000  # chunks read for results kept in memory (then forgotten all at once)


@dataclass
class _Matrix:
    """Every unit vector of one collection state, and the chunk each belongs to."""

    key: tuple[int, str, int]
    folder: Path | None  # where it is kept (None: in memory only)
    vectors: np.ndarray  # (units, dim) float32, unit length
    starts: np.ndarray  # first row of each chunk that has units (rows are grouped by chunk)
    ids: list[str]  # the chunks that have units, in row order
    sources: np.ndarray  # each such chunk's source (str objects)
    units: int  # units of the collection (when more than MAX_UNITS, none are kept)
    texts: list[str]  # every unit's text, in row order, until ``vectors`` is filled
    missing: list[str]  # unit texts without a stored vector (the matrix is unusable if any)
    checked: float  # time.monotonic() of the last look for the missing vectors
    looks: int = 0  # looks that found vectors missing
    nodes: dict[str, TextNode] = field(default_factory=dict)  # chunks read for results


class UnitIndex:
    """The unit matrix of a collection, loaded or rebuilt when the collection's state changes.

    ``embed_missing=False`` (:func:`prepare`) never embeds: a unit without a stored vector
    leaves the matrix unusable and unsaved."""

    def __init__(
        self, store: Store, sentence_vectors: SentenceVectors, *, embed_missing: bool = True
    ) -> None:
        self.store = store
        self.sentence_vectors = sentence_vectors
        self.embed_missing = embed_missing
        self.builds = 0  # matrices built by this object
        self.loads = 0  # matrices loaded from disk by this object
        self._lock = threading.Lock()
        self._matrix: _Matrix | None = None
        self.filling: threading.Thread | None = None  # embeds missing unit vectors, if any

    def search(
        self,
        query_vector: np.ndarray,
        top_k: int,
        sources: list[str] | None = None,
        state: CollectionState | None = None,
    ) -> list[NodeWithScore] | None:
        """The ``top_k`` chunks (of ``sources`` only, when given) whose best unit is the most
        similar to the question, best first, scored by that similarity; None while the
        index cannot serve (see the module's notes). ``state``: the collection's, as the
        caller just read it."""
        matrix = self._current(state)
        if matrix is None or not len(matrix.starts):  # nothing to search: chunk vectors do
            return None
        # deferred for start-up time: llama_index only where needed
        from llama_index.core.schema import NodeWithScore

        query = np.asarray(query_vector, dtype=np.float32)
        query = query / (np.linalg.norm(query) + 1e-9)
        # einsum, not ``@``: ``@`` goes to OpenBLAS, whose threads then spin on the two cores
        # against torch's while the next question is embedded (40 retrievals at 1k chunks on
        # an idle machine: 14-128 ms, p50 30, against 10-19 ms); einsum runs in this thread,
        # about as fast (4.6 ms for 66k units against 4.1 ms).
        best = np.maximum.reduceat(np.einsum("ij,j->i", matrix.vectors, query), matrix.starts)
        if sources:
            best = np.where(np.isin(matrix.sources, sources), best, -np.inf)
        k = min(top_k, int(np.isfinite(best).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-best, k - 1)[:k]
        top = top[np.argsort(-best[top], kind="stable")]
        nodes = self._nodes(matrix, [matrix.ids[i] for i in top])
        return [
            NodeWithScore(node=nodes[matrix.ids[i]], score=float(best[i]))
            for i in top
            if matrix.ids[i] in nodes  # gone since the state was read: a later query rebuilds
        ]

    def ready(self, state: CollectionState | None = None) -> bool:
        """Whether the matrix of the collection as it is now serves (loaded or built)."""
        return self._current(state) is not None

    def _nodes(self, matrix: _Matrix, ids: list[str]) -> dict[str, TextNode]:
        """The chunks of ``ids`` (those still stored), read from Chroma unless kept."""
        kept = matrix.nodes  # shared by the queries of every thread: read with .get only
        got = {i: node for i in ids if (node := kept.get(i)) is not None}
        wanted = [i for i in ids if i not in got]
        if wanted:
            fetched = self.store.nodes_by_id(wanted)
            if len(kept) + len(fetched) > NODES_KEPT:
                kept.clear()
            kept.update(fetched)
            got.update(fetched)
        return got

    def _current(self, state: CollectionState | None) -> _Matrix | None:
        if self.sentence_vectors.path is None:  # a Chroma server: no stored unit vectors
            return None
        state = state or self.store.collection_state()
        with self._lock:  # one build per state, however many queries arrive at once
            matrix = self._matrix
            if matrix is None or matrix.key != state.key:
                matrix = self._matrix = self._load(state) or self._build(state)
            elif matrix.missing and time.monotonic() - matrix.checked > RECHECK_S:
                self._complete(matrix)
        return None if matrix.missing else matrix

    def _folder(self, state: CollectionState) -> Path | None:
        cache = self.store.cache_dir()
        if cache is None or not state.generation:  # no state other processes can name
            return None
        embedding = self.store.settings.embedding
        return unit_matrix_file.folder_for(cache, embedding, state.count, state.generation)

    def _load(self, state: CollectionState) -> _Matrix | None:
        folder = self._folder(state)
        saved = unit_matrix_file.load(folder) if folder is not None else None
        if saved is None:
            return None
        if not saved.ids and 0 < saved.units <= MAX_UNITS:
            return None  # written when it held more units than kept: now they fit
        if saved.units > MAX_UNITS:
            _too_many(saved.units)
            saved = unit_matrix_file.SavedMatrix(saved.vectors[:0], saved.starts[:0], [], [],
                                                 saved.units)  # fmt: skip
        self.loads += 1
        return _Matrix(
            key=state.key, folder=folder, vectors=saved.vectors, starts=saved.starts,
            ids=saved.ids, sources=np.asarray(saved.sources, dtype=object), units=saved.units,
            texts=[], missing=[], checked=0.0,
        )  # fmt: skip

    def _build(self, state: CollectionState) -> _Matrix:
        ids: list[str] = []
        sources: list[str] = []
        texts: list[str] = []
        starts: list[int] = []
        for node in self.store.nodes():
            mains = node_units(node)
            if mains:
                starts.append(len(texts))
                ids.append(node.node_id)
                sources.append(str(node.metadata.get("source", "")))
                texts.extend(mains)
        self.builds += 1
        units = len(texts)
        if units > MAX_UNITS:
            _too_many(units)
            ids, sources, texts, starts = [], [], [], []
        else:
            log.info("building the unit index of %d chunks (%d units)", len(ids), units)
        matrix = _Matrix(
            key=state.key, folder=self._folder(state), vectors=np.zeros((0, 0), dtype=np.float32),
            starts=np.asarray(starts, dtype=np.intp), ids=ids,
            sources=np.asarray(sources, dtype=object), units=units, texts=texts, missing=texts,
            checked=0.0,
        )  # fmt: skip
        self._complete(matrix)
        return matrix

    def _complete(self, matrix: _Matrix) -> None:
        """Fill the matrix once every unit has its vector (the few missing ones embedded)."""
        matrix.checked = time.monotonic()
        found = self.sentence_vectors.stored(matrix.missing)
        missing = [t for t in dict.fromkeys(matrix.missing) if t not in found]
        if missing and not self.embed_missing:
            matrix.missing = missing
            return
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
        self._keep(matrix)

    def _keep(self, matrix: _Matrix) -> None:
        """Save a full matrix for other processes, then use the memory-mapped copy."""
        if matrix.folder is None:
            return
        saved = unit_matrix_file.SavedMatrix(matrix.vectors, matrix.starts, matrix.ids,
                                             list(matrix.sources), matrix.units)  # fmt: skip
        try:
            unit_matrix_file.save(matrix.folder, saved)
        except OSError as exc:
            log.warning("could not keep the unit index at %s: %s", matrix.folder, exc)
            return
        kept = unit_matrix_file.load(matrix.folder)
        if kept is not None and kept.vectors.shape == matrix.vectors.shape:
            matrix.vectors = kept.vectors

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


def _too_many(units: int) -> None:
    log.info("%d units are more than the unit index keeps (%d): passages are found by chunk "
             "vectors", units, MAX_UNITS)  # fmt: skip


def prepare(store: Store) -> None:
    """Build and keep the unit matrix of the collection's current state now (after an ingest
    or a forget), so the next query of any process loads it. Nothing is embedded: while some
    unit has no stored vector, the first query sees to it. A failure only costs that query
    the build."""
    vectors = sentence_vectors_of(store, None)
    if vectors.path is None:  # a Chroma server: the matrix stays in each process's memory
        return
    try:
        UnitIndex(store, vectors, embed_missing=False).ready()
    except Exception as exc:
        log.warning("could not build the unit index now (%s); the next query will", exc)
