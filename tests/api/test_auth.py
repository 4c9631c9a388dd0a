"""API keys, private collections and conversations over real HTTP: every endpoint without a
key, with a wrong key, and with another user's key; the loopback-only rule without users."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.http import Response, call, upload
from tests.conftest import SEEDS
from tests.support.rag_server import RagServer, clean_env, ingest, rag_serve

LIGHTHOUSE = "Who is the keeper of the Zephyr lighthouse?"
NOTES = b"The keeper of the Zephyr lighthouse is Orla Quennell.\n"


def add_user(store: Path, name: str, *flags: str) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-m", "cli", "--store", str(store), "users", "add",
                           name, "--json", *flags], cwd=store.parent, env=clean_env(),
                          capture_output=True, text=True, timeout=300, check=True)  # fmt: skip
    return dict(json.loads(done.stdout))


class Keys(dict[str, dict[str, str]]):
    def headers(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self[name]['api_key']}"}


@pytest.fixture(scope="module")
def users_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RagServer, Keys]]:
    """``rag serve`` over the seeds with users alice, bob and root (admin); alice has
    uploaded a private collection ``alice-notes``."""
    base = tmp_path_factory.mktemp("api-users")
    ingest(base / "store", SEEDS)
    keys = Keys({name: add_user(base / "store", name, *flags)
                 for name, flags in (("alice", ()), ("bob", ()), ("root", ("--admin",)))})  # fmt: skip
    with rag_serve(base) as server:
        done = upload(server.url + "/api/v1/collections/alice-notes/documents",
                      [("zephyr.md", NOTES)], headers=keys.headers("alice"))  # fmt: skip
        assert done.status == 200 and done.json()["files"][0]["status"] == "added", done.text
        yield server, keys


def api_endpoints(server: RagServer) -> list[tuple[str, str]]:
    """(method, path) of every route under /v1 and /api/v1 the server documents, path
    parameters filled in."""
    spec = call("GET", server.url + "/openapi.json").json()
    out = []
    for path, operations in spec["paths"].items():
        if not path.startswith(("/v1/", "/api/v1/")):
            continue
        filled = re.sub(r"\{(\w+)\}", "x-notes", path.replace("{n}", "1"))
        out.extend((method.upper(), filled) for method in sorted(operations))
    return out


def test_every_endpoint_wants_a_valid_key(users_server: tuple[RagServer, Keys]) -> None:
    server, keys = users_server
    endpoints = api_endpoints(server)
    # /api/v1/health is open to anyone (a probe), and says nothing but "ok"
    open_to_all = call("GET", server.url + "/api/v1/health")
    assert open_to_all.status == 200 and open_to_all.json() == {"status": "ok"}
    endpoints = [e for e in endpoints if e != ("GET", "/api/v1/health")]
    assert {"/v1/models", "/v1/chat/completions", "/api/v1/ask", "/api/v1/status",
            "/api/v1/conversations", "/api/v1/conversations/x-notes",
            "/api/v1/conversations/x-notes/turns/1/feedback",
            "/api/v1/collections"} <= {path for _, path in endpoints}  # fmt: skip
    alice_key = keys["alice"]["api_key"]
    wrong_keys = [
        {},
        {"Authorization": "Bearer rag_0000000000000000_wrong"},
        {"Authorization": f"Bearer {alice_key[:-3]}xyz"},
        {"Authorization": alice_key},  # without "Bearer"
        {"Authorization": f"Basic {alice_key}"},
    ]
    for method, path in [*endpoints, ("GET", "/api/v1/no-such-thing")]:
        body = {} if method == "POST" else None
        for headers in wrong_keys:
            response = call(method, server.url + path, body, headers=headers)
            assert response.status == 401, (method, path, headers, response.text)
            assert response.error()["type"] == "authentication_error"
            assert response.headers.get("www-authenticate") == "Bearer"
    assert call("GET", server.url + "/v1/models", headers=keys.headers("alice")).status == 200


def test_private_collections_are_invisible_to_other_users(
    users_server: tuple[RagServer, Keys],
) -> None:
    server, keys = users_server

    def get(path: str, who: str) -> Response:
        return call("GET", server.url + path, headers=keys.headers(who))

    models = {who: {m["id"] for m in get("/v1/models", who).json()["data"]} for who in keys}
    assert "alice-notes" in models["alice"] and "alice-notes" in models["root"]
    assert "alice-notes" not in models["bob"] and "default" in models["bob"]
    names = {c["name"] for c in get("/api/v1/collections", "bob").json()["collections"]}
    assert "alice-notes" not in names and "default" in names
    assert get("/api/v1/collections/alice-notes/documents", "alice").status == 200
    assert get("/api/v1/collections/alice-notes/documents", "root").status == 200
    hidden = get("/api/v1/collections/alice-notes/documents", "bob")
    assert hidden.status == 404 and "alice-notes" in hidden.error()["message"]
    ask = {"question": LIGHTHOUSE, "collection": "alice-notes"}
    assert call("POST", server.url + "/api/v1/ask", ask, headers=keys.headers("bob")).status == 404
    chat = {"model": "alice-notes", "messages": [{"role": "user", "content": LIGHTHOUSE}]}
    url = server.url + "/v1/chat/completions"
    assert call("POST", url, chat, headers=keys.headers("bob")).status == 404
    assert call("POST", url, {**chat, "stream": True}, headers=keys.headers("bob")).status == 404
    answered = call("POST", url, chat, headers=keys.headers("alice"))
    assert "Orla Quennell" in answered.json()["choices"][0]["message"]["content"]
    again = upload(server.url + "/api/v1/collections/alice-notes/documents",
                   [("more.md", b"More notes.\n")], headers=keys.headers("bob"))  # fmt: skip
    assert again.status == 404


def test_conversations_belong_to_their_user(users_server: tuple[RagServer, Keys]) -> None:
    server, keys = users_server
    alice, bob = keys.headers("alice"), keys.headers("bob")
    first = call("POST", server.url + "/api/v1/ask",
                 {"question": "What did Macron say about troops?"}, headers=alice).json()  # fmt: skip
    cid = first["conversation_id"]
    assert first["turn"] == 1 and not first["refused"]
    follow = call("POST", server.url + "/api/v1/ask",
                  {"question": "and what did Meloni say?", "conversation_id": cid},
                  headers=alice).json()  # fmt: skip
    assert follow["conversation_id"] == cid and follow["turn"] == 2
    assert "troops" in follow["rewritten_question"]  # the earlier turn resolved the follow-up

    listed = call("GET", server.url + "/api/v1/conversations", headers=alice).json()
    assert {"id", "title", "updated"} <= set(listed["conversations"][0])
    assert cid in {c["id"] for c in listed["conversations"]}
    assert call("GET", server.url + "/api/v1/conversations", headers=bob).json() == {
        "conversations": []
    }
    url = f"{server.url}/api/v1/conversations/{cid}"
    rated = call("POST", url + "/turns/2/feedback", {"rating": -1, "note": "name the source"},
                 headers=alice)  # fmt: skip
    assert rated.status == 200 and rated.json()["feedback"] == {
        "rating": -1,
        "note": "name the source",
    }
    got = call("GET", url, headers=alice).json()
    assert got["id"] == cid and got["title"] == "What did Macron say about troops?"
    turn = got["turns"][0]
    assert {"question", "answer", "citations", "confidence", "created_at"} <= set(turn)
    assert "feedback" not in turn and got["turns"][1]["feedback"]["rating"] == -1

    for method, path, body in (("GET", "", None), ("DELETE", "", None),
                               ("POST", "/turns/1/feedback", {"rating": 1})):  # fmt: skip
        response = call(method, url + path, body, headers=bob)
        assert response.status == 404 and response.error()["code"] == "not_found"
    stolen = call("POST", server.url + "/api/v1/ask",
                  {"question": "and Starmer?", "conversation_id": cid}, headers=bob)  # fmt: skip
    assert stolen.status == 404
    bad = call("POST", url + "/turns/1/feedback", {"rating": 5}, headers=alice)
    assert bad.status == 400
    assert call("POST", url + "/turns/9/feedback", {"rating": 1}, headers=alice).status == 404
    assert call("DELETE", url, headers=alice).status == 200
    assert call("GET", url, headers=alice).status == 404


def test_without_users_it_refuses_to_listen_beyond_this_machine(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "cli", "--store", str(tmp_path / "store"),
                           "serve", "--host", "0.0.0.0", "--port", "0"], cwd=tmp_path,
                          env=clean_env(), capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "refusing to listen on 0.0.0.0 without users" in done.stderr
    assert "rag users add NAME" in done.stderr and "Traceback" not in done.stderr
