"""The LLM judge's wiring. No judge server runs in the test suite, so judged scores themselves
are not tested here: only when a judge is built, and that a failing server leaves the scores
empty instead of ending the run (against a real closed port, not a fake client)."""

from __future__ import annotations

import socket

import pytest

from eval.judge import build_judge
from rag.errors import ConfigError
from rag.settings import load_settings


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


def test_unreachable_judge_leaves_scores_empty() -> None:
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    settings = load_settings(llm="openai-compatible", llm_model="m", llm_base_url=url,
                             llm_max_retries=0, llm_timeout=5)  # fmt: skip
    judge = build_judge(settings)
    assert judge is not None
    got = judge.score("Who?", "Ann [1]", "Ann", ["Ann came."])
    assert got == {"judge_correctness": None, "judge_faithfulness": None}
