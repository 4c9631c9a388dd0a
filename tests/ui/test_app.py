from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import ConfigError
from rag.settings import Settings, load_settings
from ui.app import build_app, launch_options
from ui.callbacks import ChatApp, public_settings


def test_binds_loopback_by_default_and_asks_for_a_login_once_users_exist(
    fresh_settings: Settings,
) -> None:
    chat = ChatApp(fresh_settings)
    options = launch_options(fresh_settings, chat)
    assert options["server_name"] == "127.0.0.1" and options["auth"] is None
    password = chat.users.add("ann").password or ""
    login = launch_options(fresh_settings, chat)["auth"]
    assert login("ann", password) and not login("ann", "wrong") and not login("bob", password)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.org"])
def test_without_users_it_refuses_to_listen_beyond_this_machine(
    fresh_settings: Settings, host: str
) -> None:
    settings = fresh_settings.replace(host=host)
    chat = ChatApp(settings)
    with pytest.raises(ConfigError, match="rag users add NAME"):
        launch_options(settings, chat)
    chat.users.add("ann")
    assert launch_options(settings, chat)["server_name"] == host


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_without_users_this_machine_is_fine(fresh_settings: Settings, host: str) -> None:
    settings = fresh_settings.replace(host=host)
    assert launch_options(settings, ChatApp(settings))["auth"] is None


def test_settings_view_has_no_secrets(tmp_path: Path) -> None:
    settings = load_settings(store=tmp_path, llm_api_key="sk-very-secret",
                             llm_base_url="http://bob:hunter2@llm.local:8080/v1")  # fmt: skip
    view = public_settings(settings)
    assert "sk-very-secret" not in str(view) and "hunter2" not in str(view)
    assert view["llm_api_key_set"] is True
    assert view["llm_base_url"] == "http://***@llm.local:8080/v1"


def test_app_builds_without_a_store(fresh_settings: Settings) -> None:
    app = build_app(fresh_settings)
    ids = {getattr(b, "elem_id", None) for b in app.blocks.values()}
    assert {"rag-transcript", "rag-evidence", "rag-upload", "rag-export"} <= ids


def test_upload_into_a_new_collection_is_answered_there_only(
    seed_settings: Settings, tmp_path: Path
) -> None:
    chat = ChatApp(seed_settings, upload_root=tmp_path / "uploads")
    notes = tmp_path / "zephyr.md"
    notes.write_text("The keeper of the Zephyr lighthouse is Orla Quennell.\n", encoding="utf-8")

    status, turns = chat.upload([str(notes)], "notes-2", [], lambda *a, **k: None)
    assert "zephyr.md added" in status and turns[-1].note is not None
    sources, _, choices, settings_line = chat.documents_view("notes-2")
    assert "zephyr.md" in sources and "notes-2" in settings_line
    assert {"default", "notes-2"} <= {
        c[0] if isinstance(c, tuple) else c for c in choices["choices"]
    }

    *_, (transcript, _, evidence, turns, export, _, _) = chat.ask(
        "Who is the keeper of the Zephyr lighthouse?", turns, "notes-2", "s1"
    )
    assert "Orla Quennell" in transcript and "<mark>" in evidence and "zephyr.md" in evidence
    assert Path(export).read_text(encoding="utf-8").count("## Q") == 1
    assert "Orla" not in list(chat.ask("Who is the keeper of the Zephyr lighthouse?", [],
                                       "default", "s2"))[-1][0]  # fmt: skip

    source = str((tmp_path / "uploads" / "notes-2" / "zephyr.md").resolve())
    status, turns = chat.remove(source, "notes-2", turns)
    assert "Removed zephyr.md" in status
    *_, (transcript, *_) = chat.ask(
        "Who is the keeper of the Zephyr lighthouse?", [], "notes-2", "s1"
    )
    assert "Orla" not in transcript


def test_upload_to_an_invalid_collection_is_reported_in_page_and_chat(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    notes = tmp_path / "a.txt"
    notes.write_text("text", encoding="utf-8")
    status, turns = ChatApp(fresh_settings).upload([str(notes)], "../x", [], lambda *a, **k: None)
    assert "not a valid collection name" in status
    assert turns[-1].note is not None and "not a valid collection name" in turns[-1].note
