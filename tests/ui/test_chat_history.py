"""Conversations in the chat app's callbacks: every answer is stored, a past conversation
opens with its evidence in a new app (a restarted server), feedback sticks, users are apart."""

from __future__ import annotations

from html import unescape
from pathlib import Path

from rag.settings import Settings
from ui.callbacks import ChatApp

QUESTION = "Who said there will be no European troops on Ukrainian soil in the coming weeks?"


def test_a_stored_conversation_reopens_with_evidence_and_feedback_after_a_restart(
    seed_settings: Settings, tmp_path: Path
) -> None:
    settings = seed_settings.replace(database_url=f"sqlite:///{tmp_path / 'app.db'}")
    chat = ChatApp(settings)
    chat.users.add("ann")
    chat.users.add("bob")
    ann, bob = chat.user("ann"), chat.user("bob")
    *_, (transcript, _, _, turns, _, cid, sidebar) = chat.ask(
        QUESTION, [], "default", "s", None, ann
    )
    assert cid and turns[-1].n == 1 and "Macron" in transcript
    assert sidebar["choices"][0][1] == cid and sidebar["value"] == cid
    assert "rag-thumb" in transcript
    *_, (_, _, _, turns, _, same, _) = chat.ask(
        "and what did Meloni say?", turns, "default", "s", cid, ann
    )
    assert same == cid and turns[-1].n == 2
    shown, turns, note = chat.rate(turns, 0, 1, "exactly right", cid, ann)
    assert note == "" and "rag-rated" in shown

    restarted = ChatApp(settings)
    assert [c for c in restarted.sidebar(ann)["choices"]][0][1] == cid
    assert restarted.sidebar(bob)["choices"] == []
    opened, html, evidence, opened_id, collection, _ = restarted.open(cid, ann)
    assert opened_id == cid and collection["value"] == "default"
    assert [t.question for t in opened] == [QUESTION, "and what did Meloni say?"]
    assert opened[0].rating == 1 and opened[0].answer and opened[0].answer.citations
    assert "<mark>" in evidence and "Meloni" in html
    assert "<mark>" in restarted.select_citation(opened, 0, 1)
    stored = restarted.conversations.get(ann, cid).turns[0].feedback
    assert stored is not None and stored.note == "exactly right"

    turns, html, _, none, _, _ = restarted.open(cid, bob)
    assert none is None and "no conversation" in html
    assert restarted.new(ann)[3] is None


def test_the_collection_selector_shows_only_what_the_user_may_read(
    seed_settings: Settings, tmp_path: Path
) -> None:
    settings = seed_settings.replace(database_url=f"sqlite:///{tmp_path / 'app.db'}")
    chat = ChatApp(settings, upload_root=tmp_path / "uploads")
    chat.users.add("ann")
    chat.users.add("bob")
    ann, bob = chat.user("ann"), chat.user("bob")
    notes = tmp_path / "zephyr.md"
    notes.write_text("The keeper of the Zephyr lighthouse is Orla Quennell.\n", encoding="utf-8")
    status, _ = chat.upload([str(notes)], "ann-notes", [], lambda *a, **k: None, ann)
    assert "zephyr.md added" in status
    _, _, ann_choices, _ = chat.documents_view("default", ann)
    _, _, bob_choices, _ = chat.documents_view("default", bob)
    assert "ann-notes" in ann_choices["choices"] and "ann-notes" not in bob_choices["choices"]
    sources, *_ = chat.documents_view("ann-notes", bob)
    assert "no collection named 'ann-notes'" in unescape(sources) and "zephyr" not in sources
    *_, (transcript, *_) = chat.ask("Who is the keeper of the Zephyr lighthouse?", [],
                                    "ann-notes", "s", None, bob)  # fmt: skip
    assert "no collection named 'ann-notes'" in unescape(transcript) and "Orla" not in transcript
