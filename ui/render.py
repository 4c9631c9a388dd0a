"""Turn answers and citations into HTML. Every piece of document text is escaped."""

from __future__ import annotations

from html import escape
from pathlib import Path

from rag.models import Answer, Citation


def passage_html(citation: Citation) -> str:
    """The cited passage with its supporting sentence wrapped in ``<mark>``."""
    text = citation.text
    hl = citation.highlight
    if hl and citation.start_char is not None and citation.highlight_start is not None:
        a = citation.highlight_start - citation.start_char
        b = a + len(hl)
        return f"{escape(text[:a])}<mark>{escape(text[a:b])}</mark>{escape(text[b:])}"
    return escape(text)


def evidence_html(answer: Answer | None) -> str:
    if answer is None:
        return "<p class='rag-empty'>Ask a question: the cited passages appear here.</p>"
    if answer.refused or not answer.citations:
        return "<p class='rag-empty'>No passage supports an answer.</p>"
    cards = []
    for c in answer.citations:
        page = f" · page {c.page}" if c.page is not None else ""
        verdict = "supported" if c.supported else "not supported"
        cards.append(
            f"<details class='rag-citation' id='citation-{c.id}' open>"
            f"<summary><b>[{c.id}]</b> {escape(Path(c.source).name)}{escape(page)}"
            f" · score {c.score:.3f} · {verdict} ({c.support_score:.2f})</summary>"
            f"<div class='rag-passage'>{passage_html(c)}</div></details>"
        )
    return "\n".join(cards)
