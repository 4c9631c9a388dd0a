"""REST questions: ``GET /api/v1/status`` and ``POST /api/v1/ask`` (the ``rag ask --json`` object)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import CallerDep, ServicesDep
from api.schemas import AskRequest

router = APIRouter(prefix="/api/v1", tags=["questions"])


@router.get("/status")
def status(services: ServicesDep) -> dict[str, Any]:
    """The answerer and default collection of this server (the models may still be loading
    for the first question); an API key is needed once users exist, unlike ``/health``."""
    return {
        "status": "ok",
        "backend": services.chat.backend(),
        "collection": services.settings.collection,
    }


@router.post("/ask")
def ask(body: AskRequest, services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """Answer one question: ``{"question", "answer", "refused", "backend", "citations",
    "timings_ms", "warnings", ...}`` as ``rag ask --json`` prints it, plus
    ``conversation_id`` and ``turn``. With ``conversation_id`` the question continues that
    conversation (its earlier turns resolve follow-ups; its collection is used); without,
    a new conversation starts."""
    conversation_id, turn, answer = services.conversations.ask(
        caller, body.question, body.conversation_id, body.collection, top_k=body.top_k
    )
    return {**answer.to_json(), "conversation_id": conversation_id, "turn": turn.n}
