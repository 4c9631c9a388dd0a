"""The chat callback against the real engine: streaming, follow-ups and every error path."""

from __future__ import annotations

from rag.settings import Settings, load_settings
from service import ChatService
from ui.chat import Turn, history_pairs, respond

QUESTION = "Who said there will be no European troops on Ukrainian soil in the coming weeks?"


def test_answer_streams_then_arrives_with_citations(seed_settings: Settings) -> None:
    chat = ChatService(seed_settings)
    states = [(t[-1].text, t[-1].answer is not None) for t in respond(chat, "", QUESTION, [])]
    assert states[0] == ("", False)  # the question shows before any answer text
    assert any(text and not done for text, done in states)  # partial answer text
    final = list(respond(chat, "", QUESTION, []))[-1][-1]
    assert final.answer is not None and not final.answer.refused
    assert "Macron" in final.answer.answer and final.answer.citations
    assert chat.engine() is chat.engine()  # one engine per process and collection


def test_follow_up_gets_the_earlier_turns(seed_settings: Settings) -> None:
    chat = ChatService(seed_settings)
    turns = list(respond(chat, "", QUESTION, []))[-1]
    turns = list(respond(chat, "", "In which newspaper?", turns))[-1]
    assert len(history_pairs(turns)) == 2
    assert turns[-1].answer is not None and "Figaro" in turns[-1].answer.answer


def test_missing_store_is_a_chat_message(fresh_settings: Settings) -> None:
    last = list(respond(ChatService(fresh_settings), "", QUESTION, []))[-1][-1]
    assert last.answer is None and last.error is not None
    assert "rag ingest" in last.error and "Documents tab" in last.error


def test_bad_input_and_bad_collection_are_chat_messages(seed_settings: Settings) -> None:
    chat = ChatService(seed_settings)
    empty = list(respond(chat, "", "   ", []))[-1][-1]
    assert empty.error is not None and "question is empty" in empty.error
    bad = list(respond(chat, "../etc", QUESTION, []))[-1][-1]
    assert bad.error is not None and "not a valid collection name" in bad.error
    missing = list(respond(chat, "nothing-here", QUESTION, []))[-1][-1]
    assert missing.error is not None and "nothing-here" in missing.error


def test_unavailable_llm_backend_is_a_message_not_a_traceback(seed_settings: Settings) -> None:
    settings = load_settings(
        store=seed_settings.store, llm="openai-compatible", llm_base_url="http://127.0.0.1:9/v1"
    )
    turns: list[Turn] = list(respond(ChatService(settings), "", QUESTION, []))[-1]
    error = turns[-1].error
    assert error is not None and "Traceback" not in error and "File " not in error
