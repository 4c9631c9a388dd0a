"""REST for conversations: the caller's list, one with its turns, delete, feedback on a turn.

Another user's conversation is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CallerDep, ServicesDep
from api.schemas import FeedbackRequest

router = APIRouter(prefix="/api/v1/conversations", tags=["conversations"])


@router.get("")
def list_conversations(services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """The caller's conversations, the most recently updated first: ``id, title, updated``."""
    return {"conversations": [c.to_json() for c in services.conversations.owned_by(caller)]}


@router.get("/{conversation_id}")
def get_conversation(
    conversation_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """``{"id", "title", "turns": [{"question", "answer", "citations", "confidence"?,
    "created_at", "feedback"?}]}``; turns are numbered from 1 (``n``)."""
    return services.conversations.get(caller, conversation_id).to_json()


@router.delete("/{conversation_id}")
def delete_conversation(
    conversation_id: str, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    services.conversations.delete(caller, conversation_id)
    return {"id": conversation_id, "deleted": True}


@router.post("/{conversation_id}/turns/{n}/feedback")
def give_feedback(
    conversation_id: str, n: int, body: FeedbackRequest, services: ServicesDep, caller: CallerDep
) -> dict[str, Any]:
    """Thumbs up (1) or down (-1) on turn ``n`` with an optional note; again replaces it."""
    turn = services.conversations.rate(caller, conversation_id, n, body.rating, body.note)
    return {"conversation_id": conversation_id, **turn.to_json()}
