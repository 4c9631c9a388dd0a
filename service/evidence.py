"""Evidence for a citation: the text around it, read from the source file through the loaders.

Offsets stored with a chunk index into the loader's text of its page, so the same loader
gives back the same text. The file is shown only if it is still the file that was ingested:
its hash must equal the citation's ``doc_id`` (comparing the passage at its offsets is not
enough: a line appended after ingest would show). If the file changed or is gone, there is
no context to show and the caller says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.loaders import parse
from index.page_image import render_page
from index.sync import document_id
from rag.errors import RagError
from rag.models import Citation

log = logging.getLogger(__name__)

CONTEXT_CHARS = 600
_MAX_BYTES = 200_000_000


@dataclass(frozen=True)
class Context:
    before: str
    after: str
    truncated_before: bool
    truncated_after: bool


@lru_cache(maxsize=32)
def _page_texts(path: str, mtime_ns: int, size: int) -> tuple[str, dict[int | None, str]]:
    """The file's document id (hash of its bytes) and its text per page."""
    source = Path(path)
    if size > _MAX_BYTES:
        return "", {}
    raw = source.read_bytes()
    return document_id(raw), {page.page: page.text for page in parse(source, raw).pages}


def source_context(citation: Citation, chars: int = CONTEXT_CHARS) -> Context | None:
    """Up to ``chars`` characters either side of the passage, or None when unavailable."""
    if citation.start_char is None or citation.end_char is None:
        return None
    path = Path(citation.source)
    try:
        stat = path.stat()
        doc_id, pages = _page_texts(str(path), stat.st_mtime_ns, stat.st_size)
    except Exception as exc:  # missing file, unreadable, or a loader error
        log.debug("no context for %s: %s", path, exc)
        return None
    if citation.doc_id and doc_id != citation.doc_id:
        return None  # not the file that was ingested, even if the passage is still there
    text = pages.get(citation.page)
    if text is None and len(pages) == 1:
        text = next(iter(pages.values()))
    if text is None or text[citation.start_char : citation.end_char] != citation.text:
        return None  # the file changed since it was ingested
    start = _word_boundary(text, max(0, citation.start_char - chars), forward=True)
    end = _word_boundary(text, min(len(text), citation.end_char + chars), forward=False)
    start = min(start, citation.start_char)
    end = max(end, citation.end_char)
    return Context(
        before=text[start : citation.start_char],
        after=text[citation.end_char : end],
        truncated_before=start > 0,
        truncated_after=end < len(text),
    )


def _word_boundary(text: str, at: int, *, forward: bool) -> int:
    """Move ``at`` to the nearest whitespace so the context does not start mid-word."""
    if at <= 0 or at >= len(text):
        return at
    step = 1 if forward else -1
    limit = 40
    pos = at
    while 0 < pos < len(text) and not text[pos].isspace() and limit:
        pos += step
        limit -= 1
    return pos if limit else at


def page_image(citation: Citation, *, scale: float = 1.5) -> bytes | None:
    """PNG of a PDF citation's page with its supporting sentence or row boxed; None for other
    formats, or when the file is gone or changed since it was ingested (the box would lie)."""
    if citation.page is None or Path(citation.source).suffix.lower() != ".pdf":
        return None
    if source_context(citation, chars=0) is None:
        return None
    try:
        return render_page(citation.source, citation.page, [citation.bbox] if citation.bbox else [],
                           scale=scale)  # fmt: skip
    except RagError as exc:
        log.debug("no page image for %s: %s", citation.source, exc)
        return None
