"""Conversations on SQLite and PostgreSQL: turns keep their evidence and order, belong to
their asker, take feedback, and continue from another process."""

from __future__ import annotations

import threading
from datetime import UTC

import pytest

from rag.errors import InputError, NotFoundError
from rag.models import Answer, Citation
from rag.settings import Settings
from service import ChatService, ConversationService, Database, User, UsersService
from service.conversations import Feedback, confidence_of


def answer(question: str, text: str = "It says so [1].", support: float = 0.8) -> Answer:
    cite = Citation(1, "/docs/a.txt", "It says so, plainly.", 0.5, 10, 30, 2,
                    chunk_id="c1", support_score=support, highlight_start=10, highlight_end=30)  # fmt: skip
    return Answer(question, text, False, "extractive", [cite])


@pytest.fixture
def people(database: Database) -> dict[str, User]:
    users = UsersService(database)
    users.add("alice")
    users.add("bob")
    return {u.name: u for u in users.all()}


@pytest.fixture
def conversations(database: Database, fresh_settings: Settings) -> ConversationService:
    return ConversationService(database, ChatService(fresh_settings))


def test_turns_are_kept_in_order_with_their_citations(
    conversations: ConversationService, people: dict[str, User]
) -> None:
    alice = people["alice"]
    cid, first = conversations.record(alice, None, "default", answer("What does it say?"))
    _, second = conversations.record(alice, cid, "default", answer("And then?", support=0.6))
    assert (first.n, second.n) == (1, 2)
    got = conversations.get(alice, cid)
    assert got.title == "What does it say?" and got.collection == "default"
    assert [t.question for t in got.turns] == ["What does it say?", "And then?"]
    cited = got.turns[0].citations[0]
    assert (cited["source"], cited["text"], cited["page"]) == (
        "/docs/a.txt",
        "It says so, plainly.",
        2,
    )
    assert (cited["highlight_start"], cited["highlight_end"]) == (10, 30)
    assert got.turns[1].confidence == 0.6
    assert got.turns[0].created_at.tzinfo == UTC
    data = got.to_json()
    assert set(data) >= {"id", "title", "turns"}
    assert set(data["turns"][0]) >= {"question", "answer", "citations", "confidence", "created_at"}
    assert "feedback" not in data["turns"][0]


def test_the_list_is_the_callers_newest_first(
    conversations: ConversationService, people: dict[str, User]
) -> None:
    alice, bob = people["alice"], people["bob"]
    old, _ = conversations.record(alice, None, "default", answer("first?"))
    new, _ = conversations.record(alice, None, "default", answer("second?"))
    conversations.record(bob, None, "default", answer("bob's?"))
    assert [c.id for c in conversations.owned_by(alice)] == [new, old]
    conversations.record(alice, old, "default", answer("more?"))
    assert [c.id for c in conversations.owned_by(alice)] == [old, new]
    assert [c.title for c in conversations.owned_by(bob)] == ["bob's?"]
    assert conversations.owned_by(None) == []


def test_another_users_conversation_is_not_found(
    conversations: ConversationService, people: dict[str, User]
) -> None:
    alice, bob = people["alice"], people["bob"]
    cid, _ = conversations.record(alice, None, "default", answer("private?"))
    for attempt in (
        lambda: conversations.get(bob, cid),
        lambda: conversations.get(None, cid),
        lambda: conversations.delete(bob, cid),
        lambda: conversations.rate(bob, cid, 1, 1),
        lambda: conversations.record(bob, cid, "default", answer("mine now?")),
        lambda: conversations.get(alice, "no-such-id"),
    ):
        with pytest.raises(NotFoundError, match="no conversation"):
            attempt()
    assert len(conversations.get(alice, cid).turns) == 1


def test_feedback_on_a_turn_replaces_earlier_feedback(
    conversations: ConversationService, people: dict[str, User]
) -> None:
    alice = people["alice"]
    cid, _ = conversations.record(alice, None, "default", answer("q1?"))
    conversations.record(alice, cid, "default", answer("q2?"))
    conversations.rate(alice, cid, 2, -1, "  wrong year  ")
    assert conversations.get(alice, cid).turns[1].feedback == Feedback(-1, "wrong year")
    conversations.rate(alice, cid, 2, 1)
    turns = conversations.get(alice, cid).turns
    assert turns[0].feedback is None and turns[1].feedback == Feedback(1, None)
    assert [(r.conversation_id, r.turn.n) for r in conversations.rated_turns()] == [(cid, 2)]
    with pytest.raises(NotFoundError, match="no turn 3"):
        conversations.rate(alice, cid, 3, 1)
    with pytest.raises(InputError, match="rating must be 1"):
        conversations.rate(alice, cid, 1, 5)
    with pytest.raises(InputError, match="too long"):
        conversations.rate(alice, cid, 1, 1, "x" * 5000)


def test_delete_removes_the_conversation_and_its_turns(
    conversations: ConversationService, people: dict[str, User]
) -> None:
    alice = people["alice"]
    cid, _ = conversations.record(alice, None, "default", answer("q?"))
    conversations.rate(alice, cid, 1, 1)
    conversations.delete(alice, cid)
    assert conversations.owned_by(alice) == [] and conversations.rated_turns() == []
    with pytest.raises(NotFoundError):
        conversations.get(alice, cid)


def test_removing_a_user_removes_their_conversations(
    conversations: ConversationService, people: dict[str, User], database: Database
) -> None:
    cid, _ = conversations.record(people["alice"], None, "default", answer("q?"))
    UsersService(database).remove("alice")
    with pytest.raises(NotFoundError):
        conversations.get(people["alice"], cid)


def test_turns_added_at_once_from_two_processes_get_distinct_numbers(
    database: Database, fresh_settings: Settings, people: dict[str, User]
) -> None:
    """Two services on two engines (as two server processes) add to one conversation."""
    alice = people["alice"]
    one = ConversationService(database, ChatService(fresh_settings))
    two = ConversationService(Database(database.url), ChatService(fresh_settings))
    cid, _ = one.record(alice, None, "default", answer("start?"))
    errors: list[Exception] = []

    def add(service: ConversationService, tag: str) -> None:
        try:
            for i in range(5):
                service.record(alice, cid, "default", answer(f"{tag}{i}?"))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(s, t)) for s, t in ((one, "a"), (two, "b"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    turns = two.get(alice, cid).turns
    assert [t.n for t in turns] == list(range(1, 12))


def test_confidence_is_the_weakest_citation_and_none_for_refusals() -> None:
    a = answer("q?")
    a.citations.append(Citation(2, "/b", "x", 0.1, 0, 1, None, support_score=0.55))
    assert confidence_of(a) == 0.55
    assert confidence_of(Answer("q?", "I can't find that.", True, "extractive")) is None


def test_asking_in_a_conversation_uses_its_stored_turns_as_history(
    database: Database, seed_settings: Settings, people: dict[str, User]
) -> None:
    """A real engine on the seeds. The follow-up is asked through another service on its own
    connection (as another server process): its history comes from the database."""
    alice = people["alice"]
    here = ConversationService(database, ChatService(seed_settings))
    there = ConversationService(Database(database.url), ChatService(seed_settings))
    cid, turn, first = here.ask(alice, "What did Macron say about troops?")
    assert not first.refused and turn.citations
    assert turn.citations[0]["text"] == first.citations[0].text
    cid2, turn2, follow = there.ask(alice, "and what did Meloni say?", cid)
    assert cid2 == cid and turn2.n == 2
    assert follow.rewritten_question and "troops" in follow.rewritten_question  # from the db
    assert "Meloni" in follow.answer
    assert [t.question for t in here.get(alice, cid).turns][-1] == "and what did Meloni say?"
    with pytest.raises(NotFoundError):
        there.ask(people["bob"], "and Macron?", cid)
