"""Follow-up questions made stand-alone before retrieval.

"What did Meloni say?" after a question about Macron is a new question; "Did he rule it out?"
points back and needs the previous turn. With a chat model the model rewrites the question;
without one, rules decide from the question's own words.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from rag.answering.prompt import rewrite_messages
from rag.follow_up import standalone_question

if TYPE_CHECKING:
    from rag.answering.llm_client import ChatModel

log = logging.getLogger(__name__)

# Turns of history the model's rewrite sees.
REWRITE_TURNS = 3
MAX_REWRITE_CHARS = 500


class RuleRewriter:
    """Without a chat model: a follow-up is recognised from its words (a pronoun or an
    ellipsis pointing back) and resolved against the previous turn (:mod:`rag.follow_up`)."""

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        return standalone_question(question, history)


class LLMRewriter:
    """A stand-alone version of the question, written by the chat model from recent turns."""

    def __init__(self, chat: ChatModel) -> None:
        self.chat = chat

    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        if not history:
            return question
        reply = self.chat.complete(rewrite_messages(question, history[-REWRITE_TURNS:]))
        lines = [line.strip() for line in reply.splitlines() if line.strip()]
        rewritten = lines[0] if lines else ""
        rewritten = re.sub(r"^(stand-alone question|question)\s*:\s*", "", rewritten, flags=re.I)
        rewritten = rewritten.strip(" \"'“”‘’`")[:MAX_REWRITE_CHARS]
        log.debug("follow-up %r rewritten as %r", question, rewritten)
        return rewritten or question
