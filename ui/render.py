"""Turn answers, citations and sources into HTML. Every piece of text is escaped here.

Nothing a document or a user wrote reaches the page unescaped: the only markup is ours
(``<mark>`` around the supporting sentence, a ``<button>`` for each ``[n]`` marker).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.answering.selection import LABEL_MEANINGS
from rag.models import REMOVED_PREFIX, Answer, Citation, Passage
from service import page_image, source_context

if TYPE_CHECKING:
    from service import DocumentInfo
    from ui.chat import Turn

MARKER = re.compile(r"\[(\d+)\]")

CLOSEST_SHOWN = 3  # passages shown under a refusal
EMPTY_EVIDENCE = "<p class='rag-empty'>Ask a question: the cited passages appear here.</p>"


def passage_html(citation: Citation) -> str:
    """The cited passage with its supporting sentence wrapped in ``<mark>``."""
    text = citation.text
    hl = citation.highlight
    if hl and citation.start_char is not None and citation.highlight_start is not None:
        a = citation.highlight_start - citation.start_char
        b = a + len(hl)
        return f"{escape(text[:a])}<mark>{escape(text[a:b])}</mark>{escape(text[b:])}"
    return escape(text)


def answer_html(text: str, turn: int, cited: set[int]) -> str:
    """Escaped answer text where each known ``[n]`` becomes a button selecting citation n."""

    def button(match: re.Match[str]) -> str:
        n = int(match.group(1))
        if n not in cited:
            return match.group(0)
        return (
            f"<button type='button' class='rag-cite' data-turn='{turn}' data-cite='{n}' "
            f"title='Show the passage cited as [{n}]'>[{n}]</button>"
        )

    return MARKER.sub(button, escape(text))


def transcript_html(turns: Sequence[Turn]) -> str:
    if not turns:
        return (
            "<div class='rag-transcript-empty'>Ask a question about your documents. "
            "Click a marker like <span class='rag-cite-sample'>[1]</span> in an answer "
            "to see the sentence that supports it.</div>"
        )
    return "\n".join(_turn_html(i, t) for i, t in enumerate(turns))


def _turn_html(i: int, turn: Turn) -> str:
    if turn.note is not None:
        return f"<div class='rag-note' id='turn-{i}'>{escape(turn.note)}</div>"
    user = f"<div class='rag-user'><div class='rag-text'>{escape(turn.question)}</div></div>"
    if turn.error is not None:
        body = f"<div class='rag-bot rag-error'>⚠️ {escape(turn.error)}</div>"
    elif turn.answer is not None:
        cited = {c.id for c in turn.answer.citations}
        kind = "rag-refused" if turn.answer.refused else "rag-answered"
        body = (
            f"<div class='rag-bot {kind}'>{answer_html(turn.answer.answer, i, cited)}"
            f"{confidence_html(turn.answer)}{_removed_html(turn.answer)}"
            f"{_warnings_html(turn.answer)}{_timing_html(turn.answer)}{_rating_html(i, turn)}</div>"
        )
    else:
        body = f"<div class='rag-bot rag-streaming'>{escape(turn.text)}<span class='rag-cursor'>▍</span></div>"
    return f"<div class='rag-turn' id='turn-{i}'>{user}{body}</div>"


def _rating_html(i: int, turn: Turn) -> str:
    """Thumbs up and down under a stored answer; the given one is marked."""
    if turn.n is None:
        return ""
    buttons = "".join(
        f"<button type='button' class='rag-thumb{' rag-rated' if turn.rating == value else ''}' "
        f"data-turn='{i}' data-rating='{value}' title='{title}'>{icon}</button>"
        for value, icon, title in (
            (1, "Good answer", "Mark this answer right: it can become a regression test"),
            (-1, "Wrong answer", "Mark this answer wrong; the note box says why"),
        )
    )
    said = {1: " thanks: marked good", -1: " thanks: marked wrong"}.get(turn.rating or 0, "")
    return f"<div class='rag-rate'>{buttons}<span class='rag-meta'>{said}</span></div>"


def confidence_html(answer: Answer) -> str:
    """The confidence label with its one-line meaning (nothing for a refusal)."""
    label = answer.confidence_label
    if answer.refused or label is None:
        return ""
    meaning = LABEL_MEANINGS.get(label, "")
    value = "" if answer.confidence is None else f" ({answer.confidence:.2f})"
    return (
        f"<div class='rag-confidence rag-confidence-{escape(label)}'>"
        f"<b>{escape(label)} confidence</b>{escape(value)}: {escape(meaning)}</div>"
    )


def _warnings_html(answer: Answer) -> str:
    """What the answerer flagged, e.g. citation numbers an LLM made up (removed)."""
    shown = [w for w in answer.warnings if not w.startswith(REMOVED_PREFIX)]
    return "".join(f"<div class='rag-warning'>⚠️ {escape(w)}</div>" for w in shown)


def _removed_html(answer: Answer) -> str:
    """LLM sentences no passage supports: struck out, with the reason, never as the answer."""
    return "".join(
        f"<div class='rag-removed'><del>{escape(r.text)}</del> "
        f"<span class='rag-removed-reason'>(not shown as part of the answer: "
        f"{escape(r.reason)})</span></div>"
        for r in answer.removed
    )


def _timing_html(answer: Answer) -> str:
    total = sum(answer.timings_ms.values())
    if not total:
        return ""
    return f"<div class='rag-meta'>{escape(answer.backend)} · {total / 1000:.1f}s</div>"


def evidence_html(answer: Answer | None, *, turn: int = 0, selected: int | None = None) -> str:
    if answer is None:
        return EMPTY_EVIDENCE
    if answer.refused or not answer.citations:
        return _closest_html(answer.retrieved[:CLOSEST_SHOWN])
    cards = []
    shown = selected if selected is not None else answer.citations[0].id
    for c in answer.citations:
        page = f" · page {c.page}" if c.page is not None else ""
        verdict = _verdict(answer, c)
        chosen = " rag-selected" if c.id == selected else ""
        cards.append(
            f"<details class='rag-citation{chosen}' id='citation-{c.id}' data-turn='{turn}' open>"
            f"<summary><b>[{c.id}]</b> <span class='rag-source' title='{escape(c.source)}'>"
            f"{escape(Path(c.source).name)}</span>{escape(page)}"
            f" · {escape(relevance_text(c.rank, c.relevance))}"
            f" · <span class='rag-verdict rag-{'supported' if c.supported else 'not-supported'}'>"
            f"{escape(verdict)}</span> ({c.support_score:.2f})</summary>"
            f"<div class='rag-passage'>{passage_html(c)}</div>"
            f"{page_html(c) if c.id == shown else ''}{context_html(c)}</details>"
        )
    return "\n".join(cards)


def relevance_text(rank: int, relevance: float | None) -> str:
    """Rank and a relevance a person can read (not the fusion score)."""
    parts = [f"rank {rank}"] if rank else []
    if relevance is not None:
        parts.append(f"relevance {relevance:.0%}")
    return " · ".join(parts)


def _verdict(answer: Answer, citation: Citation) -> str:
    """Extractive: whether the quoted sentence answers the question; LLM: whether the passage
    backs the claim that cites it."""
    if answer.backend == "extractive":
        return "answers the question" if citation.supported else "may not answer it"
    return "supported" if citation.supported else "not supported"


def page_html(citation: Citation) -> str:
    """A PDF citation's page as an image with its box, the page number, and a zoom toggle
    (pure CSS: a checkbox widens the image inside a scrolling frame). '' for other formats."""
    png = page_image(citation)
    if png is None or citation.page is None:
        return ""
    box = ""
    if citation.bbox:
        # the box again as an element over the image, in % of the page (drawn into it too)
        x0, y0, x1, y1 = citation.bbox
        w, h = _page_size(png)
        box = (
            f"<div class='rag-page-box' style='left:{100 * x0 / w:.2f}%;top:{100 * y0 / h:.2f}%;"
            f"width:{100 * (x1 - x0) / w:.2f}%;height:{100 * (y1 - y0) / h:.2f}%'></div>"
        )
    data = base64.b64encode(png).decode("ascii")
    key = f"zoom-{citation.id}"
    return (
        f"<figure class='rag-page' data-page='{citation.page}'>"
        f"<input type='checkbox' id='{key}' class='rag-zoom-toggle'>"
        f"<label for='{key}' class='rag-zoom-label'>Zoom page {citation.page}</label>"
        f"<div class='rag-page-frame'><div class='rag-page-inner'>"
        f"<img class='rag-page-image' alt='page {citation.page} of {escape(Path(citation.source).name)}'"
        f" src='data:image/png;base64,{data}'>{box}</div></div>"
        f"<figcaption>page {citation.page}</figcaption></figure>"
    )


def _page_size(png: bytes) -> tuple[float, float]:
    """The page size in points from the PNG header (rendered at ``page_image``'s 1.5 px/pt)."""
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return width / 1.5, height / 1.5


def _closest_html(passages: Sequence[Passage]) -> str:
    """For a refusal: the passages that came closest, so a user can see what was searched."""
    head = "<p class='rag-empty'>No passage supports an answer.</p>"
    if not passages:
        return head
    cards = "".join(
        f"<details class='rag-closest'><summary>{escape(Path(p.source).name)}"
        f"{escape(f' · page {p.page}' if p.page is not None else '')}"
        f"{escape(' · ' + relevance_text(p.rank, p.relevance) if p.rank else '')}"
        f"</summary><div class='rag-passage'>{escape(p.text)}</div></details>"
        for p in passages
    )
    return f"{head}<p class='rag-closest-head'>Closest passages (not used):</p>{cards}"


def context_html(citation: Citation) -> str:
    """An expandable view of the passage inside the text around it in the source file."""
    ctx = source_context(citation)
    if ctx is None:
        body = (
            "<p class='rag-empty'>The source file is gone or changed since it was ingested, "
            "so only the stored passage is shown.</p>"
        )
    else:
        before = ("… " if ctx.truncated_before else "") + ctx.before
        after = ctx.after + (" …" if ctx.truncated_after else "")
        body = (
            f"<div class='rag-passage rag-context-text'>{escape(before)}"
            f"<span class='rag-in-passage'>{passage_html(citation)}</span>{escape(after)}</div>"
        )
    return f"<details class='rag-context'><summary>Show surrounding text</summary>{body}</details>"


def sources_html(docs: Sequence[DocumentInfo]) -> str:
    if not docs:
        return "<p class='rag-empty'>No documents in this collection yet.</p>"
    rows = "".join(
        f"<tr><td title='{escape(d.source)}'>{escape(Path(d.source).name)}</td>"
        f"<td>{d.chunks}</td><td>{d.pages or '–'}</td><td>{escape(d.ingested_at)}</td></tr>"
        for d in docs
    )
    return (
        "<table class='rag-sources'><thead><tr><th>Source</th><th>Chunks</th><th>Pages</th>"
        f"<th>Ingested</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def settings_html(view: dict[str, Any]) -> str:
    """Backend, model and retrieval settings; the caller passes ``Settings.public_view()``."""
    labels = [("collection", "collection"), ("llm", "backend"), ("llm_model", "model"),
              ("embedding", "embedding"), ("retrieval", "retrieval"), ("top_k", "top-k")]  # fmt: skip
    cells = " · ".join(
        f"<span class='rag-setting'><b>{escape(label)}</b> {escape(str(view.get(key) or '–'))}</span>"
        for key, label in labels
    )
    return f"<div class='rag-settings'>{cells}</div>"


def messages_html(lines: Sequence[tuple[str, str]]) -> str:
    """(level, message) pairs, e.g. the outcome of each uploaded file."""
    items = "".join(f"<li class='rag-{escape(level)}'>{escape(msg)}</li>" for level, msg in lines)
    return f"<ul class='rag-messages'>{items}</ul>" if items else ""
