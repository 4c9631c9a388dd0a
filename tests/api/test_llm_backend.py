"""With ``RAG_LLM=openai-compatible`` the configured LLM writes the answers behind ``/v1``; when
that LLM fails (after retries) the API answers 503 with a JSON error, plain or streamed."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from tests.api.http import call
from tests.support.openai_server import OpenAIServer, Reply
from tests.support.rag_server import RagServer

MACRON = "Who said there will be no European troops on Ukrainian soil in the coming weeks?"
QUOTE = "There will be no European troops on Ukrainian soil in the coming weeks"


@pytest.fixture(scope="module")
def n(llm_api_server: RagServer) -> int:
    """The prompt number of the passage with Macron's words (retrieval on the server's store)."""
    from rag.engine import RagEngine
    from rag.settings import load_settings
    from tests.rag.conftest import number_of

    engine = RagEngine.from_settings(load_settings(store=llm_api_server.store))
    return number_of(engine, MACRON, QUOTE)


def llm_answer(n: int) -> str:
    """An answer citing passage ``n`` early, so that the rest of it streams in pieces."""
    return (
        f"Macron [{n}] said there will be no European troops on Ukrainian soil in the coming weeks."
    )


LLM_ANSWER = llm_answer(1)  # as shown: citations are renumbered from 1 in order of use


def client(server: RagServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key="unused", max_retries=0)


def test_the_configured_llm_writes_the_answer(
    llm_api_server: RagServer, llm: OpenAIServer, n: int
) -> None:
    llm.script(llm_answer(n))
    done = client(llm_api_server).chat.completions.create(
        model="default", messages=[{"role": "user", "content": MACRON}]
    )
    assert done.choices[0].message.content == LLM_ANSWER
    extra = done.model_extra or {}
    assert extra["refused"] is False and [c["id"] for c in extra["citations"]] == [1]
    cited = extra["citations"][0]
    assert cited["supported"] is True and QUOTE in cited["text"]
    (sent,) = llm.chat_requests()
    assert MACRON in sent.content("user")  # the question went to the LLM with the passages


def test_streamed_llm_answer(llm_api_server: RagServer, llm: OpenAIServer, n: int) -> None:
    llm.script(llm_answer(n))
    chunks = list(client(llm_api_server).chat.completions.create(
        model="default", messages=[{"role": "user", "content": MACRON}], stream=True))  # fmt: skip
    # Each sentence passes as soon as a passage is found to support it (rag.answering.gate):
    # a one-sentence answer is the role chunk, the sentence, and the closing chunk.
    assert len(chunks) >= 3
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == LLM_ANSWER
    assert [c["id"] for c in (chunks[-1].model_extra or {})["citations"]] == [1]


def test_follow_up_is_rewritten_by_the_llm_from_the_earlier_turns(
    llm_api_server: RagServer, llm: OpenAIServer
) -> None:
    llm.script("What did Meloni say about Italian troops in Ukraine?",
               "Meloni said it has never been on the agenda [1].")  # fmt: skip
    done = client(llm_api_server).chat.completions.create(
        model="default",
        messages=[
            {"role": "user", "content": "What did Macron say about troops?"},
            {"role": "assistant", "content": "No European troops in the coming weeks [1]."},
            {"role": "user", "content": "And Meloni?"},
        ],
    )
    assert (done.model_extra or {})["rewritten_question"].startswith("What did Meloni say")
    rewrite, answer = llm.chat_requests()
    assert "What did Macron say about troops?" in str(rewrite.messages)
    assert "No European troops in the coming weeks" in str(rewrite.messages)
    assert done.choices[0].message.content == "Meloni said it has never been on the agenda [1]."


@pytest.mark.parametrize("stream", [False, True])
def test_llm_down_is_503(llm_api_server: RagServer, llm: OpenAIServer, stream: bool) -> None:
    llm.script(Reply(status=500, text="model crashed"))
    body: dict[str, Any] = {"model": "default", "stream": stream,
                            "messages": [{"role": "user", "content": MACRON}]}  # fmt: skip
    response = call("POST", llm_api_server.url + "/v1/chat/completions", body)
    assert response.status == 503, response.text
    error = response.error()
    assert error["code"] == "llm_unavailable" and error["type"] == "service_unavailable_error"
    assert response.headers.get("retry-after")
    llm.script(Reply(status=500, text="model crashed"))
    ask = call("POST", llm_api_server.url + "/api/v1/ask", {"question": MACRON})
    assert ask.status == 503 and ask.error()["code"] == "llm_unavailable"


def test_openai_client_sees_503_and_the_server_keeps_serving(
    llm_api_server: RagServer, llm: OpenAIServer, n: int
) -> None:
    llm.script(Reply(status=500))
    with pytest.raises(openai.InternalServerError) as error:
        client(llm_api_server).chat.completions.create(
            model="default", messages=[{"role": "user", "content": MACRON}]
        )
    assert error.value.status_code == 503
    llm.script(llm_answer(n))
    done = client(llm_api_server).chat.completions.create(
        model="default", messages=[{"role": "user", "content": MACRON}]
    )
    assert done.choices[0].message.content == LLM_ANSWER
