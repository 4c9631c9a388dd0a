"""Backends chosen by name, in one place, built lazily."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rag.errors import ConfigError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

    from rag.answering.base import Answerer
    from rag.settings import Settings


def build_answerer(settings: Settings, embed_model: BaseEmbedding) -> Answerer:
    match settings.llm:
        case "extractive":
            from rag.answering.extractive import ExtractiveAnswerer

            return ExtractiveAnswerer(settings, embed_model)
        case "openai" | "openai-compatible":
            from rag.answering.llm import LLMAnswerer

            return LLMAnswerer(settings, embed_model)
    raise ConfigError(f"unknown LLM backend {settings.llm!r}")
