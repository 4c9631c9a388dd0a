"""One ``rag serve`` on the seeds (extractive answers) shared by the API tests, and one whose
LLM is the scripted local OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import SEEDS
from tests.support.openai_server import OpenAIServer
from tests.support.rag_server import RagServer, ingest, rag_serve

# A small upload limit, so that the 413 test sends 1.2 MB rather than 50.
SMALL_LIMIT = {"RAG_MAX_FILE_MB": "1"}


@pytest.fixture(scope="session")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RagServer]:
    """``rag serve`` over the seeds, extractive answers, uploads up to 1 MB."""
    base = tmp_path_factory.mktemp("api-server")
    ingest(base / "store", SEEDS, env=SMALL_LIMIT)
    with rag_serve(base, env=SMALL_LIMIT) as server:
        yield server


@pytest.fixture(scope="session")
def llm_backend() -> Iterator[OpenAIServer]:
    server = OpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def llm_api_server(
    tmp_path_factory: pytest.TempPathFactory, llm_backend: OpenAIServer
) -> Iterator[RagServer]:
    """``rag serve`` answering with ``RAG_LLM=openai-compatible`` through ``llm_backend``
    (no retries, so a backend failure shows at once)."""
    base = tmp_path_factory.mktemp("api-llm-server")
    ingest(base / "store", SEEDS)
    env = {"RAG_LLM": "openai-compatible", "RAG_LLM_MODEL": "test-model",
           "RAG_LLM_BASE_URL": llm_backend.base_url, "RAG_LLM_API_KEY": "sk-test",
           "RAG_LLM_MAX_RETRIES": "0", "RAG_LLM_TIMEOUT": "10"}  # fmt: skip
    with rag_serve(base, env=env) as server:
        yield server


@pytest.fixture
def llm(llm_backend: OpenAIServer) -> Iterator[OpenAIServer]:
    """The scripted LLM backend, emptied before and after each test."""
    llm_backend.reset()
    yield llm_backend
    llm_backend.reset()
