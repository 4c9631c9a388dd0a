"""Uploaded files: saved under a safe name inside the collection's upload folder, never outside."""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from index.report import IngestReport
from rag.errors import InputError

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


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
class UploadedFile:
    """One uploaded file: ``status`` is added, updated, unchanged, skipped or failed;
    ``report`` is its ``rag ingest --json`` summary (None when it never got that far)."""

    name: str
    status: str
    reason: str = ""
    source: str = ""
    doc_id: str = ""
    chunks: int = 0
    report: IngestReport | None = None


@dataclass
class UploadResult:
    """What happened to each uploaded file: (level, message) lines for the UI, and ``files``."""

    lines: list[tuple[str, str]] = field(default_factory=list)
    changed: bool = False
    files: list[UploadedFile] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return "; ".join(message for _, message in self.lines)
