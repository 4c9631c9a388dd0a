"""The chat as a Markdown file that keeps every citation and the passage it points to."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ui.chat import Turn


def _md_text(text: str) -> str:
    """Document text as inert Markdown: HTML-like markup shows as text in any renderer."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in _md_text(text).splitlines() or [""])


def chat_markdown(turns: Sequence[Turn], *, now: datetime | None = None) -> str:
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"# Chat export ({when})", ""]
    number = 0
    for turn in turns:
        if turn.note is not None:
            out += [f"*{_md_text(turn.note)}*", ""]
            continue
        number += 1
        out += [f"## Q{number}: {_md_text(turn.question)}", ""]
        if turn.error is not None:
            out += [f"**Error:** {_md_text(turn.error)}", ""]
            continue
        if turn.answer is None:
            out += [_md_text(turn.text) + " *(unfinished)*", ""]
            continue
        out += [_md_text(turn.answer.answer), ""]
        meta = f"collection `{turn.collection}`, backend `{turn.answer.backend}`"
        out += [f"*{meta}*", ""]
        if turn.answer.citations:
            out += ["Sources:", ""]
        for c in turn.answer.citations:
            page = f", page {c.page}" if c.page is not None else ""
            span = f", characters {c.start_char}–{c.end_char}" if c.start_char is not None else ""
            verdict = "supported" if c.supported else "not supported"
            out.append(
                f"- **[{c.id}]** `{Path(c.source).name}`{page}{span} · rank {c.rank} · relevance {c.relevance:.0%}"
                f" · {verdict} ({c.support_score:.2f})"
            )
            out += ["", _quote(c.highlight or c.text), ""]
    return "\n".join(out).rstrip() + "\n"


def write_export(turns: Sequence[Turn], folder: Path, session: str) -> Path | None:
    """Write the session's Markdown into ``folder``; None when there is nothing to export."""
    if not any(t.note is None for t in turns):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch for ch in session if ch.isalnum())[:32] or "session"
    path = folder / f"chat-{safe}.md"
    path.write_text(chat_markdown(turns), encoding="utf-8")
    return path
