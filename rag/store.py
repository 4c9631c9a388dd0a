"""The Chroma store (embedded on disk, or a Chroma server), used through LlamaIndex."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import uuid4

from rag.boxes import encode_boxes
from rag.catalog import CatalogCache
from rag.chroma_client import make_client, raise_if_unreachable, where
from rag.errors import RagError, StoreMissingError
from rag.models import Chunk
from rag.non_prose import encode_spans

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
        # deferred for start-up time: llama_index only where needed
        from llama_index.core.schema import TextNode

        out = []
        for got in self._pages(["documents", "metadatas"]):
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                out.append(TextNode(id_=cid, text=text or "", metadata=public_metadata(meta or {})))
        return out


def collection_names(settings: Settings) -> list[str]:
    """Names of the collections in the store (empty when there is no store yet)."""
    if not settings.chroma_url and not settings.store.is_dir():
        return []
    client = make_client(settings, create=False)
    try:
        return sorted(str(getattr(c, "name", c)) for c in client.list_collections())
    except Exception as exc:
        raise RagError(f"cannot list the collections at {where(settings)}: {exc}") from None


def to_node(chunk: Chunk, embedding: Sequence[float], when: str) -> TextNode:
    # deferred for start-up time: llama_index only where needed
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    node = TextNode(
        id_=chunk.chunk_id,
        text=chunk.text,
        embedding=list(embedding),
        start_char_idx=chunk.start_char,
        end_char_idx=chunk.end_char,
        metadata={
            "source": chunk.source,
            "page": -1 if chunk.page is None else chunk.page,
            "start_char": chunk.start_char,
            "end_char": chunk.end_char,
            "chunk_index": chunk.chunk_index,
            "ingested_at": when,
            **({"boxes": encode_boxes(chunk.boxes)} if chunk.boxes else {}),
            **({"table_header": chunk.table_header} if chunk.table_header else {}),
            **({"context": chunk.context} if chunk.context else {}),
            "non_prose": encode_spans(chunk.non_prose),
        },
        excluded_embed_metadata_keys=["source", "page", "start_char", "end_char",
                                      "chunk_index", "ingested_at", "boxes", "table_header", "context",
                                      "non_prose"],
        excluded_llm_metadata_keys=["start_char", "end_char", "chunk_index", "ingested_at",
                                    "boxes", "table_header", "context", "non_prose"],
    )  # fmt: skip
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=chunk.doc_id)
    return node


_INTERNAL_KEYS = {"_node_content", "_node_type", "document_id", "ref_doc_id"}


def public_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Chroma metadata without LlamaIndex's serialized copy of the node."""
    return {k: v for k, v in meta.items() if k not in _INTERNAL_KEYS}
