"""Vectors of the sentences an extractive answer may quote, computed once at ingest.

The extractive answerer scores every answer unit of the retrieved passages against the
question by embedding similarity. Embedding those two dozen sentences was three quarters of
the CPU an answer cost, paid again for every question that retrieved the same passages in a
new process. Ingest now embeds each unit's text once (:func:`unit_texts` of the chunks it
writes) and keeps the vectors here; an answer then embeds only its question.

Vectors are keyed by a hash of the text they embed, so a stored vector is right whatever
version of the document it came from, and a unit the store does not hold (a store written
before this, a chunk written by another embedding setting) is simply embedded at answer time
and stored then. The file is a cache: when it cannot be read or written, answers embed their
sentences as before and a warning says why. One SQLite file per collection and embedding
backend, beside the embedded store (``<store>/derived/<collection>/``); with a Chroma server
the vectors live in the embedding model's memory cache only.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from rag.errors import RagError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.store import Store

log = logging.getLogger(__name__)

LOOKUP_BATCH = 500  # keys per SELECT (SQLite's default limit is 999 parameters)
WRITE_TIMEOUT_S = 0.5  # an answer does not wait long for another process's write lock


def sentence_vectors_of(store: Store, embed_model: BaseEmbedding | None) -> SentenceVectors:
    """The sentence vectors of ``store``'s collection (memory only for a Chroma server);
    without ``embed_model``, the stored ones only (:meth:`SentenceVectors.stored`)."""
    folder = store.cache_dir()
    name = f"sentence-vectors-{store.settings.embedding}.sqlite3"
    return SentenceVectors(folder / name if folder is not None else None, embed_model)


def prune_vectors(store: Store) -> int:
    """Delete the stored unit vectors that no chunk of the collection quotes any more (after
    a forget, a removal or an updated file); how many. Run under the collection's write lock:
    a vector an ingest stores meanwhile for chunks read after ``keep`` would be dropped (and
    embedded again when needed)."""
    # deferred: the answer units' module is not needed to read or write vectors
    from rag.answering.units import node_units

    vectors = sentence_vectors_of(store, None)
    if vectors.path is None or not vectors.path.exists():
        return 0
    keep = {text for node in store.nodes() for text in node_units(node)}
    removed = vectors.prune(keep)
    if removed:
        log.info("pruned %d unit vectors no chunk quotes any more", removed)
    return removed


class SentenceVectors:
    """Unit vectors of texts: stored ones read back, missing ones embedded (and stored)."""

    def __init__(self, path: Path | None, embed_model: BaseEmbedding | None) -> None:
        self.path = path
        self.embed_model = embed_model
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._broken = path is None
        self.embedded_at_answer = 0  # texts :meth:`vectors` had to embed (not stored yet)

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector (float32) per text, in order."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        found = self._read(list(dict.fromkeys(texts)))
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            self.embedded_at_answer += len(missing)
            # rounded as stored, so a text scores the same before and after it is stored
            fresh = _stored(np.asarray(self._model().get_text_embedding_batch(missing)))
            found.update(zip(missing, fresh, strict=True))
            self._write(missing, fresh)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def stored(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of those texts that have one (nothing is embedded)."""
        return self._read(list(dict.fromkeys(texts)))

    def fill(self, texts: Sequence[str]) -> int:
        """Embed and store the texts not stored yet; how many were embedded."""
        wanted = list(dict.fromkeys(texts))
        missing = [t for t in wanted if t not in self._read(wanted)]
        for k in range(0, len(missing), LOOKUP_BATCH):
            part = missing[k : k + LOOKUP_BATCH]
            self._write(part, np.asarray(self._model().get_text_embedding_batch(part)))
        return len(missing)

    def prune(self, keep: Iterable[str]) -> int:
        """Delete the stored vectors of every text but ``keep`` (the collection's units after
        a forget or an update; the file is keyed by text, so it would otherwise keep every
        sentence it ever held); how many were deleted. A failure is logged, not raised."""
        db = self._connect()
        if db is None:
            return 0
        wanted = {_key(t) for t in keep}
        try:
            with self._lock, db:
                stale = [k for (k,) in db.execute("SELECT key FROM vectors") if k not in wanted]
                for k in range(0, len(stale), LOOKUP_BATCH):
                    part = stale[k : k + LOOKUP_BATCH]
                    db.execute(f"DELETE FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                               part)  # fmt: skip
        except sqlite3.Error as exc:  # a cache: it only stays larger than it needs to be
            log.warning("could not prune the sentence vectors at %s: %s", self.path, exc)
            return 0
        return len(stale)

    def _model(self) -> BaseEmbedding:
        if self.embed_model is None:
            raise RagError("these sentence vectors were opened to read the stored ones only")
        return self.embed_model

    def _read(self, texts: list[str]) -> dict[str, np.ndarray]:
        db = self._connect()
        if db is None:
            return {}
        keys = {_key(t): t for t in texts}
        ordered = list(keys)
        found: dict[str, np.ndarray] = {}
        try:
            with self._lock:
                for k in range(0, len(ordered), LOOKUP_BATCH):
                    part = ordered[k : k + LOOKUP_BATCH]
                    rows = db.execute(
                        f"SELECT key, vec FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                        part,
                    ).fetchall()
                    for key, blob in rows:
                        found[keys[key]] = np.frombuffer(blob, dtype=np.float16).astype(np.float32)
        except sqlite3.Error as exc:
            self._give_up("read", exc)
            return {}
        return found

    def _write(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        db = self._connect()
        if db is None or not len(texts):
            return
        rows = [
            (_key(t), v.astype(np.float16).tobytes()) for t, v in zip(texts, vectors, strict=True)
        ]
        try:
            with self._lock, db:
                db.executemany("INSERT OR IGNORE INTO vectors (key, vec) VALUES (?, ?)", rows)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                return  # another process is writing: these are embedded again next time
            self._give_up("write", exc)
        except sqlite3.Error as exc:
            self._give_up("write", exc)

    def _connect(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._db is not None:
            return self._db
        assert self.path is not None
        with self._lock:
            if self._db is None and not self._broken:
                try:
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                    db = sqlite3.connect(self.path, timeout=WRITE_TIMEOUT_S,
                                         check_same_thread=False)  # fmt: skip
                    db.execute("PRAGMA journal_mode=WAL")
                    db.execute("CREATE TABLE IF NOT EXISTS vectors "
                               "(key BLOB PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID")  # fmt: skip
                    db.commit()
                    self._db = db
                except (sqlite3.Error, OSError) as exc:
                    self._broken = True
                    log.warning("sentence vectors at %s are not used (%s): answers embed their "
                                "sentences instead", self.path, exc)  # fmt: skip
        return self._db

    def _give_up(self, what: str, exc: Exception) -> None:
        self._broken = True
        log.warning("could not %s the sentence vectors at %s (%s): answers embed their "
                    "sentences instead", what, self.path, exc)  # fmt: skip


def _stored(vectors: np.ndarray) -> np.ndarray:
    """Vectors as they come back from the file (float16, about 3 significant digits)."""
    return vectors.astype(np.float16).astype(np.float32)


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()
