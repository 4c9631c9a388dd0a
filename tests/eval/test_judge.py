"""The LLM judge: when one is built, the scores it reads back from a judge served over real
HTTP by the local OpenAI-compatible test server, and that a failing server leaves the scores
empty instead of ending the run (against a real closed port, not a fake client)."""

from __future__ import annotations

import socket

import pytest

from eval.judge import build_judge
from rag.errors import ConfigError
from rag.settings import load_settings
from tests.support.openai_server import OpenAIServer, Reply


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_judge_for_the_extractive_answerer() -> None:
    assert build_judge(load_settings(llm="extractive")) is None


def test_judge_needs_a_model() -> None:
    with pytest.raises(ConfigError, match="judge"):
        build_judge(load_settings(llm="openai-compatible", llm_base_url="http://127.0.0.1:1"))


def test_judge_model_and_server_are_separate_from_the_answerer() -> None:
    settings = load_settings(llm="openai-compatible", llm_model="answerer-model",
                             llm_base_url="http://127.0.0.1:1/v1")  # fmt: skip
    judge = build_judge(settings, "judge-model", "http://127.0.0.1:2/v1")
    assert judge is not None and judge.model == "judge-model"
    assert judge.llm.model == "judge-model"
    assert judge.llm.api_base == "http://127.0.0.1:2/v1"
    fallback = build_judge(settings)
    assert fallback is not None and fallback.model == "answerer-model"


def test_judge_model_and_server_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """RAG_JUDGE_MODEL / RAG_JUDGE_BASE_URL are settings; an override (--judge-model) wins."""
    monkeypatch.setenv("RAG_JUDGE_MODEL", "judge-from-env")
    monkeypatch.setenv("RAG_JUDGE_BASE_URL", "http://127.0.0.1:3/v1")
    settings = load_settings(llm="openai-compatible", llm_model="answerer-model",
                             llm_base_url="http://127.0.0.1:1/v1")  # fmt: skip
    assert (settings.judge_model, settings.judge_base_url) == (
        "judge-from-env", "http://127.0.0.1:3/v1"
    )  # fmt: skip
    judge = build_judge(settings)
    assert judge is not None and judge.model == "judge-from-env"
    assert judge.llm.api_base == "http://127.0.0.1:3/v1"
    judge = build_judge(load_settings(judge_model="judge-from-cli"))  # extractive answerer
    assert judge is not None and judge.model == "judge-from-cli"


def test_unreachable_judge_leaves_scores_empty() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    settings = load_settings(llm="openai-compatible", llm_model="m", llm_base_url=url,
                             llm_max_retries=0, llm_timeout=5)  # fmt: skip
    judge = build_judge(settings)
    assert judge is not None
    got = judge.score("Who?", "Ann [1]", "Ann", ["Ann came."])
    assert got == {"judge_correctness": None, "judge_faithfulness": None}


def test_judge_scores_come_from_the_judge_server(openai_server: OpenAIServer) -> None:
    settings = load_settings(llm="openai-compatible", llm_model="answerer",
                             llm_base_url="http://127.0.0.1:1/v1", llm_max_retries=0,
                             llm_timeout=5)  # fmt: skip
    judge = build_judge(settings, "judge-model", openai_server.base_url)
    assert judge is not None
    openai_server.script("4.5\nThe answer names Ann, as the reference does.", "YES")
    got = judge.score("Who came?", "Ann came [1].", "Ann came.", ["Ann came on Monday."])
    assert got == {"judge_correctness": 4.5, "judge_faithfulness": 1.0}
    correctness, faithfulness = openai_server.chat_requests()
    assert correctness.body["model"] == "judge-model"
    assert "Ann came." in correctness.content("user")  # the reference answer is shown
    assert "Ann came on Monday." in faithfulness.content("user")  # and the context

    openai_server.script("1.0\nWrong person.", "NO")
    got = judge.score("Who came?", "Bob came [1].", "Ann came.", ["Ann came on Monday."])
    assert got == {"judge_correctness": 1.0, "judge_faithfulness": 0.0}

    openai_server.script(Reply(status=500), Reply(status=500))
    got = judge.score("Who came?", "Ann [1]", "Ann came.", ["Ann came on Monday."])
    assert got == {"judge_correctness": None, "judge_faithfulness": None}
