"""The unit matrix of a collection state on disk, so a new process loads it instead of building it.

Building the matrix (:mod:`rag.unit_index`) splits every chunk into its answer units and reads
every chunk and unit vector out of the store: about 3 s at 10k chunks on this 2-core machine,
paid by the first query of every process. Kept as the BM25 index is (:mod:`rag.bm25_index`),
in ``Store.cache_dir()/units-<embedding>/<count>-<generation>/``: ``vectors.npy`` (float32,
unit length, memory-mapped on load, so processes share its pages), ``starts.npy`` (each chunk's
first row) and ``chunks.json`` (chunk ids and sources in row order, the number of units, and a
fingerprint of the code that splits chunks into units, so an upgrade that splits differently
rebuilds). A folder is written under a temporary name and renamed into place; a reader sees a
complete one or none. One that cannot be read or does not add up is removed and rebuilt, with
a log line; folders of other states are removed when a new one is kept.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from rag.state_folder import is_complete, remove_others, write_complete

log = logging.getLogger(__name__)

FORMAT = 1
# The modules whose code decides a chunk's units (rag.answering.units and what it calls).
_UNIT_CODE = (
    "rag.answering.units", "rag.answering.attribution", "rag.answering.table_units",
    "rag.answering.lexical", "rag.sentences", "rag.non_prose", "rag.table_rows",
    "rag.node_passage",
)  # fmt: skip


@dataclass(frozen=True)
class SavedMatrix:
    """Unit vectors in row order, grouped by chunk; the chunks' ids and sources."""

    vectors: np.ndarray  # (units, dim) float32, unit length; empty when ``units`` is over the cap
    starts: np.ndarray  # first row of each chunk
    ids: list[str]
    sources: list[str]
    units: int  # units of the collection (also when too many to keep)


def folder_for(cache_dir: Path, embedding: str, count: int, generation: str) -> Path:
    return cache_dir / f"units-{embedding}" / f"{count}-{generation}"


def save(folder: Path, matrix: SavedMatrix) -> None:
    """Write ``matrix`` as ``folder`` (complete or not at all), and drop other states' folders.
    Raises OSError when it cannot."""

    def fill(staging: Path) -> None:
        np.save(staging / "vectors.npy", np.ascontiguousarray(matrix.vectors, dtype=np.float32))
        np.save(staging / "starts.npy", np.asarray(matrix.starts, dtype=np.int64))
        meta = {"format": FORMAT, "fingerprint": unit_code_fingerprint(), "units": matrix.units,
                "ids": matrix.ids, "sources": matrix.sources}  # fmt: skip
        (staging / "chunks.json").write_text(json.dumps(meta), encoding="utf-8")

    write_complete(folder, fill)
    remove_others(folder)


def load(folder: Path) -> SavedMatrix | None:
    """The matrix kept in ``folder``; None when there is none, or when it is unreadable, of
    another format or unit code, or inconsistent (then it is removed, with a log line)."""
    if not is_complete(folder):
        return None
    try:
        meta = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("fingerprint") != unit_code_fingerprint():
            log.info("the unit index at %s was written by another version: rebuilding it", folder)
            shutil.rmtree(folder, ignore_errors=True)
            return None
        vectors = np.load(folder / "vectors.npy", mmap_mode="r", allow_pickle=False)
        starts = np.load(folder / "starts.npy", allow_pickle=False).astype(np.intp)
        matrix = SavedMatrix(vectors, starts, [str(i) for i in meta["ids"]],
                             [str(s) for s in meta["sources"]], int(meta["units"]))  # fmt: skip
        _check(matrix)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        log.warning("the unit index at %s is unreadable (%s): rebuilding it", folder, exc)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return matrix


def _check(matrix: SavedMatrix) -> None:
    """ValueError unless the parts agree with one another."""
    rows = matrix.vectors.shape[0] if matrix.vectors.ndim == 2 else -1
    n = len(matrix.ids)
    if matrix.vectors.dtype != np.float32 or rows < 0 or matrix.starts.ndim != 1:
        raise ValueError("vectors or starts of the wrong type or shape")
    if len(matrix.starts) != n or len(matrix.sources) != n or (n and rows != matrix.units):
        raise ValueError(f"{n} chunks, {len(matrix.starts)} starts, {rows} rows, "
                         f"{matrix.units} units")  # fmt: skip
    if n and (matrix.starts[0] != 0 or np.any(np.diff(matrix.starts) <= 0)
              or matrix.starts[-1] >= rows):  # fmt: skip
        raise ValueError("chunk starts out of order or out of range")


@cache
def unit_code_fingerprint() -> str:
    """A hash of the source of the modules that split chunks into units."""
    digest = hashlib.blake2b(digest_size=8)
    for name in _UNIT_CODE:
        path = getattr(importlib.import_module(name), "__file__", None)
        digest.update(name.encode())
        if path:
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()
