"""Request bodies of the API (validated by FastAPI; a bad one is a 400 JSON error)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ChatMessage(BaseModel):
    """One message of an OpenAI chat request. ``content`` is text or a list of parts
    (``{"type": "text", "text": ...}``); other fields (name, tool calls) are ignored."""

    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionRequest(BaseModel):
    """OpenAI's chat completion request. ``model`` names the collection to ask; sampling
    options (temperature, max_tokens, ...) are accepted and ignored: the configured
    answerer decides how answers are written."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {
                    "model": "default",
                    "messages": [{"role": "user", "content": "What did Meloni say?"}],
                }
            ]
        },
    )

    model: str = Field(description="a collection name (GET /v1/models lists them)")
    messages: list[ChatMessage] = Field(description="the conversation; the last one the question")
    stream: bool = False


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str
    collection: str | None = Field(default=None, description="default: the configured one")
    top_k: int | None = Field(default=None, ge=1, le=100, description="passages to retrieve")
    conversation_id: str | None = Field(
        default=None, description="continue this conversation (default: start a new one)"
    )


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rating: Literal[1, -1] = Field(description="1 thumbs up, -1 thumbs down")
    note: str | None = Field(default=None, max_length=4000, description="what was right or wrong")
