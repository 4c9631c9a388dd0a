from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import InputError
from rag.settings import Settings, load_settings
from ui.app import build_app, launch_options, public_settings


def test_binds_loopback_by_default_and_parses_auth(fresh_settings: Settings) -> None:
    options = launch_options(fresh_settings)
    assert options["server_name"] == "127.0.0.1" and options["auth"] is None
    assert launch_options(fresh_settings, "ann:s3cret:x")["auth"] == ("ann", "s3cret:x")
    for bad in ("ann", "ann:", ":pw"):
        with pytest.raises(InputError):
            launch_options(fresh_settings, bad)


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
