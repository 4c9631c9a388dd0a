"""Fixtures for LLM-backed answers: an engine on the seed store talking to the test server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rag.engine import RagEngine
from rag.settings import Settings
from tests.support.openai_server import OpenAIServer

MakeEngine = Callable[..., RagEngine]


def llm_settings(base: Settings, server: OpenAIServer, **overrides: Any) -> Settings:
    update: dict[str, Any] = {
        "llm": "openai-compatible",
        "llm_model": "test-model",
        "llm_base_url": server.base_url,
        "llm_timeout": 2.0,
        "llm_max_retries": 1,
    }
    update.update(overrides)
    return base.model_copy(update=update)


@pytest.fixture
def llm_engine(seed_settings: Settings, openai_server: OpenAIServer) -> MakeEngine:
    """``llm_engine(**setting_overrides)``: a RagEngine on the seeds using the test server."""

    def make(**overrides: Any) -> RagEngine:
        return RagEngine.from_settings(llm_settings(seed_settings, openai_server, **overrides))

    return make


def number_of(engine: RagEngine, question: str, phrase: str) -> int:
    """The prompt number (1-based) of the retrieved passage containing ``phrase``."""
    for n, p in enumerate(engine.retrieve(question), 1):
        if phrase in p.text:
            return n
    raise AssertionError(f"no retrieved passage contains {phrase!r}")
