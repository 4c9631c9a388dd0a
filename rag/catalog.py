"""The document catalogue: which documents and versions a collection holds, computed once.

Every chunk's metadata names its source, document version (``doc_id``, the hash of the file's
bytes), the number of chunks that version was written with (``n_chunks``), its page, format
and ingest time. Grouping it answers three questions that used to be answered three times:
what ``rag sources`` lists, what an ingest must (re)write, and which versions queries must
not see (``superseded``: a changed file's new chunks are written before its old ones are
deleted, so a killed run leaves two versions of one file until the next ``rag ingest``).

A catalogue is computed once per collection state (chunk count + generation token, see
:meth:`rag.store.Store.state`). For the embedded store the summary that queries need (the
documents and the superseded versions, not every chunk id) is saved beside the store, so a new
process does not read every chunk's metadata before its first answer.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import uuid4

if TYPE_CHECKING:
    from rag.store import CollectionState, Store

log = logging.getLogger(__name__)


@dataclass
class StoredVersion:
    """The chunks of one version (``doc_id``) of one source, as found in the store."""

    chunk_ids: list[str] = field(default_factory=list)
    expected: int = 0  # chunks that version was written with (its ``n_chunks`` metadata)
    chunking: str = ""  # chunk size, overlap and loader version it was written with
    pages: set[int] = field(default_factory=set)
    ingested_at: str = ""
    format: str = ""

    @property
    def complete(self) -> bool:
        return len(self.chunk_ids) >= self.expected


@dataclass(frozen=True)
class DocumentInfo:
    """One ingested document as listed by ``rag sources``.

    ``complete`` is False while a document's chunks are only partly written (a run was killed
    before it finished); the next ``rag ingest`` of that file completes or replaces it.
    """

    source: str
    doc_id: str
    chunks: int
    pages: int
    ingested_at: str
    complete: bool = True
    format: str = ""


@dataclass(frozen=True)
class Catalog:
    """Documents of a collection (``documents``) and the versions queries skip."""

    documents: tuple[DocumentInfo, ...]
    superseded: frozenset[str]
    # source -> doc_id -> chunks; only in a catalogue read from the chunks themselves
    versions: dict[str, dict[str, StoredVersion]] | None = None

    def sources(self) -> set[str]:
        return {d.source for d in self.documents}


def read_catalog(metadatas: list[tuple[str, dict[str, Any]]]) -> Catalog:
    """The catalogue of chunks given as ``(chunk_id, metadata)`` pairs."""
    versions: dict[str, dict[str, StoredVersion]] = {}
    for chunk_id, meta in metadatas:
        source, doc_id = str(meta.get("source", "")), str(meta.get("doc_id", ""))
        version = versions.setdefault(source, {}).setdefault(doc_id, StoredVersion())
        version.chunk_ids.append(chunk_id)
        expected = meta.get("n_chunks")
        if isinstance(expected, int):
            version.expected = max(version.expected, expected)
        version.chunking = str(meta.get("chunking", version.chunking))
        page = meta.get("page")
        if isinstance(page, int) and page >= 0:
            version.pages.add(page)
        version.ingested_at = max(version.ingested_at, str(meta.get("ingested_at", "")))
        version.format = str(meta.get("format", version.format))
    documents = tuple(
        DocumentInfo(
            source,
            doc_id,
            len(v.chunk_ids),
            len(v.pages),
            v.ingested_at,
            complete=v.complete,
            format=v.format,
        )  # fmt: skip
        for source, by_doc in sorted(versions.items())
        for doc_id, v in sorted(by_doc.items())
    )
    return Catalog(documents, superseded_versions(versions), versions)


def superseded_versions(versions: dict[str, dict[str, StoredVersion]]) -> frozenset[str]:
    """``doc_id`` s of versions another version of the same source replaces: queries see the
    newest complete version, or, when none is complete, the one with the most chunks."""
    out: set[str] = set()
    for by_doc in versions.values():
        if len(by_doc) < 2:
            continue
        keep = max(by_doc, key=lambda d: (by_doc[d].complete, by_doc[d].ingested_at,
                                          len(by_doc[d].chunk_ids)))  # fmt: skip
        out.update(d for d in by_doc if d != keep)
    return frozenset(out)


class CatalogCache:
    """A collection's catalogue, recomputed only when the collection's state changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.reads = 0  # catalogues computed from the chunks by this object
        self._lock = threading.Lock()
        self._key: tuple[int, str, int] | None = None
        self._catalog: Catalog | None = None

    def current(self, state: CollectionState | None = None) -> Catalog:
        """The summary (documents, superseded) of the collection as it is now (``state``:
        as the caller just read it)."""
        state = state or self.store.collection_state()
        with self._lock:
            if self._catalog is None or self._key != state.key:
                self._catalog = self._load_or_read(state.count, state.generation)
                self._key = state.key
            return self._catalog

    def full(self) -> Catalog:
        """The catalogue with every chunk id (for ingest planning and deletes): always read."""
        self.reads += 1
        return read_catalog(self.store.metadatas_with_ids())

    def _load_or_read(self, count: int, generation: str) -> Catalog:
        folder = self.store.cache_dir()
        path = folder / "catalog" / f"{count}-{generation}.json" if folder and generation else None
        if path is not None and path.is_file():
            try:
                return _load(path)
            except (OSError, ValueError, TypeError, KeyError) as exc:
                log.warning("catalogue at %s is unreadable (%s); reading the chunks", path, exc)
        catalog = self.full()
        if path is not None:
            _save(catalog, path)
        return catalog


def _load(path: os.PathLike[str]) -> Catalog:
    data = json.loads(open(path, encoding="utf-8").read())
    documents = tuple(DocumentInfo(**d) for d in data["documents"])
    return Catalog(documents, frozenset(data["superseded"]))


def _save(catalog: Catalog, path: Any) -> None:
    """Written under a temporary name and renamed into place; older states' files removed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.parent / f".{path.name}.{os.getpid()}-{uuid4().hex[:8]}"
        data = {"documents": [asdict(d) for d in catalog.documents],
                "superseded": sorted(catalog.superseded)}  # fmt: skip
        staging.write_text(json.dumps(data), encoding="utf-8")
        os.replace(staging, path)
        for other in path.parent.iterdir():
            if other != path and not other.name.startswith("."):
                other.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not keep the catalogue at %s: %s", path, exc)
