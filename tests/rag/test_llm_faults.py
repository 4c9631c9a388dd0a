"""Faults of the LLM server: bounded retries, then a clear LLMError; the engine keeps working."""

from __future__ import annotations

import pytest

from eval.bench.server_process import free_port
from rag.answering.base import AnswerDelta
from rag.engine import RagEngine
from rag.errors import LLMError
from rag.models import Answer
from rag.settings import Settings
from tests.rag.conftest import MakeEngine, llm_settings, number_of
from tests.support.openai_server import OpenAIServer, Reply

QUESTION = "What did Meloni say about Italian troops in Ukraine?"
MELONI = "the presence of Italian troops in Ukraine has never been on the agenda"


def good_reply(engine: RagEngine) -> str:
    n = number_of(engine, QUESTION, MELONI)
    return f"Meloni said Italian troops in Ukraine have never been on the agenda [{n}]."


def assert_recovers(engine: RagEngine, server: OpenAIServer) -> None:
    """The same engine answers the next question once the server behaves."""
    server.script(good_reply(engine))
    answer = engine.ask(QUESTION)
    assert not answer.refused and answer.citations and answer.citations[0].supported


@pytest.mark.parametrize(
    ("status", "message"), [(500, "failed with HTTP 500"), (503, "failed with HTTP 503"),
                            (429, "rate-limiting")]
)  # fmt: skip
def test_error_status_is_retried_then_reported(
    llm_engine: MakeEngine, openai_server: OpenAIServer, status: int, message: str
) -> None:
    engine = llm_engine(llm_max_retries=1)
    fast = {"retry-after-ms": "10"}
    openai_server.script(Reply(status=status, headers=fast), Reply(status=status, headers=fast))
    with pytest.raises(LLMError, match=message) as info:
        engine.ask(QUESTION)
    assert "after 2 attempts" in str(info.value)
    assert len(openai_server.chat_requests()) == 2  # one try plus max_retries=1, no more
    assert_recovers(engine, openai_server)


def test_one_transient_error_is_retried_transparently(
    llm_engine: MakeEngine, openai_server: OpenAIServer
) -> None:
    engine = llm_engine(llm_max_retries=2)
    openai_server.script(Reply(status=429, headers={"retry-after-ms": "10"}), good_reply(engine))
    answer = engine.ask(QUESTION)
    assert not answer.refused and answer.citations
    assert len(openai_server.chat_requests()) == 2


def test_slow_server_times_out(llm_engine: MakeEngine, openai_server: OpenAIServer) -> None:
    engine = llm_engine(llm_timeout=0.5, llm_max_retries=1)
    openai_server.script(Reply(delay=5, text="late [1]."), Reply(delay=5, text="late [1]."))
    with pytest.raises(LLMError, match=r"did not answer within 0.5s \(after 2 attempts\)"):
        engine.ask(QUESTION)
    assert len(openai_server.chat_requests()) == 2
    assert_recovers(engine, openai_server)


def test_server_down(seed_settings: Settings, openai_server: OpenAIServer) -> None:
    down = f"http://127.0.0.1:{free_port()}/v1"
    engine = RagEngine.from_settings(llm_settings(seed_settings, openai_server, llm_base_url=down))
    with pytest.raises(LLMError, match="cannot reach the LLM server at " + down):
        engine.ask(QUESTION)
    # The engine itself is fine: retrieval and the extractive path do not depend on the LLM.
    assert engine.retrieve(QUESTION)


def test_stream_broken_mid_way_is_retried_without_repeating_text(
    llm_engine: MakeEngine, openai_server: OpenAIServer
) -> None:
    engine = llm_engine(llm_max_retries=1)
    text = good_reply(engine)
    openai_server.script(Reply(text=text, break_after=12), Reply(text=text))
    events = list(engine.stream(QUESTION))
    answer = events[-1]
    assert isinstance(answer, Answer) and not answer.refused
    streamed = "".join(e.text for e in events if isinstance(e, AnswerDelta))
    assert streamed == answer.answer
    assert (
        answer.answer.startswith("Meloni said Italian troops")
        and answer.answer.count("Meloni") == 1
    )
    assert len(openai_server.chat_requests()) == 2


def test_stream_broken_every_time_gives_a_clear_error(
    llm_engine: MakeEngine, openai_server: OpenAIServer
) -> None:
    engine = llm_engine(llm_max_retries=1)
    text = good_reply(engine)
    openai_server.script(Reply(text=text, break_after=12), Reply(text=text, break_after=10))
    events: list[object] = []
    with pytest.raises(LLMError, match="broke off the answer mid-stream 2 times"):
        for event in engine.stream(QUESTION):
            events.append(event)
    assert not any(isinstance(e, Answer) for e in events)
    assert len(openai_server.chat_requests()) == 2
    assert_recovers(engine, openai_server)


def test_rewrite_failure_is_an_llm_error_too(
    llm_engine: MakeEngine, openai_server: OpenAIServer
) -> None:
    engine = llm_engine(llm_max_retries=0)
    openai_server.script(Reply(status=500))
    with pytest.raises(LLMError, match="HTTP 500"):
        engine.ask("and Meloni?", [("What did Macron say?", "He said no troops [1].")])
