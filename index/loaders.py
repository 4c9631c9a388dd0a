"""Read files into text, page by page. Every failure names the file and the reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES


class LoadError(Exception):
    """A file that cannot be read as a document; ``str()`` is the reason."""


@dataclass(frozen=True)
class LoadedPage:
    """Text of one page (``page`` is None for formats without pages)."""

    text: str
    page: int | None = None


def load_file(path: Path, *, max_bytes: int) -> list[LoadedPage]:
    """Return the pages of ``path``; raise :class:`LoadError` with a reason a user can act on."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(none)'}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}") from None
    if size > max_bytes:
        raise LoadError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror}") from None
    text = decode_text(raw)
    if not text.strip():
        raise LoadError("file is empty")
    return [LoadedPage(text=text)]


def decode_text(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 with BOM, else fail: binary data is refused."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise LoadError("invalid UTF-16 text") from None
    if b"\x00" in raw[:8192]:
        raise LoadError("binary data, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(
            f"not valid UTF-8 (byte {exc.start}); convert the file to UTF-8 first"
        ) from None
