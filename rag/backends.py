"""Backends chosen by name, in one place, built lazily: each is a ``match`` on a setting.

Heavy libraries (torch, llama-index's OpenAI integration) are imported inside the branch that
needs them, so a missing optional package fails with an install hint, and ``rag --help`` or
``rag sources`` do not pay for a model load.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TYPE_CHECKING

from rag.errors import ConfigError

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.llms import LLM

    from rag.answering.base import Answerer, FollowUpRewriter
    from rag.answering.llm_client import ChatModel
    from rag.answering.reader import Reader
    from rag.sentence_vectors import SentenceVectors
    from rag.settings import Settings

log = logging.getLogger(__name__)

# LlamaIndex hands texts to the model in groups of this size; the encoder sorts each group by
# length and runs its own batches of ``settings.embed_batch_size``, so padding stays small.
LLAMA_GROUP = 2048


@lru_cache(maxsize=1)
def guard_llama_index_defaults() -> None:
    """Replace LlamaIndex's global defaults (OpenAI models) with inert ones, once per process.

    Every part of this project passes its models explicitly; anything that would fall back to
    the globals gets a mock instead of a network call to OpenAI.
    """
    # deferred for start-up time: llama_index only where needed
    from llama_index.core import MockEmbedding
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.llms import MockLLM

    LlamaSettings.llm = MockLLM()
    LlamaSettings.embed_model = MockEmbedding(embed_dim=384)


def build_embedding(settings: Settings) -> BaseEmbedding:
    """The embedding model for these settings, loaded once per process (cached by its
    parameters: engines of several collections share one model and one vector cache)."""
    # deferred for start-up time: modules that pull in heavy libraries
    from rag.embedding import precision

    return _load_embedding(settings.embedding, settings.embed_batch_size, precision(settings))


@lru_cache(maxsize=4)
def _load_embedding(name: str, batch_size: int, precision: str) -> BaseEmbedding:
    guard_llama_index_defaults()
    match name:
        case "local-minilm":
            # deferred for start-up time: modules that pull in heavy libraries
            from rag.embedding import local_minilm_path
            from rag.encoder import MiniLMEmbedding  # torch: deferred for start-up time

            path = local_minilm_path()
            log.info("loading embedding model from %s (%s)", path, precision)
            return MiniLMEmbedding.load(
                path, batch_size=batch_size, group=LLAMA_GROUP, bfloat16=precision == "bfloat16"
            )
    raise ConfigError(f"unknown embedding backend {name!r}; use 'local-minilm'")


def build_reader(settings: Settings) -> Reader | None:
    """The reading model of the extractive answerer; None when turned off or not installed
    (then the selection model alone picks the sentence, and a warning says how to install)."""
    if not settings.reader:
        return None
    # deferred for start-up time: torch
    from rag.answering.reader import load_reader, reader_path
    from rag.embedding import precision

    try:
        folder = reader_path(settings.reader_path)
        return load_reader(folder, precision(settings) == "bfloat16")
    except ConfigError as exc:
        log.warning("%s; answering without it", exc)
        return None


def build_chat_model(settings: Settings) -> ChatModel:
    """The chat LLM (answering, rewriting follow-ups) for ``openai`` / ``openai-compatible``."""
    match settings.llm:
        case "openai" | "openai-compatible":
            try:
                # deferred for start-up time: modules that pull in heavy libraries
                from rag.answering.llm_client import ChatModel
            except ImportError as exc:
                raise ConfigError(
                    f"the LLM backend needs llama-index-llms-openai-like: pip install "
                    f"llama-index-llms-openai-like ({exc})"
                ) from None
            return ChatModel(settings)
    raise ConfigError(f"RAG_LLM={settings.llm} has no chat model; use openai or openai-compatible")


def build_answerer(
    settings: Settings, embed_model: BaseEmbedding, sentence_vectors: SentenceVectors | None = None
) -> Answerer:
    """The configured answerer; the extractive one reads its units' vectors from
    ``sentence_vectors`` (stored at ingest) when given."""
    match settings.llm:
        case "extractive":
            # deferred for start-up time: modules that pull in heavy libraries
            from rag.answering.extractive import ExtractiveAnswerer

            return ExtractiveAnswerer(
                settings, embed_model, sentence_vectors=sentence_vectors,
                reader=build_reader(settings),
            )  # fmt: skip
        case "openai" | "openai-compatible":
            # deferred for start-up time: modules that pull in heavy libraries
            from rag.answering.llm import LLMAnswerer

            return LLMAnswerer(settings, embed_model, build_chat_model(settings))
    raise ConfigError(f"unknown LLM backend {settings.llm!r}")


def build_rewriter(settings: Settings, answerer: Answerer) -> FollowUpRewriter:
    """What turns a follow-up into a stand-alone question: the chat model when there is one
    (the answerer's own), rules from the question's words otherwise."""
    # deferred for start-up time: modules that pull in heavy libraries
    from rag.answering.rewrite import LLMRewriter, RuleRewriter

    match settings.llm:
        case "extractive":
            return RuleRewriter()
        case "openai" | "openai-compatible":
            chat = getattr(answerer, "chat", None)
            return LLMRewriter(chat if chat is not None else build_chat_model(settings))
    raise ConfigError(f"unknown LLM backend {settings.llm!r}")


def build_judge_llm(settings: Settings) -> tuple[str, LLM] | None:
    """``(model, llm)`` grading answers in ``rag eval``: the chat model built as for answering
    (same client, retries and error messages), with ``judge_model`` / ``judge_base_url``
    in place of the answerer's where set. None for the extractive answerer without a judge."""
    model = settings.judge_model or (settings.llm_model if settings.llm != "extractive" else None)
    if not model:
        if settings.llm == "extractive":
            return None
        raise ConfigError(
            "the judge needs a model: set --judge-model, RAG_JUDGE_MODEL or RAG_LLM_MODEL"
        )
    base_url = settings.judge_base_url or settings.llm_base_url
    judge = settings.replace(
        llm="openai-compatible" if base_url else "openai",
        llm_model=model,
        llm_base_url=base_url,
        llm_temperature=0.0,
    )
    return model, build_chat_model(judge).llm
