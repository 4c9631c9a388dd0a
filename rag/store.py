"""The Chroma store (embedded on disk, or a Chroma server), used through LlamaIndex."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from rag.catalog import CatalogCache
from rag.chroma_client import make_client, raise_if_unreachable, where
from rag.chunk_node import public_metadata, stored_node, to_node
from rag.errors import RagError, StoreMissingError
from rag.models import Chunk

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from rag.settings import Settings

log = logging.getLogger(__name__)

_ADD_BATCH = 1000
_GET_PAGE = 5000
# Collection metadata key holding a fresh random token after every write, so caches derived
# from the collection (the BM25 index) can tell, in any process, whether it changed.
GENERATION_KEY = "rag_generation"


@dataclass(frozen=True)
class CollectionState:
    """What the caches derived from a collection are keyed by: its chunk count and generation
    token as stored now (by any process), and this process's write count (``version``), which
    alone tells changes apart when the collection has no generation (a server that refused
    one). Read once per retrieval and handed to every cache (each read is two Chroma calls)."""

    count: int
    generation: str
    version: int

    @property
    def key(self) -> tuple[int, str, int]:
        return (self.count, self.generation, 0 if self.generation else self.version)


class Store:
    """A Chroma collection holding chunks, their embeddings and their offsets.

    Every chunk's metadata carries ``source``, ``doc_id``, ``page`` (-1 when the format has no
    pages), ``start_char``, ``end_char``, ``chunk_index``, ``ingested_at`` and, from ingestion,
    ``n_chunks`` (chunks in that version of the document) and ``format``.
    """

    def __init__(self, settings: Settings, *, create: bool = False) -> None:
        self.settings = settings
        self._client = make_client(settings, create=create)
        self.name = settings.collection
        try:
            if create:
                self._collection = self._client.get_or_create_collection(
                    self.name, metadata={"hnsw:space": "cosine"}
                )
            else:
                self._collection = self._client.get_collection(self.name)
        except Exception as exc:  # chromadb raises NotFoundError / ValueError by version
            raise_if_unreachable(settings, exc)
            if create:
                raise RagError(f"cannot open collection {self.name!r}: {exc}") from exc
            raise StoreMissingError(
                f"no collection {self.name!r} in the store at {where(settings)}; "
                "run `rag ingest` first"
            ) from None
        self._version = 0
        self.catalog = CatalogCache(self)  # documents and versions, once per state

    @property
    def version(self) -> int:
        """Bumped on every write by this process; readers use it to refresh caches."""
        return self._version

    def state(self) -> tuple[int, str]:
        """(chunk count, generation token) of the collection as stored now, by any process.

        The generation is "" for a collection written before generations existed.
        """
        try:
            meta = self._client.get_collection(self.name).metadata or {}
        except Exception as exc:
            raise_if_unreachable(self.settings, exc)
            raise StoreMissingError(
                f"collection {self.name!r} is gone from the store at {where(self.settings)}: {exc}"
            ) from None
        return self.count(), str(meta.get(GENERATION_KEY, ""))

    def collection_state(self) -> CollectionState:
        """:meth:`state` with this process's write count: what derived caches are keyed by."""
        count, generation = self.state()
        return CollectionState(count, generation, self._version)

    def cache_dir(self) -> Path | None:
        """A folder beside the embedded store for indexes derived from this collection
        (created on demand); None for a Chroma server, whose derived indexes stay in memory."""
        if self.settings.chroma_url:
            return None
        return self.settings.store / "derived" / self.name

    def mark_changed(self) -> str:
        """Give the collection a new generation token (returned; "" if it cannot be written)."""
        token = uuid4().hex
        try:
            self._collection.modify(metadata={GENERATION_KEY: token})
        except Exception as exc:  # a server that refuses: caches then rebuild per process
            log.warning("could not record the collection's generation: %s", exc)
            return ""
        return token

    def _touch(self) -> None:
        self._version += 1
        self.mark_changed()

    def vector_store(self) -> ChromaVectorStore:
        # deferred for start-up time: llama_index only where needed
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self._collection)

    def count(self) -> int:
        with self._server_call():
            return int(self._collection.count())

    @contextmanager
    def _server_call(self) -> Iterator[None]:
        """A connection failure of a Chroma server becomes :class:`StoreUnavailableError`."""
        try:
            yield
        except RagError:
            raise
        except Exception as exc:
            raise_if_unreachable(self.settings, exc)
            raise

    def add(
        self,
        chunks: Sequence[Chunk],
        embeddings: Sequence[Sequence[float]],
        when: str,
        extra: dict[str, str | int] | Sequence[dict[str, str | int]] | None = None,
    ) -> None:
        """Write chunks (upsert: writing the same chunk ids again is harmless).

        ``extra`` is metadata for every chunk, or a list with one dict per chunk. Up to
        Chroma's maximum batch size goes in one call, which the embedded store applies in one
        transaction: the documents in it are written entirely or not at all.
        """
        # deferred for start-up time: llama_index only where needed
        from llama_index.vector_stores.chroma.base import node_to_metadata_dict

        extras = [extra or {}] * len(chunks) if not isinstance(extra, Sequence) else extra
        ids, vectors, metadatas, texts = [], [], [], []
        for chunk, embedding, more in zip(chunks, embeddings, extras, strict=True):
            node = to_node(chunk, embedding, when)
            node.metadata.update(more)
            ids.append(node.node_id)
            vectors.append(list(embedding))
            meta = node_to_metadata_dict(node, remove_text=True, flat_metadata=True)
            metadatas.append({k: "" if v is None else v for k, v in meta.items()})
            texts.append(chunk.text)
        with self._server_call():
            step = self._batch_size()
            for k in range(0, len(ids), step):
                self._collection.upsert(
                    ids=ids[k : k + step],
                    embeddings=vectors[k : k + step],
                    metadatas=metadatas[k : k + step],
                    documents=texts[k : k + step],
                )
        self._touch()

    def _batch_size(self) -> int:
        try:
            return max(1, int(self._client.get_max_batch_size()))
        except Exception:  # older servers do not say
            return _ADD_BATCH

    def delete_chunks(self, chunk_ids: Sequence[str]) -> None:
        with self._server_call():
            for k in range(0, len(chunk_ids), _ADD_BATCH):
                self._collection.delete(ids=list(chunk_ids[k : k + _ADD_BATCH]))
        self._touch()

    def chunk_ids(self, *, source: str | None = None, doc_id: str | None = None) -> list[str]:
        where: dict[str, Any] | None = None
        if source is not None and doc_id is not None:
            where = {"$and": [{"source": source}, {"doc_id": doc_id}]}
        elif source is not None:
            where = {"source": source}
        elif doc_id is not None:
            where = {"doc_id": doc_id}
        with self._server_call():
            got = self._collection.get(where=where, include=[])
        return list(got["ids"])

    def openings(self, chunks: int) -> dict[str, str]:
        """Each source's first ``chunks`` chunks, joined in order: a document's name and cover
        (:mod:`rag.document_scope`). Versions a killed ingest left behind share the dict entry."""
        parts: dict[str, dict[int, str]] = {}
        with self._server_call():
            got = self._collection.get(
                where={"chunk_index": {"$lt": chunks}}, include=["metadatas", "documents"]
            )
        for meta, text in zip(got["metadatas"] or [], got["documents"] or [], strict=True):
            meta = meta or {}
            index = meta.get("chunk_index")
            if isinstance(index, int):
                parts.setdefault(str(meta.get("source", "")), {})[index] = text or ""
        return {src: "\n".join(t for _, t in sorted(p.items())) for src, p in parts.items()}

    def metadatas_with_ids(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (cid, public_metadata(m or {}))
            for got in self._pages(["metadatas"])
            for cid, m in zip(got["ids"], got["metadatas"], strict=True)
        ]

    def delete_sources(self, sources: Sequence[str]) -> int:
        """Remove every chunk of these sources; return how many chunks were removed."""
        ids: list[str] = []
        with self._server_call():
            for k in range(0, len(sources), _ADD_BATCH):
                where = {"source": {"$in": list(sources[k : k + _ADD_BATCH])}}
                ids.extend(self._collection.get(where=where, include=[])["ids"])
        if ids:
            self.delete_chunks(ids)
        return len(ids)

    def _pages(self, include: list[str]) -> Iterator[Any]:
        """The whole collection in pages: one unpaged ``get`` fails past ~30k chunks in Chroma
        ("too many SQL variables")."""
        offset = 0
        while True:
            with self._server_call():
                got = self._collection.get(include=include, limit=_GET_PAGE, offset=offset)
            if not got["ids"]:
                return
            yield got
            offset += len(got["ids"])

    def nodes(self) -> list[TextNode]:
        """Every chunk as a LlamaIndex node (text and metadata, no embedding)."""
        return [
            stored_node(cid, text, meta)
            for got in self._pages(["documents", "metadatas"])
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        ]

    def nodes_by_id(self, chunk_ids: Sequence[str]) -> dict[str, TextNode]:
        """The chunks of these ids that are stored, as :meth:`nodes` gives them, by id."""
        if not chunk_ids:
            return {}
        with self._server_call():
            got = self._collection.get(ids=list(chunk_ids), include=["documents", "metadatas"])
        return {
            cid: stored_node(cid, text, meta)
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }


def collection_names(settings: Settings) -> list[str]:
    """Names of the collections in the store (empty when there is no store yet)."""
    if not settings.chroma_url and not settings.store.is_dir():
        return []
    client = make_client(settings, create=False)
    try:
        return sorted(str(getattr(c, "name", c)) for c in client.list_collections())
    except Exception as exc:
        raise RagError(f"cannot list the collections at {where(settings)}: {exc}") from None
