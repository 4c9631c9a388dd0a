"""OpenAI's chat format on one side, our answers on the other.

:func:`conversation` turns a message list into the question and the earlier turns (as the
chat keeps them); :func:`completion` and :func:`chunk` write answers as ``chat.completion``
and ``chat.completion.chunk`` objects, with the citations beside the standard fields.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict
from typing import Any

from api.schemas import ChatMessage
from rag.errors import InputError
from rag.models import Answer

ANSWER_ROLES = ("user", "assistant")


def message_text(message: ChatMessage) -> str:
    """The text of a message: its string content, or its text parts joined."""
    content = message.content
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = [str(p.get("text", "")) for p in content if p.get("type") in ("text", "input_text")]
    return "\n".join(parts)


def conversation(messages: list[ChatMessage]) -> tuple[str, list[tuple[str, str]]]:
    """The question (the last user message) and the earlier (question, answer) turns.

    System and tool messages are left out: the answerer's own prompt decides how to answer,
    and text from a client is never an instruction to it.
    """
    if not messages:
        raise InputError("messages is empty: send at least one message with role 'user'")
    turns = [m for m in messages if m.role in ANSWER_ROLES]
    if not turns or turns[-1].role != "user":
        raise InputError("the last message must have role 'user': it is the question to answer")
    question = message_text(turns[-1])
    if not question.strip():
        raise InputError("the last user message is empty; put the question in its content")
    history: list[tuple[str, str]] = []
    pending: str | None = None
    for message in turns[:-1]:
        text = message_text(message)
        if message.role == "user":
            pending = text
        elif pending is not None:
            history.append((pending, text))
            pending = None
    return question, history


def completion_id() -> str:
    return f"chatcmpl-{uuid.uuid4().hex}"


def extras(answer: Answer) -> dict[str, Any]:
    """What we add beside the standard fields: the citations as ``rag ask --json`` gives them."""
    data: dict[str, Any] = {
        "citations": [asdict(c) for c in answer.citations],
        "refused": answer.refused,
        "warnings": list(answer.warnings),
    }
    if answer.rewritten_question:
        data["rewritten_question"] = answer.rewritten_question
    return data


def completion(answer: Answer, model: str) -> dict[str, Any]:
    """A ``chat.completion`` whose message is the answer with its ``[n]`` markers."""
    return {
        "id": completion_id(),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": answer.answer},
                "finish_reason": "stop",
            }
        ],
        **extras(answer),
    }


def chunk(
    cid: str, model: str, delta: dict[str, Any], finish: str | None = None, **more: Any
) -> dict[str, Any]:
    """One ``chat.completion.chunk``; the last one also carries the citations (``more``)."""
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **more,
    }
