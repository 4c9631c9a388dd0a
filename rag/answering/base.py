"""The answerer interface and the streaming event type."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from rag.models import Answer, Passage

REFUSAL_TEXT = "I could not find an answer to that in the documents."


@dataclass
class AnswerDelta:
    """A piece of answer text, streamed before the final :class:`Answer`."""

    text: str


class Answerer(Protocol):
    name: str

    def stream(
        self, question: str, passages: list[Passage], history: list[tuple[str, str]]
    ) -> Iterator[AnswerDelta | Answer]:
        """Yield text deltas, then exactly one :class:`Answer` (citations arrive with it)."""
        ...


class FollowUpRewriter(Protocol):
    def rewrite(self, question: str, history: list[tuple[str, str]]) -> str:
        """``question`` made stand-alone given the earlier ``(question, answer)`` turns."""
        ...
