"""Ingest files into the store: load, chunk, embed, write; unchanged files are skipped.

A changed file's new chunks are written before its old chunks are deleted, so a failure or a
kill in between never leaves the document missing; the next run removes the leftovers.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.chunking import chunk_text
from index.loaders import LoadError, load_file
from rag.embedding import get_embed_model
from rag.errors import InputError
from rag.models import Chunk
from rag.settings import Settings
from rag.store import Store

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def source_key(path: Path) -> str:
    """The stable name of a file in the store: its absolute, resolved path."""
    return str(path.resolve())


def discover(paths: Sequence[Path]) -> tuple[list[Path], list[dict[str, str]]]:
    """Expand folders recursively. A path that does not exist is an :class:`InputError`."""
    files: list[Path] = []
    skipped: list[dict[str, str]] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"no such file or folder: {path}")
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.is_file():
                    files.append(child)
        else:
            files.append(path)
    return files, skipped


def ingest_paths(
    paths: Sequence[Path], settings: Settings, *, progress: bool = False
) -> IngestReport:
    started = time.perf_counter()
    report = IngestReport()
    files, report.skipped = discover(paths)
    store = Store(settings, create=True)
    known = _known_documents(store)
    when = datetime.now(UTC).isoformat(timespec="seconds")
    embed_model = None
    for path in _progress(files, progress):
        key = source_key(path)
        try:
            pages = load_file(path, max_bytes=int(settings.max_file_mb * 1e6))
        except LoadError as exc:
            (report.skipped if "unsupported" in str(exc) else report.failed).append(
                {"path": str(path), "reason": str(exc)}
            )
            continue
        doc_id = _doc_id(page.text for page in pages)
        old_ids = known.get(key, {})
        if doc_id in old_ids and len(old_ids) == 1:
            report.unchanged.append(str(path))
            continue
        chunks = _chunk_pages(pages, key, doc_id, settings)
        if embed_model is None:
            embed_model = get_embed_model(settings)
        if doc_id not in old_ids:
            vectors = embed_model.get_text_embedding_batch([c.text for c in chunks])
            store.add(chunks, vectors, when)
            report.chunks_embedded += len(chunks)
        stale = [cid for d, ids in old_ids.items() if d != doc_id for cid in ids]
        if stale:
            store.delete_chunks(stale)
        (report.updated if old_ids else report.added).append(str(path))
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _known_documents(store: Store) -> dict[str, dict[str, list[str]]]:
    """source -> doc_id -> chunk ids."""
    known: dict[str, dict[str, list[str]]] = {}
    got = store.metadatas_with_ids()
    for cid, meta in got:
        src, doc = str(meta.get("source", "")), str(meta.get("doc_id", ""))
        known.setdefault(src, {}).setdefault(doc, []).append(cid)
    return known


def _doc_id(texts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8"))
        digest.update(b"\x0c")
    return digest.hexdigest()[:24]


def _chunk_pages(pages: Sequence[Any], key: str, doc_id: str, settings: Settings) -> list[Chunk]:
    chunks: list[Chunk] = []
    for page in pages:
        chunks.extend(
            chunk_text(
                page.text,
                doc_id=doc_id,
                source=key,
                chunk_size=settings.chunk_size,
                chunk_overlap=settings.chunk_overlap,
                page=page.page,
                first_index=len(chunks),
            )
        )
    return chunks


def _progress(files: list[Path], enabled: bool) -> Iterable[Path]:
    if not enabled:
        return files
    from tqdm import tqdm

    return tqdm(files, unit="file", desc="ingest")
