"""The OpenAI-compatible ``/v1`` through real clients: the official ``openai`` package and
LlamaIndex's ``OpenAILike`` (so our server can be the LLM of other tools)."""

from __future__ import annotations

import re
import urllib.request
from typing import Any

import openai
import pytest

from tests.api.http import call
from tests.support.rag_server import RagServer

MACRON = "Who said there will be no European troops on Ukrainian soil in the coming weeks?"
MACRON_QUOTE = "There will be no European troops on Ukrainian soil in the coming weeks"
OFF_TOPIC = "What is the melting point of tungsten in kelvin?"


def client(server: RagServer, **options: Any) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.url + "/v1", api_key="unused", **options)


def markers(text: str) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}


def test_models_are_the_collections(api_server: RagServer) -> None:
    models = client(api_server).models.list()
    collections = call("GET", api_server.url + "/api/v1/collections").json()["collections"]
    assert [m.id for m in models.data] == [c["name"] for c in collections]
    assert "default" in [m.id for m in models.data]
    assert all(m.object == "model" for m in models.data)


def test_chat_completion_answers_with_checkable_citations(api_server: RagServer) -> None:
    done = client(api_server).chat.completions.create(
        model="default", messages=[{"role": "user", "content": MACRON}]
    )
    assert done.object == "chat.completion" and done.choices[0].finish_reason == "stop"
    content = done.choices[0].message.content or ""
    assert "Macron" in content and done.choices[0].message.role == "assistant"
    extra = done.model_extra or {}
    assert extra["refused"] is False
    citations = extra["citations"]
    assert markers(content) and markers(content) <= {c["id"] for c in citations}
    quoted = [c for c in citations if MACRON_QUOTE in c["text"]]
    assert quoted, citations
    cited = quoted[0]
    start = cited["highlight_start"] - cited["start_char"]
    end = cited["highlight_end"] - cited["start_char"]
    assert MACRON_QUOTE in cited["text"][start:end]


def test_streamed_answer_equals_the_plain_one_and_ends_with_citations(
    api_server: RagServer,
) -> None:
    api = client(api_server)
    messages: Any = [{"role": "user", "content": MACRON}]
    plain = api.chat.completions.create(model="default", messages=messages)
    chunks = list(api.chat.completions.create(model="default", messages=messages, stream=True))
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == plain.choices[0].message.content
    last = chunks[-1]
    assert last.choices[0].finish_reason == "stop"
    assert (last.model_extra or {})["citations"] == (plain.model_extra or {})["citations"]
    assert all("citations" not in (c.model_extra or {}) for c in chunks[:-1])


def test_stream_is_server_sent_events_ending_with_done(api_server: RagServer) -> None:
    request = urllib.request.Request(
        api_server.url + "/v1/chat/completions",
        data=b'{"model": "default", "stream": true, '
        b'"messages": [{"role": "user", "content": "What did Meloni say?"}]}',
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.headers["Content-Type"].startswith("text/event-stream")
        body = response.read().decode()
    events = [e for e in body.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]" and '"citations"' in events[-2]


def test_multi_turn_follow_up_is_resolved_from_the_conversation(api_server: RagServer) -> None:
    done = client(api_server).chat.completions.create(
        model="default",
        messages=[
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "What did Macron say about troops?"},
            {"role": "assistant", "content": "He ruled them out for now [1]."},
            {"role": "user", "content": [{"type": "text", "text": "and what did Meloni say?"}]},
        ],
    )
    content = done.choices[0].message.content or ""
    assert "never been on the agenda" in content
    extra = done.model_extra or {}
    assert extra["rewritten_question"] == "What did Meloni say about troops?"  # rag.follow_up


def test_refusal_is_a_normal_completion(api_server: RagServer) -> None:
    done = client(api_server).chat.completions.create(
        model="default", messages=[{"role": "user", "content": OFF_TOPIC}]
    )
    extra = done.model_extra or {}
    assert extra["refused"] is True and extra["citations"] == []
    assert done.choices[0].finish_reason == "stop" and done.choices[0].message.content


def test_unknown_collection_is_not_found(api_server: RagServer) -> None:
    with pytest.raises(openai.NotFoundError) as error:
        client(api_server, max_retries=0).chat.completions.create(
            model="no-such-collection", messages=[{"role": "user", "content": MACRON}]
        )
    assert error.value.status_code == 404
    body: Any = error.value.body
    assert body["code"] == "collection_not_found" and "no-such-collection" in body["message"]


def test_llamaindex_openai_like_uses_our_server_as_its_llm(api_server: RagServer) -> None:
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(model="default", api_base=api_server.url + "/v1", api_key="unused",
                     is_chat_model=True, max_retries=0, timeout=120)  # fmt: skip
    reply = llm.chat([ChatMessage(role="user", content=MACRON)])
    assert "Macron" in (reply.message.content or "")
    streamed = "".join(r.delta or "" for r in llm.stream_chat([ChatMessage(role="user",
                                                                           content=MACRON)]))  # fmt: skip
    assert streamed == reply.message.content
    assert "Macron" in llm.complete(MACRON).text
