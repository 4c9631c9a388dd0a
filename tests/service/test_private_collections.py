"""Private collections through the service tier: an upload makes its creator the owner, and
no other user can list, read, change or ask it until it is shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import InputError, NotFoundError
from rag.settings import Settings
from service import build_services


def test_an_uploaded_collection_is_private_to_its_creator(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    services = build_services(fresh_settings, upload_root=tmp_path / "uploads")
    for name in ("alice", "bob"):
        services.users.add(name)
    services.users.add("root", admin=True)
    people = {u.name: u for u in services.users.all()}
    alice, bob, root = people["alice"], people["bob"], people["root"]
    notes = tmp_path / "zephyr.md"
    notes.write_text("The keeper of the Zephyr lighthouse is Orla Quennell.\n", encoding="utf-8")

    result = services.library.ingest_uploads([notes], "alice-notes", user=alice)
    assert result.changed
    assert "alice-notes" in services.library.collections(alice)
    assert "alice-notes" not in services.library.collections(bob)
    assert "alice-notes" in services.library.collections(root)
    assert [d.chunks for d in services.library.documents("alice-notes", user=alice)] == [1]
    with pytest.raises(NotFoundError, match="no collection named 'alice-notes'"):
        services.library.documents("alice-notes", user=bob)
    with pytest.raises(NotFoundError):
        services.library.ingest_uploads([notes], "alice-notes", user=bob)
    source = services.library.documents("alice-notes", user=alice)[0].source
    with pytest.raises(NotFoundError):
        services.library.remove_source(source, "alice-notes", user=bob)
    question = "Who is the keeper of the Zephyr lighthouse?"
    with pytest.raises(NotFoundError):
        services.conversations.ask(bob, question, collection="alice-notes")
    _, turn, answer = services.conversations.ask(alice, question, collection="alice-notes")
    assert "Orla Quennell" in answer.answer and turn.citations

    services.access.share("alice-notes", with_user="bob")
    assert "alice-notes" in services.library.collections(bob)
    _, _, answer = services.conversations.ask(bob, question, collection="alice-notes")
    assert "Orla Quennell" in answer.answer
    with pytest.raises(InputError, match="read-only"):
        services.library.remove_source(source, "alice-notes", user=bob)
    assert services.library.remove_source(source, "alice-notes", user=alice) == 1
