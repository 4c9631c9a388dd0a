"""The REST API under ``/api/v1`` over plain HTTP: health, ask, documents, and every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.api.http import call, upload
from tests.support.rag_server import RagServer

MELONI = "What did Meloni say about Italian troops in Ukraine?"
LIGHTHOUSE = "Who is the keeper of the Zephyr lighthouse?"


def test_health_says_only_ok_and_status_gives_the_details(api_server: RagServer) -> None:
    response = call("GET", api_server.url + "/api/v1/health")
    assert response.status == 200 and response.json() == {"status": "ok"}
    status = call("GET", api_server.url + "/api/v1/status")
    assert status.status == 200
    body = status.json()
    assert body["status"] == "ok" and body["backend"] == "extractive"


def test_ask_returns_the_rag_ask_json_object(api_server: RagServer) -> None:
    response = call("POST", api_server.url + "/api/v1/ask", {"question": MELONI})
    assert response.status == 200
    body = response.json()
    assert {"question", "answer", "refused", "backend", "citations", "timings_ms"} <= set(body)
    assert body["question"] == MELONI and not body["refused"]
    assert "never been on the agenda" in body["answer"]
    assert {"retrieve", "answer"} <= set(body["timings_ms"])
    assert all({"id", "source", "text", "highlight_start"} <= set(c) for c in body["citations"])


def test_ask_top_k_limits_the_passages_retrieved(api_server: RagServer) -> None:
    url = api_server.url + "/api/v1/ask"
    off_topic = "Who won the 1998 World Cup?"
    assert len(call("POST", url, {"question": off_topic}).json()["closest"]) == 3
    assert len(call("POST", url, {"question": off_topic, "top_k": 2}).json()["closest"]) == 2
    one = call("POST", url, {"question": MELONI, "top_k": 1}).json()
    assert not one["refused"] and len({c["chunk_id"] for c in one["citations"]}) == 1


@pytest.mark.parametrize(
    ("body", "raw", "code"),
    [
        ({"question": ""}, None, "invalid_request"),
        ({"question": "   "}, None, "invalid_request"),
        ({}, None, "invalid_request"),
        ({"question": 42}, None, "invalid_request"),
        ({"question": "x", "top_k": 0}, None, "invalid_request"),
        ({"question": "x", "collection": "../etc"}, None, "invalid_request"),
        (None, b'{"question": "unterminated', "invalid_json"),
        (None, b"not json at all", "invalid_json"),
    ],
)
def test_bad_ask_requests_are_400_json_errors(
    api_server: RagServer, body: object, raw: bytes | None, code: str
) -> None:
    response = call("POST", api_server.url + "/api/v1/ask", body, raw=raw)
    assert response.status == 400, response.text
    error = response.error()
    assert error["code"] == code and error["type"] == "invalid_request_error"
    assert error["message"]


@pytest.mark.parametrize(
    ("messages", "says"),
    [
        ([], "messages is empty"),
        ([{"role": "assistant", "content": "hello"}], "last message"),
        ([{"role": "user", "content": ""}], "empty"),
        ([{"role": "system", "content": "be brief"}], "last message"),
        ("hello", "messages"),
    ],
)
def test_bad_chat_requests_are_400_json_errors(
    api_server: RagServer, messages: object, says: str
) -> None:
    for stream in (False, True):
        body = {"model": "default", "messages": messages, "stream": stream}
        response = call("POST", api_server.url + "/v1/chat/completions", body)
        assert response.status == 400, response.text
        assert says in response.error()["message"]


def test_unknown_collection_and_paths_are_404(api_server: RagServer) -> None:
    url = api_server.url
    cases = [
        call("POST", url + "/api/v1/ask", {"question": MELONI, "collection": "nothing-here"}),
        call("GET", url + "/api/v1/collections/nothing-here/documents"),
        call("DELETE", url + "/api/v1/collections/nothing-here/documents/abc"),
        call(
            "POST",
            url + "/v1/chat/completions",
            {
                "model": "nothing-here",
                "messages": [{"role": "user", "content": MELONI}],
                "stream": True,
            },
        ),  # fmt: skip
    ]
    for response in cases:
        assert response.status == 404, response.text
        assert response.error()["code"] == "collection_not_found"
    assert call("GET", url + "/api/v1/nowhere").error()["code"] == "not_found"
    assert call("GET", url + "/v1/nowhere").status == 404


def test_documents_upload_list_ask_delete(api_server: RagServer) -> None:
    base = api_server.url + "/api/v1/collections"
    fact = b"The keeper of the Zephyr lighthouse is Orla Quennell.\n"
    response = upload(base + "/notes-api/documents",
                      [("zephyr.md", fact), ("image.png", b"\x89PNG\r\n"), ("../../evil.txt", b"x")])  # fmt: skip
    assert response.status == 200, response.text
    files = {f["name"]: f for f in response.json()["files"]}
    assert files["zephyr.md"]["status"] == "added" and files["zephyr.md"]["chunks"] == 1
    assert files["zephyr.md"]["report"]["added"] and files["zephyr.md"]["doc_id"]
    assert (
        files["image.png"]["status"] == "failed" and "unsupported" in files["image.png"]["reason"]
    )
    evil = files["evil.txt"]  # only the last part of a sent name is kept
    assert evil["status"] == "added", evil
    assert Path(evil["source"]).parent == (api_server.uploads / "notes-api").resolve()
    assert not (api_server.uploads.parent / "evil.txt").exists()

    names = [c["name"] for c in call("GET", base).json()["collections"]]
    assert "notes-api" in names and "default" in names
    docs = call("GET", base + "/notes-api/documents").json()["documents"]
    zephyr = next(d for d in docs if d["name"] == "zephyr.md")
    assert zephyr["doc_id"] == files["zephyr.md"]["doc_id"] and zephyr["chunks"] == 1

    asked = call("POST", api_server.url + "/api/v1/ask",
                 {"question": LIGHTHOUSE, "collection": "notes-api"}).json()  # fmt: skip
    assert "Orla Quennell" in asked["answer"] and asked["citations"]

    again = upload(base + "/notes-api/documents", [("zephyr.md", fact)]).json()
    assert again["files"][0]["status"] == "unchanged"

    gone = call("DELETE", base + f"/notes-api/documents/{zephyr['doc_id']}")
    assert gone.status == 200 and gone.json()["chunks"] == 1
    assert not (api_server.uploads / "notes-api" / "zephyr.md").exists()
    asked = call("POST", api_server.url + "/api/v1/ask",
                 {"question": LIGHTHOUSE, "collection": "notes-api"}).json()  # fmt: skip
    assert "Orla" not in asked["answer"]
    missing = call("DELETE", base + f"/notes-api/documents/{zephyr['doc_id']}")
    assert missing.status == 404 and missing.error()["code"] == "document_not_found"


def test_upload_over_the_size_limit_is_413(api_server: RagServer) -> None:
    big = b"a line of text\n" * 80_000  # 1.2 MB; the server runs with RAG_MAX_FILE_MB=1
    response = upload(api_server.url + "/api/v1/collections/big-one/documents",
                      [("small.txt", b"tiny\n"), ("big.txt", big)])  # fmt: skip
    assert response.status == 413
    error = response.error()
    assert error["code"] == "file_too_large" and "big.txt" in error["message"]
    assert "1 MB" in error["message"]
    listed = call("GET", api_server.url + "/api/v1/collections/big-one/documents")
    assert listed.status == 404  # nothing was written, not even the small file


def test_an_upload_declaring_too_many_bytes_is_refused_before_its_body(
    api_server: RagServer,
) -> None:
    """The server answers 413 from the headers alone: the 2 GB are never sent."""
    import http.client
    from urllib.parse import urlsplit

    target = urlsplit(api_server.url)
    conn = http.client.HTTPConnection(target.hostname or "", target.port, timeout=60)
    conn.putrequest("POST", "/api/v1/collections/big-two/documents")
    conn.putheader("Content-Type", "multipart/form-data; boundary=x")
    conn.putheader("Content-Length", str(2_000_000_000))
    conn.endheaders()
    conn.send(b"--x\r\n")
    response = conn.getresponse()
    assert response.status == 413
    assert b"upload_too_large" in response.read()
    conn.close()


def test_bad_uploads_are_400(api_server: RagServer) -> None:
    base = api_server.url + "/api/v1/collections"
    no_files = call("POST", base + "/notes-api/documents", raw=b"", headers={
        "Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert no_files.status == 400 and no_files.error()
    bad_name = upload(base + "/a/documents", [("x.txt", b"x")])
    assert bad_name.status == 400 and "not a valid collection name" in bad_name.error()["message"]


def test_openapi_docs_are_served(api_server: RagServer) -> None:
    assert call("GET", api_server.url + "/docs").status == 200
    schema = call("GET", api_server.url + "/openapi.json").json()
    assert {"/v1/chat/completions", "/v1/models", "/api/v1/ask", "/api/v1/health",
            "/api/v1/status", "/api/v1/collections/{name}/documents"} <= set(schema["paths"])  # fmt: skip
