"""Stored conversations in the chat: turns rebuilt with their evidence, sidebar entries."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import rag  # noqa: F401  (offline guards before gradio is imported)

# isort: split
import gradio as gr

from rag.models import Answer, Citation
from service import Conversation, ConversationSummary
from ui.chat import Turn

CITATION_FIELDS = {f.name for f in fields(Citation)}


def stored_turns(conversation: Conversation) -> list[Turn]:
    """The chat's turns for a stored conversation: answers with their citations, so the
    evidence panel and the ``[n]`` buttons work as they did when it was asked."""
    out = []
    for t in conversation.turns:
        citations = [
            Citation(**{k: v for k, v in c.items() if k in CITATION_FIELDS}) for c in t.citations
        ]
        answer = Answer(t.question, t.answer, t.refused, "", citations)
        out.append(
            Turn(
                question=t.question,
                text=t.answer,
                answer=answer,
                collection=conversation.collection,
                n=t.n,
                rating=t.feedback.rating if t.feedback else None,
            )
        )
    return out


def sidebar_choices(summaries: list[ConversationSummary]) -> list[tuple[str, str]]:
    """(label, id) for the sidebar, newest first: the title and when it was last used."""
    return [(f"{s.title} · {s.updated_at:%b %d %H:%M}", s.id) for s in summaries]


def sidebar_update(summaries: list[ConversationSummary], selected: str | None) -> dict[str, Any]:
    return gr.update(choices=sidebar_choices(summaries), value=selected)  # type: ignore[no-any-return]
