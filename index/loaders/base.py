"""What every loader returns, and the one error they raise."""

from __future__ import annotations

from dataclasses import dataclass, field

from rag.boxes import Box


class LoadError(Exception):
    """A file that cannot be read as a document; ``str()`` is the reason.

    ``skip`` is True for files left out on purpose (empty, unsupported, too large): they are
    reported as skipped, not failed.
    """

    def __init__(self, reason: str, *, skip: bool = False) -> None:
        super().__init__(reason)
        self.skip = skip


@dataclass(frozen=True)
class LoadedPage:
    """Text of one page (``page`` is 1-based, None for formats without pages)."""

    text: str
    page: int | None = None
    # PDF: one box per line of ``text`` (see ``rag.boxes``); empty for formats without pages.
    boxes: tuple[Box, ...] = ()
    # Text that names the page's document but is not part of it (a PDF's running header).
    context: str = ""


@dataclass
class LoadedDocument:
    """A loaded file: its pages and any warnings (e.g. a fallback text encoding)."""

    format: str
    pages: list[LoadedPage]
    warnings: list[str] = field(default_factory=list)
