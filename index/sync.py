"""Decide what each file needs (nothing, a clean-up, or new chunks), and prune or forget.

A file's document id is the hash of its bytes, so an unchanged file is recognised without
parsing it. What decides "unchanged": exactly one version stored for the path, with this
document id, all its chunks present, written with the current chunk size and overlap.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from index.chunking import chunk_text
from index.loaders import LoadError, parse
from rag.catalog import StoredVersion
from rag.models import Chunk
from rag.settings import Settings

# Bump when a loader changes the text it produces, so that stored documents are re-read.
LOADER_VERSION = "3"  # 2: PDF layout (tables as Markdown rows, furniture out, OCR, boxes); 3: non-prose units marked


@dataclass
class Job:
    """Work for one file whose store entries must change."""

    path: Path
    source: str
    doc_id: str
    is_new: bool
    chunks: list[Chunk] = field(default_factory=list)  # the document's full chunk list
    to_embed: list[Chunk] = field(default_factory=list)  # the ones not already stored
    stale_ids: list[str] = field(default_factory=list)  # stored ids to delete afterwards
    format: str = ""
    warnings: list[str] = field(default_factory=list)


def source_key(path: Path) -> str:
    """The stable name of a file in the store: its absolute, resolved path."""
    return os.path.realpath(path)


def chunking_key(settings: Settings) -> str:
    return f"{settings.chunk_size}/{settings.chunk_overlap}/{LOADER_VERSION}"


def read_file(path: Path, settings: Settings) -> bytes:
    """The file's bytes; :class:`LoadError` when too large or unreadable."""
    limit = int(settings.max_file_mb * 1024 * 1024)
    try:
        size = path.stat().st_size
        if size > limit:
            raise LoadError(
                f"file is {size / 2**20:.1f} MB, over the {settings.max_file_mb:g} MB limit "
                "(RAG_MAX_FILE_MB)",
                skip=True,
            )
        return path.read_bytes()
    except PermissionError:
        raise LoadError("permission denied") from None
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from None


def document_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:24]


def plan_file(
    path: Path, raw: bytes, stored: dict[str, StoredVersion], settings: Settings
) -> Job | None:
    """None when the file is unchanged; else the job. Raises :class:`LoadError`."""
    source = source_key(path)
    doc_id = document_id(raw)
    wanted = chunking_key(settings)
    current = stored.get(doc_id)
    if current is not None and len(stored) == 1 and current.complete and current.chunking == wanted:
        return None
    document = parse(path, raw)
    is_new = not any(v.complete for v in stored.values())
    job = Job(path, source, doc_id, is_new=is_new, format=document.format)
    job.warnings = document.warnings
    for page in document.pages:
        job.chunks.extend(
            chunk_text(
                page.text,
                doc_id=doc_id,
                source=source,
                chunk_size=settings.chunk_size,
                chunk_overlap=settings.chunk_overlap,
                page=page.page,
                boxes=page.boxes,
                context=page.context,
                first_index=len(job.chunks),
            )
        )
    reusable = set(current.chunk_ids) if current and current.chunking == wanted else set()
    job.to_embed = [c for c in job.chunks if c.chunk_id not in reusable]
    keep = {c.chunk_id for c in job.chunks}
    job.stale_ids = [cid for v in stored.values() for cid in v.chunk_ids if cid not in keep]
    return job


def gone_sources(versions: dict[str, dict[str, StoredVersion]]) -> list[str]:
    """Sources in the store whose file no longer exists."""
    return sorted(src for src in versions if not os.path.isfile(src))
