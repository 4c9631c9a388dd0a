"""Ingest files into the store: discover, plan, embed, write; unchanged files cost a hash.

Order of writes for changed files: their new chunks are upserted (one call for the files that
finished embedding together, applied in one transaction by the embedded store), then their old
chunks are deleted. A failure or a kill in
between leaves the previous version intact and searchable; the next run sees the complete new
version and only deletes the leftovers. Chunk ids are deterministic, so re-running after a
kill never duplicates a chunk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from index.discovery import discover
from index.loaders import LoadError
from index.progress import Progress
from index.report import IngestedDocument, IngestReport
from index.sync import Job, chunking_key, gone_sources, plan_file, read_file, source_key
from rag.answering.units import chunk_units
from rag.catalog import StoredVersion
from rag.errors import RagError, StoreUnavailableError
from rag.models import Chunk
from rag.priority import background_work
from rag.sentence_vectors import sentence_vectors_of
from rag.settings import Settings
from rag.store import Store

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

log = logging.getLogger(__name__)


SORT_WINDOW_BATCHES = 8


class StrictModeError(RagError):
    """``--strict``: a file failed, so nothing was written."""


# Called after each group of files is written, before their old chunks are deleted; the
# kill test pauses there. Not a setting: only code that calls ingest_paths can pass one.
AfterWrite = Callable[[list[Path]], None]


def ingest_paths(
    paths: Sequence[Path | str],
    settings: Settings,
    *,
    progress: bool = False,
    prune: bool = False,
    strict: bool = False,
    after_write: AfterWrite | None = None,
) -> IngestReport:
    """Bring the collection in line with the files under ``paths``.

    Bad files are reported in the result and the rest continue; with ``strict`` the first
    failure raises :class:`StrictModeError` before anything is written. Derived indexes (BM25,
    the catalogue summary) are the caller's to refresh: see ``service.library``.
    """
    started = time.perf_counter()
    report = IngestReport()
    found = discover(paths)
    report.skipped.extend(found.skipped)
    report.failed.extend(found.failed)
    if strict and report.failed:
        _strict_failure(report.failed[0])
    store = Store(settings, create=True)
    versions = store.catalog.full().versions or {}
    bar = Progress(progress)
    jobs = _plan(found.files, versions, settings, report, bar, strict)
    try:
        _write(jobs, store, settings, report, bar, after_write)
        if prune:
            gone = gone_sources(store.catalog.full().versions or {})
            if gone:
                report.chunks_deleted += store.delete_sources(gone)
            report.removed.extend(gone)
    except StoreUnavailableError as exc:
        _stopped(exc, jobs, report)
    bar.close()
    report.added.sort()
    report.updated.sort()
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _plan(
    files: list[Path],
    versions: dict[str, dict[str, StoredVersion]],
    settings: Settings,
    report: IngestReport,
    bar: Progress,
    strict: bool,
) -> list[Job]:
    jobs: list[Job] = []
    bar.start("scan", len(files), "file")
    for path in files:
        bar.advance()
        try:
            raw = read_file(path, settings)
            job = plan_file(path, raw, versions.get(source_key(path), {}), settings)
        except LoadError as exc:
            entry = {"path": str(path), "reason": str(exc)}
            if exc.skip:
                report.skipped.append(entry)
                continue
            if strict:
                _strict_failure(entry)
            report.failed.append(entry)
            continue
        if job is None:  # one complete stored version, this file's
            report.unchanged.append(str(path))
            ((doc_id, stored),) = versions[source_key(path)].items()
            report.documents[str(path)] = IngestedDocument(doc_id, len(stored.chunk_ids))
            continue
        report.warnings.extend({"path": str(path), "reason": w} for w in job.warnings)
        jobs.append(job)
    return jobs


def _write(
    jobs: list[Job],
    store: Store,
    settings: Settings,
    report: IngestReport,
    bar: Progress,
    after_write: AfterWrite | None,
) -> None:
    """Embed the chunks of all jobs in full model batches (across file boundaries, so small
    files do not make small batches). After each batch, the files whose chunks are all
    embedded are written together: one upsert for their new chunks, then one delete for their
    old ones (Chroma pays a fixed cost per call, so per-file calls would dominate for small
    files)."""
    when = datetime.now(UTC).isoformat(timespec="seconds")
    queue = _by_length([chunk for job in jobs for chunk in job.to_embed], settings)
    vectors: dict[str, list[float]] = {}
    missing = [len(job.to_embed) for job in jobs]  # chunks still to embed, per job
    owner = {c.chunk_id: k for k, job in enumerate(jobs) for c in job.to_embed}
    done = 0

    def flush(embedded: list[Chunk]) -> None:
        nonlocal done
        ready = [job for job in jobs if not job.to_embed] if not embedded else []
        for chunk in embedded:
            k = owner[chunk.chunk_id]
            missing[k] -= 1
            if missing[k] == 0:
                ready.append(jobs[k])
        if ready:
            _write_jobs(ready, store, settings, vectors, when, report, after_write)
            done += len(ready)

    bar.start("embed", len(queue), "chunk")
    flush([])  # documents that only need their leftovers removed
    if queue:
        # deferred for start-up time: modules that pull in heavy libraries
        from rag.backends import build_embedding

        embed_model = build_embedding(settings)
        step = settings.embed_batch_size
        for start in range(0, len(queue), step):
            window = queue[start : start + step]
            with background_work():  # answers in this process go first (rag.priority)
                embedded = embed_model.get_text_embedding_batch([c.embed_text() for c in window])
            vectors.update((c.chunk_id, v) for c, v in zip(window, embedded, strict=True))
            flush(window)
            bar.advance(len(window), files=f"{done}/{len(jobs)}")
        store_sentence_vectors(queue, store, embed_model, settings, bar)


def store_sentence_vectors(
    chunks: Sequence[Chunk],
    store: Store,
    embed_model: BaseEmbedding,
    settings: Settings,
    bar: Progress | None = None,
) -> None:
    """Embed now, once, the sentences answers will quote from these chunks, so that an
    answer embeds only its question (rag.sentence_vectors). Written after the chunks: a kill
    before this leaves them to be embedded at answer time."""
    sentence_vectors = sentence_vectors_of(store, embed_model)
    if sentence_vectors.path is None:  # a Chroma server: nowhere beside it to keep them
        return
    # sorted by length: each model batch then holds sentences of about one length (little padding)
    texts = sorted(dict.fromkeys(t for chunk in chunks for t in chunk_units(chunk)), key=len)
    bar = bar or Progress(False)
    bar.start("sentences", len(texts), "sentence")
    step = settings.embed_batch_size * SORT_WINDOW_BATCHES
    for start in range(0, len(texts), step):
        part = texts[start : start + step]
        with background_work():
            sentence_vectors.fill(part)
        bar.advance(len(part))


def _by_length(chunks: list[Chunk], settings: Settings) -> list[Chunk]:
    """Sort chunks by length within windows of a few batches: a batch costs as much as its
    longest text (padding), so grouping short chunks (a document's last one, small files)
    saves model time, while each file is still written soon after it is read."""
    window = settings.embed_batch_size * SORT_WINDOW_BATCHES
    ordered: list[Chunk] = []
    for start in range(0, len(chunks), window):
        ordered.extend(sorted(chunks[start : start + window], key=lambda c: len(c.text)))
    return ordered


def _write_jobs(
    jobs: list[Job],
    store: Store,
    settings: Settings,
    vectors: dict[str, list[float]],
    when: str,
    report: IngestReport,
    after_write: AfterWrite | None,
) -> None:
    """New chunks of these files first, then their old chunks: never a moment without them."""
    chunks = [c for job in jobs for c in job.to_embed]
    if chunks:
        extras: list[dict[str, str | int]] = []
        for job in jobs:
            meta: dict[str, str | int] = {
                "n_chunks": len(job.chunks),
                "format": job.format,
                "chunking": chunking_key(settings),
            }
            extras.extend([meta] * len(job.to_embed))
        store.add(chunks, [vectors.pop(c.chunk_id) for c in chunks], when, extras)
        report.chunks_embedded += len(chunks)
    for job in jobs:  # written: the new version is complete in the store from here on
        (report.added if job.is_new else report.updated).append(str(job.path))
        report.documents[str(job.path)] = IngestedDocument(job.doc_id, len(job.chunks))
    if after_write is not None:
        after_write([job.path for job in jobs])
    stale = [cid for job in jobs for cid in job.stale_ids]
    if stale:
        store.delete_chunks(stale)
        report.chunks_deleted += len(stale)


def _stopped(exc: StoreUnavailableError, jobs: list[Job], report: IngestReport) -> None:
    """The store went away mid-run: the files written so far stay (each one complete), the
    rest are reported as not written, and one message says which is which. Chunk ids are
    deterministic, so the next run writes only what is missing."""
    written = set(report.added) | set(report.updated)
    missing = [str(job.path) for job in jobs if str(job.path) not in written]
    for path in missing:
        report.failed.append({"path": path, "reason": f"not written: {exc}"})
    report.error = (
        f"{exc}. Written: {_names(sorted(written))}. Not written: {_names(missing)}. "
        "Run the same command again when the server is back: it writes only what is missing."
    )


def _names(paths: list[str], limit: int = 10) -> str:
    if not paths:
        return "none"
    shown = ", ".join(Path(p).name for p in paths[:limit])
    more = f" and {len(paths) - limit} more" if len(paths) > limit else ""
    return f"{len(paths)} file{'s' if len(paths) != 1 else ''} ({shown}{more})"


def _strict_failure(entry: dict[str, str]) -> None:
    raise StrictModeError(
        f"{entry['path']}: {entry['reason']} (--strict: stopped before writing anything)"
    )
