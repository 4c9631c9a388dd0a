"""Turn answers, citations and sources into HTML. Every piece of text is escaped here.

Nothing a document or a user wrote reaches the page unescaped: the only markup is ours
(``<mark>`` around the supporting sentence, a ``<button>`` for each ``[n]`` marker).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.models import Answer, Citation, Passage
from service import source_context

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


def _warnings_html(answer: Answer) -> str:
    """What the answerer flagged, e.g. citation numbers an LLM made up (removed)."""
    return "".join(f"<div class='rag-warning'>⚠️ {escape(w)}</div>" for w in answer.warnings)


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
    for c in answer.citations:
        page = f" · page {c.page}" if c.page is not None else ""
        verdict = "supported" if c.supported else "not supported"
        chosen = " rag-selected" if c.id == selected else ""
        cards.append(
            f"<details class='rag-citation{chosen}' id='citation-{c.id}' data-turn='{turn}' open>"
            f"<summary><b>[{c.id}]</b> <span class='rag-source' title='{escape(c.source)}'>"
            f"{escape(Path(c.source).name)}</span>{escape(page)}"
            f" · score {c.score:.3f} · <span class='rag-verdict rag-{verdict.replace(' ', '-')}'>"
            f"{verdict}</span> ({c.support_score:.2f})</summary>"
            f"<div class='rag-passage'>{passage_html(c)}</div>{context_html(c)}</details>"
        )
    return "\n".join(cards)


def _closest_html(passages: Sequence[Passage]) -> str:
    """For a refusal: the passages that came closest, so a user can see what was searched."""
    head = "<p class='rag-empty'>No passage supports an answer.</p>"
    if not passages:
        return head
    cards = "".join(
        f"<details class='rag-closest'><summary>{escape(Path(p.source).name)}"
        f"{escape(f' · page {p.page}' if p.page is not None else '')} · score {p.score:.3f}"
        f"</summary><div class='rag-passage'>{escape(p.text)}</div></details>"
        for p in passages
    )
    return f"{head}<p class='rag-closest-head'>Closest passages (not used):</p>{cards}"


def context_html(citation: Citation) -> str:
    """An expandable view of the passage inside the text around it in the source file."""
    ctx = source_context(citation)
    if ctx is None:
        body = "<p class='rag-empty'>The source file is gone or changed since it was ingested.</p>"
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
