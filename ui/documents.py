"""Documents in a collection: save uploads safely, ingest them, list and remove sources."""

from __future__ import annotations

import logging
import re
import shutil
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputError, RagError, StoreMissingError
from rag.settings import Settings
from rag.store import DocumentInfo, Store, collection_names

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


def upload_dir(settings: Settings, root: Path | None = None) -> Path:
    """Where uploads of this collection are kept: ``<root>/<collection>/``."""
    base = root if root is not None else settings.store / "uploads"
    return (base / settings.collection).resolve()


def safe_upload_name(name: str) -> str:
    """A file name that cannot leave its folder: no separators, no dots in front, no controls.

    Only the last path component of what the browser sent is kept (both ``/`` and ``\\``
    count as separators); anything but letters, digits, ``._ -`` becomes ``_``.
    """
    base = re.split(r"[/\\]", name)[-1]
    base = unicodedata.normalize("NFKC", base)
    base = _UNSAFE.sub("_", base).strip(" .")
    stem, dot, suffix = base.rpartition(".")
    if dot and len(base) > MAX_NAME_CHARS:
        base = stem[: MAX_NAME_CHARS - len(suffix) - 1] + "." + suffix
    base = base[:MAX_NAME_CHARS]
    if not base or base in (".", "..") or not stem.strip("._ -") and dot:
        raise InputError(f"the file name {name!r} cannot be used; rename the file and retry")
    return base


def save_upload(temp_path: Path, original_name: str, dest_dir: Path) -> Path:
    """Copy an uploaded file into ``dest_dir`` under a safe name; never outside it."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    root = dest_dir.resolve()
    target = (root / safe_upload_name(original_name)).resolve()
    if target.parent != root:
        raise InputError(f"the file name {original_name!r} points outside the upload folder")
    if target.is_symlink():
        raise InputError(f"{target.name} exists as a link in the upload folder; not replacing it")
    shutil.copyfile(temp_path, target)
    return target


@dataclass
class UploadResult:
    """What happened to each uploaded file, as (level, message) lines for the UI."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    changed: bool = False

    @property
    def summary(self) -> str:
        return "; ".join(message for _, message in self.lines)


Progress = Callable[[float, str], None]


def ingest_uploads(
    files: Sequence[Path], settings: Settings, dest_dir: Path, progress: Progress | None = None
) -> UploadResult:
    """Save each upload into ``dest_dir`` and ingest it; one bad file does not stop the rest."""
    from index.ingest import ingest_paths
    from index.loaders import SUPPORTED_SUFFIXES

    result = UploadResult()
    if not files:
        result.lines.append(("error", "No file selected: drop files on the upload area first."))
        return result
    for n, temp in enumerate(files):
        name = Path(temp).name
        if progress is not None:
            progress(n / len(files), f"ingesting {name}")
        try:
            if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
                raise InputError(f"unsupported file type; supported: {kinds}")
            saved = save_upload(Path(temp), name, dest_dir)
            report = ingest_paths([saved], settings)
        except RagError as exc:
            result.lines.append(("error", f"{name} was not added: {exc}"))
            continue
        except OSError as exc:
            result.lines.append(("error", f"{name} was not added: {exc.strerror or exc}"))
            continue
        for item in report.failed + report.skipped:
            result.lines.append(("error", f"{saved.name} was not added: {item['reason']}"))
            saved.unlink(missing_ok=True)
        if report.added or report.updated:
            verb = "added" if report.added else "updated"
            chunks = len(Store(settings).chunk_ids(source=str(saved)))
            result.lines.append(("ok", f"{saved.name} {verb} ({chunks} chunks)"))
            result.changed = True
        elif report.unchanged:
            result.lines.append(("ok", f"{saved.name} is already in the collection, unchanged"))
    if progress is not None:
        progress(1.0, "done")
    return result


def list_sources(settings: Settings) -> list[DocumentInfo]:
    try:
        return Store(settings).documents()
    except StoreMissingError:
        return []


def list_collections(settings: Settings) -> list[str]:
    names = set(collection_names(settings))
    names.add(settings.collection)
    return sorted(names)


def remove_source(settings: Settings, source: str, uploads: Path | None = None) -> int:
    """Delete every chunk of ``source``; also delete the file if it is one of our uploads."""
    if not source:
        raise InputError("choose a source to remove first")
    store = Store(settings)
    ids = store.chunk_ids(source=source)
    if not ids:
        raise InputError(f"{Path(source).name} is not in collection {settings.collection!r}")
    store.delete_chunks(ids)
    path = Path(source)
    if uploads is not None and path.parent == uploads.resolve() and path.is_file():
        path.unlink()
    return len(ids)
