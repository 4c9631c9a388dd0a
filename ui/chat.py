"""The chat session: turns kept per browser session, answers streamed from the chat service."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from rag.answering.base import AnswerDelta
from rag.errors import RagError, StoreMissingError
from rag.models import Answer
from service import ChatService

log = logging.getLogger(__name__)


@dataclass
class Turn:
    """One question and what came back: streamed text, then the final answer or an error.

    ``note`` turns carry no question: they report events such as an upload in the chat.
    """

    question: str
    text: str = ""
    answer: Answer | None = None
    error: str | None = None
    note: str | None = None
    collection: str = ""
    n: int | None = None  # its number in the stored conversation, once recorded
    rating: int | None = None  # the feedback given: 1 thumbs up, -1 thumbs down

    @property
    def done(self) -> bool:
        return self.answer is not None or self.error is not None or self.note is not None


def history_pairs(turns: list[Turn]) -> list[tuple[str, str]]:
    """Earlier answered turns as (question, answer) pairs, for follow-up questions."""
    return [(t.question, t.answer.answer) for t in turns if t.answer is not None]


def error_message(exc: BaseException) -> str:
    """A message for the chat; never a traceback."""
    if isinstance(exc, StoreMissingError):
        return f"{exc}. Add files in the Documents tab (or run `rag ingest`), then ask again."
    if isinstance(exc, RagError):
        return str(exc)
    return (
        f"Something went wrong while answering ({type(exc).__name__}). "
        "The server log has the details; please try again."
    )


def respond(
    chat: ChatService, collection: str, question: str, turns: list[Turn]
) -> Iterator[list[Turn]]:
    """Append a turn and yield the turn list after every streamed piece of the answer."""
    turns = list(turns or [])
    turn = Turn(question=question.strip(), collection=collection)
    history = history_pairs(turns)
    turns.append(turn)
    yield turns
    try:
        for event in chat.stream(question, collection, history):
            if isinstance(event, AnswerDelta):
                turn.text += event.text
            elif isinstance(event, Answer):
                turn.answer = event
                turn.text = event.answer
            yield turns
        if turn.answer is None:
            raise RagError("the answerer stopped without an answer; please try again")
    except Exception as exc:
        if not isinstance(exc, RagError):
            log.exception("answering %r failed", question)
        turn.error = error_message(exc)
        yield turns


def add_note(turns: list[Turn], note: str, collection: str) -> list[Turn]:
    return [*list(turns or []), Turn(question="", note=note, collection=collection)]
