"""Conversations that persist: every ask belongs to one, each turn keeps its evidence, and
the asker can rate a turn (thumbs up or down, with a note).

A conversation belongs to the user who started it; others get :class:`NotFoundError`, as for
an unknown id. Follow-ups get the earlier turns as history, in any process sharing the database.
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rag.errors import DatabaseError, InputError, NotFoundError
from rag.models import Answer
from service.access import AccessService
from service.chat import ChatService
from service.db import Database
from service.db.models import ConversationRow, TurnRow, now, utc
from service.users import OPERATOR_ID, User

TITLE_CHARS = 80
NOTE_CHARS = 4000
HISTORY_TURNS = 6  # earlier turns given to the engine for follow-ups
# Two writers that read the same last turn number collide on (conversation, n); the loser
# reads again. Jittered waits make repeated collisions unlikely even on a loaded machine.
RECORD_ATTEMPTS = 30


@dataclass(frozen=True)
class Feedback:
    rating: int  # 1 thumbs up, -1 thumbs down
    note: str | None = None


@dataclass(frozen=True)
class Turn:
    n: int
    question: str
    answer: str
    refused: bool
    citations: list[dict[str, Any]]
    confidence: float | None
    created_at: datetime
    feedback: Feedback | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "n": self.n,
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "citations": self.citations,
            "created_at": self.created_at.isoformat(),
        }
        if self.confidence is not None:
            data["confidence"] = self.confidence
        if self.feedback is not None:
            data["feedback"] = asdict(self.feedback)
        return data


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    collection: str
    updated_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "collection": self.collection,
            "updated": self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class Conversation:
    id: str
    title: str
    collection: str
    created_at: datetime
    updated_at: datetime
    turns: list[Turn] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        summary = ConversationSummary(self.id, self.title, self.collection, self.updated_at)
        return {**summary.to_json(), "turns": [t.to_json() for t in self.turns]}


@dataclass(frozen=True)
class RatedTurn:
    """A rated turn with what it was asked of, for ``rag feedback export``."""

    conversation_id: str
    collection: str
    turn: Turn


def confidence_of(answer: Answer) -> float | None:
    """The answer's calibrated confidence; without one (an answerer that gives none), the
    weakest cited sentence's support score: an answer is as sure as its weakest claim. None
    for a refusal or an answer without citations."""
    if answer.refused:
        return None
    if answer.confidence is not None:
        return round(answer.confidence, 4)
    if not answer.citations:
        return None
    return round(min(c.support_score for c in answer.citations), 4)


class ConversationService:
    def __init__(
        self, database: Database, chat: ChatService, access: AccessService | None = None
    ) -> None:
        self.database = database
        self.chat = chat
        self.access = access

    def ask(
        self,
        user: User | None,
        question: str,
        conversation_id: str | None = None,
        collection: str | None = None,
        *,
        top_k: int | None = None,
    ) -> tuple[str, Turn, Answer]:
        """Ask within a conversation (a new one when ``conversation_id`` is None) and record
        the turn. A continued conversation keeps the collection it was started on."""
        history: list[tuple[str, str]] = []
        if conversation_id is not None:
            known = self.get(user, conversation_id)
            collection = known.collection
            history = [(t.question, t.answer) for t in known.turns[-HISTORY_TURNS:]]
        name = self.chat.settings.for_collection(collection).collection
        if self.access is not None:  # a collection shared earlier may have been closed since
            self.access.check_read(user, name)
        answer = self.chat.ask(question, name, history or None, top_k=top_k)
        conversation_id, turn = self.record(user, conversation_id, name, answer)
        return conversation_id, turn, answer

    def record(
        self, user: User | None, conversation_id: str | None, collection: str, answer: Answer
    ) -> tuple[str, Turn]:
        """Store an answered question as the next turn; returns the conversation's id."""
        for attempt in range(RECORD_ATTEMPTS):  # processes adding to one conversation at once
            try:
                with self.database.session() as session:
                    if conversation_id is None:
                        conversation = ConversationRow(
                            id=uuid.uuid4().hex,
                            user_id=_owner_id(user),
                            collection=collection,
                            title=_title(answer.question),
                        )
                        session.add(conversation)
                        session.flush()
                        number = 1
                    else:
                        conversation = self._row(session, user, conversation_id)
                        last = session.scalar(
                            select(func.max(TurnRow.n)).where(
                                TurnRow.conversation_id == conversation.id
                            )
                        )
                        number = int(last or 0) + 1
                    row = TurnRow(
                        conversation_id=conversation.id,
                        n=number,
                        question=answer.question,
                        answer=answer.answer,
                        refused=answer.refused,
                        citations=[asdict(c) for c in answer.citations],
                        confidence=confidence_of(answer),
                        created_at=now(),
                    )
                    session.add(row)
                    conversation.updated_at = row.created_at
                    session.flush()
                    return conversation.id, _turn(row)
            except DatabaseError as exc:
                if not isinstance(exc.__cause__, IntegrityError) or conversation_id is None:
                    raise
                time.sleep(random.uniform(0, 0.01 * (attempt + 1)))  # then read the new last n
        raise DatabaseError(f"could not add a turn to conversation {conversation_id}: busy")

    def owned_by(self, user: User | None) -> list[ConversationSummary]:
        """The caller's conversations, the most recently updated first."""
        with self.database.session() as session:
            query = select(ConversationRow).order_by(ConversationRow.updated_at.desc())
            rows = session.scalars(query.where(_owned_by(user))).all()
            return [
                ConversationSummary(r.id, r.title, r.collection, utc(r.updated_at)) for r in rows
            ]

    def get(self, user: User | None, conversation_id: str) -> Conversation:
        with self.database.session() as session:
            row = self._row(session, user, conversation_id)
            turns = session.scalars(
                select(TurnRow).where(TurnRow.conversation_id == row.id).order_by(TurnRow.n)
            ).all()
            return Conversation(
                row.id,
                row.title,
                row.collection,
                utc(row.created_at),
                utc(row.updated_at),
                [_turn(t) for t in turns],
            )

    def delete(self, user: User | None, conversation_id: str) -> None:
        with self.database.session() as session:
            row = self._row(session, user, conversation_id)
            session.execute(delete(TurnRow).where(TurnRow.conversation_id == row.id))
            session.delete(row)

    def rate(
        self, user: User | None, conversation_id: str, n: int, rating: int, note: str | None = None
    ) -> Turn:
        """Thumbs up (1) or down (-1) on turn ``n`` (from 1), with an optional note; rating
        again replaces the earlier feedback."""
        if rating not in (1, -1):
            raise InputError("rating must be 1 (thumbs up) or -1 (thumbs down)")
        note = (note or "").strip() or None
        if note is not None and len(note) > NOTE_CHARS:
            raise InputError(f"the note is too long: at most {NOTE_CHARS} characters")
        with self.database.session() as session:
            row = self._row(session, user, conversation_id)
            turn = session.scalar(
                select(TurnRow).where(TurnRow.conversation_id == row.id, TurnRow.n == n)
            )
            if turn is None:
                raise NotFoundError(f"conversation {conversation_id} has no turn {n}")
            turn.rating, turn.note, turn.rated_at = rating, note, now()
            session.flush()
            return _turn(turn)

    def rated_turns(self) -> list[RatedTurn]:
        """Every rated turn of every user, oldest first (for the operator's export)."""
        with self.database.session() as session:
            rows = session.execute(
                select(TurnRow, ConversationRow.collection)
                .join(ConversationRow, ConversationRow.id == TurnRow.conversation_id)
                .where(TurnRow.rating.is_not(None))
                .order_by(TurnRow.created_at, TurnRow.id)
            ).all()
            return [RatedTurn(t.conversation_id, c, _turn(t)) for t, c in rows]

    @staticmethod
    def _row(session: Session, user: User | None, conversation_id: str) -> ConversationRow:
        row = session.get(ConversationRow, conversation_id)
        if row is None or not (
            (user is not None and user.id == OPERATOR_ID) or row.user_id == _owner_id(user)
        ):
            raise NotFoundError(f"no conversation {conversation_id!r}")
        return row


def _owner_id(user: User | None) -> int | None:
    return None if user is None or user.id == OPERATOR_ID else user.id


def _owned_by(user: User | None) -> Any:
    owner = _owner_id(user)
    return ConversationRow.user_id.is_(None) if owner is None else ConversationRow.user_id == owner


def _title(question: str) -> str:
    title = " ".join(question.split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"


def _turn(row: TurnRow) -> Turn:
    feedback = Feedback(row.rating, row.note) if row.rating is not None else None
    return Turn(
        row.n,
        row.question,
        row.answer,
        row.refused,
        list(row.citations or []),
        row.confidence,
        utc(row.created_at),
        feedback,
    )
