"""Two ``rag serve`` processes behind one PostgreSQL and one Chroma server (as behind a load
balancer): users, conversations, feedback and private collections are the same on both."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.http import call, upload
from tests.conftest import SEEDS
from tests.support.chroma_server import ChromaServer
from tests.support.postgres import PostgresServer
from tests.support.rag_server import clean_env, rag_serve

pytestmark = pytest.mark.slow


def rag(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "cli", "--store", str(cwd / "store"), *args],
                          cwd=cwd, env=clean_env(env), capture_output=True, text=True,
                          timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_conversation_started_on_one_server_continues_on_the_other(
    postgres: PostgresServer, chroma_server: ChromaServer, tmp_path: Path
) -> None:
    env = {"RAG_DATABASE_URL": postgres.create_database(), "RAG_CHROMA_URL": chroma_server.url}
    rag(env, tmp_path, "ingest", str(SEEDS))
    alice = json.loads(rag(env, tmp_path, "users", "add", "alice", "--json"))
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a_dir.mkdir()
    b_dir.mkdir()
    with rag_serve(a_dir, env=env) as a, rag_serve(b_dir, env=env) as b:
        key = {"Authorization": f"Bearer {alice['api_key']}"}
        first = call("POST", a.url + "/api/v1/ask",
                     {"question": "What did Macron say about troops?"}, headers=key)  # fmt: skip
        assert first.status == 200, first.text
        cid = first.json()["conversation_id"]
        follow = call("POST", b.url + "/api/v1/ask",
                      {"question": "and what did Meloni say?", "conversation_id": cid},
                      headers=key).json()  # fmt: skip
        assert follow["conversation_id"] == cid and follow["turn"] == 2
        assert "troops" in follow["rewritten_question"]  # history from the database
        assert "Meloni" in follow["answer"]
        rated = call("POST", f"{b.url}/api/v1/conversations/{cid}/turns/1/feedback",
                     {"rating": 1}, headers=key)  # fmt: skip
        assert rated.status == 200
        seen = call("GET", f"{a.url}/api/v1/conversations/{cid}", headers=key).json()
        assert [t["question"] for t in seen["turns"]] == [
            "What did Macron say about troops?",
            "and what did Meloni say?",
        ]
        assert seen["turns"][0]["feedback"] == {"rating": 1, "note": None}

        # a private collection made on one server is private on the other; a user
        # added while both run can use both at once
        made = upload(a.url + "/api/v1/collections/alice-notes/documents",
                      [("zephyr.md", b"The Zephyr lighthouse keeper is Orla Quennell.\n")],
                      headers=key)  # fmt: skip
        assert made.status == 200, made.text
        bob = json.loads(rag(env, tmp_path, "users", "add", "bob", "--json"))
        bob_key = {"Authorization": f"Bearer {bob['api_key']}"}
        models = call("GET", b.url + "/v1/models", headers=bob_key).json()["data"]
        assert "alice-notes" not in {m["id"] for m in models}
        mine = call("GET", b.url + "/v1/models", headers=key).json()["data"]
        assert "alice-notes" in {m["id"] for m in mine}
        rag(env, tmp_path, "users", "reset-key", "alice")
        assert call("GET", b.url + "/v1/models", headers=key).status == 401
