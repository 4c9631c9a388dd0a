"""Read files into text, page by page, one module per format.

Every failure is a :class:`LoadError` whose ``str()`` is a reason a user can act on; the
caller adds the path. ``LoadError.skip`` marks files that are left out on purpose (empty, over
the size limit) rather than broken.
"""

from __future__ import annotations

from pathlib import Path

from index.loaders.base import LoadedDocument, LoadedPage, LoadError
from index.loaders.docx import load_docx
from index.loaders.html import load_html
from index.loaders.pdf import load_pdf
from index.loaders.text import load_text

_LOADERS = {
    ".txt": load_text,
    ".text": load_text,
    ".md": load_text,
    ".markdown": load_text,
    ".html": load_html,
    ".htm": load_html,
    ".pdf": load_pdf,
    ".docx": load_docx,
}
SUPPORTED_SUFFIXES = frozenset(_LOADERS)

__all__ = [
    "SUPPORTED_SUFFIXES",
    "LoadError",
    "LoadedDocument",
    "LoadedPage",
    "is_supported",
    "parse",
]


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def parse(path: Path, raw: bytes) -> LoadedDocument:
    """Turn the bytes of ``path`` into pages of text with the loader for its suffix."""
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(f"unsupported file type {path.suffix or '(no extension)'}", skip=True)
    if not raw.strip():
        raise LoadError("empty file", skip=True)
    document = loader(raw)
    if not any(page.text.strip() for page in document.pages):
        raise LoadError("no text found in the file", skip=document.format != "pdf")
    return document
