"""The OpenAI-compatible API: ``GET /v1/models`` (the collections) and
``POST /v1/chat/completions`` (answers with citations, plain or streamed)."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api.deps import CallerDep, ServicesDep
from api.errors import error_body, rag_error_body
from api.openai_format import chunk, completion, completion_id, conversation, extras
from api.schemas import ChatCompletionRequest
from rag.answering.base import AnswerDelta
from rag.errors import RagError
from rag.models import Answer

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["OpenAI-compatible"])

Event = AnswerDelta | Answer


@router.get("/models")
def list_models(services: ServicesDep, caller: CallerDep) -> dict[str, Any]:
    """One model per collection the caller may read: its name is what ``model`` takes in a
    chat completion."""
    return {
        "object": "list",
        "data": [
            {"id": name, "object": "model", "created": 0, "owned_by": "rag-chat"}
            for name in services.library.collections(caller)
        ],
    }


@router.post("/chat/completions", response_model=None)
def chat_completions(
    body: ChatCompletionRequest, services: ServicesDep, caller: CallerDep
) -> dict[str, Any] | StreamingResponse:
    """Answer the last user message from the collection named by ``model``.

    Earlier messages are the conversation (follow-ups are resolved as in the chat). The
    answer's ``[n]`` markers point into the top-level ``citations``; a refusal is a normal
    completion with ``refused: true``. With ``stream: true``, server-sent
    ``chat.completion.chunk`` events end with ``data: [DONE]``; the last chunk carries the
    citations.
    """
    question, history = conversation(body.messages)
    services.access.check_read(caller, services.settings.for_collection(body.model).collection)
    if not body.stream:
        return completion(services.chat.ask(question, body.model, history), body.model)
    events = services.chat.stream(question, body.model, history)
    # The first event before the response starts: an error up to here (unknown collection,
    # LLM down after retries) is still a status code, not an event inside a 200 stream.
    first = next(events)
    return StreamingResponse(
        sse(itertools.chain([first], events), body.model),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def sse(events: Iterator[Event], model: str) -> Iterator[str]:
    """Server-sent events of an answer being written; an error mid-way becomes an error event."""
    cid = completion_id()
    yield _data(chunk(cid, model, {"role": "assistant", "content": ""}))
    try:
        final: Answer | None = None
        for event in events:
            if isinstance(event, Answer):
                final = event
            elif event.text:
                yield _data(chunk(cid, model, {"content": event.text}))
        if final is None:
            raise RagError("the answerer stopped without an answer; please try again")
        yield _data(chunk(cid, model, {}, "stop", **extras(final)))
    except RagError as exc:
        yield _data(rag_error_body(exc)[1])
    except Exception:
        log.exception("streaming an answer failed")
        yield _data(error_body("the answer failed on the server; its log has the details",
                               "server_error", "internal_error"))  # fmt: skip
    yield "data: [DONE]\n\n"


def _data(payload: dict[str, Any]) -> str:
    return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"
