"""The library service: the one write path into the collections, and what they hold.

Ingesting paths or uploads, listing documents and collections, forgetting documents: every
front end (the CLI, the UI, the HTTP API, the eval runner) does these through this class.
After any change it refreshes what is derived from a collection (the BM25 index, the unit
matrix and the catalogue summary, so the next query of any process finds them ready) and tells
the chat service which collection changed (``on_change``), so engines are rebuilt only then.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from index.ingest import AfterWrite, ingest_paths, store_sentence_vectors
from index.loaders import SUPPORTED_SUFFIXES, parse
from index.report import IngestReport
from index.sync import read_file, source_key
from rag.backends import build_embedding
from rag.bm25_index import prepare as prepare_bm25
from rag.catalog import DocumentInfo
from rag.errors import InputError, RagError, StoreMissingError
from rag.models import Chunk
from rag.sentence_vectors import prune_vectors
from rag.settings import Settings
from rag.store import Store, collection_names
from rag.unit_index import prepare as prepare_units
from service.access import AccessService
from service.locks import collection_lock
from service.uploads import UploadedFile, UploadResult, save_upload
from service.users import User

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


class LibraryService:
    """Documents and collections of one store (``settings.store`` or a Chroma server)."""

    def __init__(
        self,
        settings: Settings,
        *,
        upload_root: Path | None = None,
        on_change: Callable[[str], None] | None = None,
        access: AccessService | None = None,
    ) -> None:
        self.settings = settings
        self.upload_root = upload_root
        self.on_change = on_change
        # With ``access``, the methods taking a ``user`` check it (None: no login, which only
        # happens while no user exists); without, the caller is the local operator.
        self.access = access
        self.supported_suffixes = frozenset(SUPPORTED_SUFFIXES)

    # reading
    def collections(self, user: User | None = None) -> list[str]:
        """Collections in the store, plus the configured one (which may not exist yet); with
        access checks, those the user may read."""
        names = sorted(set(collection_names(self.settings)) | {self.settings.collection})
        return names if self.access is None else self.access.visible(user, names)

    def documents(
        self, collection: str | None = None, *, missing_ok: bool = False, user: User | None = None
    ) -> list[DocumentInfo]:
        """The documents of a collection; [] for a missing store or collection if ``missing_ok``."""
        if self.access is not None:
            self.access.check_read(user, self.settings.for_collection(collection).collection)
        try:
            store = Store(self.settings.for_collection(collection))
        except StoreMissingError:
            if missing_ok:
                return []
            raise
        return list(store.catalog.current().documents)

    def page_texts(self, path: Path) -> list[tuple[int | None, str]]:
        """``(page, text)`` of a file as our loaders read it (page None for unpaged formats)."""
        document = parse(path, read_file(path, self.settings))
        return [(page.page, page.text) for page in document.pages]

    # writing
    def ingest(
        self,
        paths: Sequence[Path | str],
        collection: str | None = None,
        *,
        progress: bool = False,
        prune: bool = False,
        strict: bool = False,
        after_write: AfterWrite | None = None,
    ) -> IngestReport:
        """Bring a collection in line with the files under ``paths`` (see ``rag ingest``)."""
        settings = self.settings.for_collection(collection)
        with collection_lock(settings):
            report = ingest_paths(
                paths, settings, progress=progress, prune=prune, strict=strict,
                after_write=after_write,
            )  # fmt: skip
            if report.error is None and report.chunks_deleted:  # updated or removed files
                _prune_vectors(settings)
        if report.error is not None:  # the store went away: nothing to refresh from now
            if self.on_change is not None:
                self.on_change(settings.collection)
        elif report.chunks_embedded or report.chunks_deleted:
            self._changed(settings)
        return report

    def ingest_uploads(
        self,
        files: Sequence[Path],
        collection: str | None = None,
        progress: Progress | None = None,
        *,
        user: User | None = None,
    ) -> UploadResult:
        """Save each upload into the collection's upload folder and ingest it; one bad file
        does not stop the rest. A user creating a collection this way owns it (private)."""
        settings = self.settings.for_collection(collection)
        if self.access is not None and files:
            if settings.collection in collection_names(settings):
                self.access.check_write(user, settings.collection)
            else:
                self.access.claim(user, settings.collection)
        dest = self.upload_dir(settings.collection)
        result = UploadResult()
        if not files:
            result.lines.append(("error", "No file selected: drop files on the upload area first."))
            return result
        for n, temp in enumerate(files):
            name = Path(temp).name
            if progress is not None:
                progress(n / len(files), f"ingesting {name}")
            try:
                if Path(name).suffix.lower() not in self.supported_suffixes:
                    kinds = ", ".join(sorted(self.supported_suffixes))
                    raise InputError(f"unsupported file type; supported: {kinds}")
                saved = save_upload(Path(temp), name, dest)
                report = self.ingest([saved], settings.collection)
            except (RagError, OSError) as exc:
                reason = str(exc) if isinstance(exc, RagError) else str(exc.strerror or exc)
                result.lines.append(("error", f"{name} was not added: {reason}"))
                result.files.append(UploadedFile(name, "failed", reason))
                continue
            result.files.append(self._uploaded(name, saved, report))
            for item in report.failed + report.skipped:
                result.lines.append(("error", f"{saved.name} was not added: {item['reason']}"))
                saved.unlink(missing_ok=True)
            if report.added or report.updated:
                verb = "added" if report.added else "updated"
                chunks = result.files[-1].chunks
                result.lines.append(("ok", f"{saved.name} {verb} ({chunks} chunks)"))
                result.changed = True
            elif report.unchanged:
                result.lines.append(("ok", f"{saved.name} is already in the collection, unchanged"))
        if progress is not None:
            progress(1.0, "done")
        return result

    @staticmethod
    def _uploaded(name: str, saved: Path, report: IngestReport) -> UploadedFile:
        """The outcome of one ingested upload, with its document's id and chunks if stored
        (from the report: the collection is not listed again)."""
        key = source_key(saved)
        for status in ("added", "updated", "unchanged"):
            if getattr(report, status):
                stored = next(
                    (d for p, d in report.documents.items() if source_key(Path(p)) == key), None
                )
                doc_id, chunks = (stored.doc_id, stored.chunks) if stored else ("", 0)
                return UploadedFile(name, status, "", key, doc_id, chunks, report)
        for status in ("failed", "skipped"):
            items = getattr(report, status)
            if items:
                return UploadedFile(name, status, items[0]["reason"], report=report)
        return UploadedFile(name, "failed", "nothing was ingested", report=report)

    def forget(self, paths: Sequence[Path], collection: str | None = None) -> dict[str, int]:
        """Remove the documents of these files (or of every file below these folders).

        Returns source -> chunks removed. A path with no document is an :class:`InputError`,
        checked for every path before anything is deleted.
        """
        settings = self.settings.for_collection(collection)
        store = Store(settings)
        sources = store.catalog.full().sources()
        targets: list[str] = []
        for path in paths:
            key = source_key(Path(path))
            below = key.rstrip(os.sep) + os.sep
            matches = sorted(s for s in sources if s == key or s.startswith(below))
            if not matches:
                raise InputError(f"no document from {path} in collection {settings.collection!r}")
            targets.extend(m for m in matches if m not in targets)
        with collection_lock(settings):
            removed = {source: store.delete_sources([source]) for source in targets}
            _prune_vectors(settings)
        if removed:
            self._changed(settings)
        return removed

    def remove_source(
        self, source: str, collection: str | None = None, *, user: User | None = None
    ) -> int:
        """Delete a stored source (as listed by :meth:`documents`); also delete the file when
        it is one of our uploads. Returns the chunks removed."""
        if not source:
            raise InputError("choose a source to remove first")
        settings = self.settings.for_collection(collection)
        if self.access is not None:
            self.access.check_write(user, settings.collection)
        store = Store(settings)
        if source not in store.catalog.full().sources():
            raise InputError(f"{Path(source).name} is not in collection {settings.collection!r}")
        with collection_lock(settings):
            removed = store.delete_sources([source])
            _prune_vectors(settings)
        self._changed(settings)
        path = Path(source)
        if path.parent == self.upload_dir(settings.collection) and path.is_file():
            path.unlink()
        return removed

    def import_chunks(
        self,
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        collection: str | None = None,
        *,
        refresh: bool = True,
    ) -> None:
        """Write chunks whose vectors are already computed (the benchmarks build large
        corpora this way), then embed and store the vectors of their answer units as an
        ingest does (units already stored cost a lookup). ``refresh=False`` leaves the
        derived indexes to :meth:`refresh`."""
        settings = self.settings.for_collection(collection)
        when = datetime.now(UTC).isoformat(timespec="seconds")
        store = Store(settings, create=True)
        store.add(chunks, vectors, when)
        store_sentence_vectors(chunks, store, build_embedding(settings), settings)
        if refresh:
            self._changed(settings)

    def refresh(self, collection: str | None = None) -> None:
        """Rebuild what is derived from a collection now (BM25, unit matrix, catalogue) and
        tell engines."""
        self._changed(self.settings.for_collection(collection))

    def upload_dir(self, collection: str | None = None) -> Path:
        """Where uploads of a collection are kept: ``<root>/<collection>/``."""
        settings = self.settings.for_collection(collection)
        base = self.upload_root if self.upload_root is not None else settings.store / "uploads"
        return (base / settings.collection).resolve()

    def _changed(self, settings: Settings) -> None:
        try:
            store = Store(settings)
            prepare_bm25(store)
            prepare_units(store)
            store.catalog.current()  # computed and kept for the next process
        except RagError as exc:  # the write happened; the next query builds what is missing
            log.warning("could not refresh the indexes of %s: %s", settings.collection, exc)
        if self.on_change is not None:
            self.on_change(settings.collection)


def _prune_vectors(settings: Settings) -> None:
    """Drop the unit vectors of deleted chunks (a cache; a failure costs only disk)."""
    try:
        prune_vectors(Store(settings))
    except RagError as exc:
        log.warning("could not prune the unit vectors of %s: %s", settings.collection, exc)
