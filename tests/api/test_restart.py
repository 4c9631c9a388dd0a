"""A conversation, its feedback and a private collection survive a server restart (the
default SQLite database in the store)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.http import call, upload
from tests.conftest import SEEDS
from tests.support.rag_server import clean_env, ingest, rag_serve

pytestmark = pytest.mark.slow

LIGHTHOUSE = "Who is the keeper of the Zephyr lighthouse?"


def add_user(store: Path, name: str) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-m", "cli", "--store", str(store), "users", "add",
                           name, "--json"], cwd=store.parent, env=clean_env(),
                          capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
    return {"Authorization": f"Bearer {json.loads(done.stdout)['api_key']}"}


def test_conversation_feedback_and_private_collection_survive_a_restart(tmp_path: Path) -> None:
    ingest(tmp_path / "store", SEEDS)
    alice, bob = add_user(tmp_path / "store", "alice"), add_user(tmp_path / "store", "bob")
    with rag_serve(tmp_path) as server:
        made = upload(server.url + "/api/v1/collections/alice-notes/documents",
                      [("zephyr.md", b"The keeper of the Zephyr lighthouse is Orla Quennell.\n")],
                      headers=alice)  # fmt: skip
        assert made.status == 200, made.text
        asked = call("POST", server.url + "/api/v1/ask",
                     {"question": LIGHTHOUSE, "collection": "alice-notes"}, headers=alice)  # fmt: skip
        cid = asked.json()["conversation_id"]
        rated = call("POST", f"{server.url}/api/v1/conversations/{cid}/turns/1/feedback",
                     {"rating": 1, "note": "right"}, headers=alice)  # fmt: skip
        assert rated.status == 200
    assert (tmp_path / "store" / "app.db").is_file()

    with rag_serve(tmp_path) as server:
        got = call("GET", f"{server.url}/api/v1/conversations/{cid}", headers=alice).json()
        (turn,) = got["turns"]
        assert turn["question"] == LIGHTHOUSE and "Orla Quennell" in turn["answer"]
        assert turn["feedback"] == {"rating": 1, "note": "right"}
        assert turn["citations"] and "Orla Quennell" in turn["citations"][0]["text"]
        assert call("GET", f"{server.url}/api/v1/conversations/{cid}", headers=bob).status == 404
        bobs = {m["id"] for m in call("GET", server.url + "/v1/models", headers=bob).json()["data"]}
        assert "alice-notes" not in bobs
        again = call("POST", server.url + "/api/v1/ask",
                     {"question": "Who keeps it?", "conversation_id": cid}, headers=alice).json()  # fmt: skip
        assert again["turn"] == 2 and "Orla Quennell" in again["answer"]
