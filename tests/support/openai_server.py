"""A local OpenAI-compatible chat server for tests: real HTTP on 127.0.0.1, scripted per test.

Each test queues :class:`Reply` objects; every request to ``/v1/chat/completions`` takes the
next one (or ``default`` when the queue is empty). A reply is served as JSON or as
server-sent events, whichever the request asked for (``"stream": true``), and can fail on
purpose: an HTTP status, a delay past the client's timeout, or a stream cut off mid-way.
Every request is recorded (path, headers, JSON body) for assertions.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer. ``status`` != 200 sends an OpenAI-style error body instead."""

    text: str = ""
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering
    break_after: int | None = None  # stream: cut the connection after this many chunks
    chunk_chars: int = 3  # stream: characters per SSE chunk (small, to split [n] markers)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RecordedRequest:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages", []))

    def content(self, role: str) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.messages if m.get("role") == role)


class OpenAIServer:
    """Start with :meth:`start` (binds a free port), stop with :meth:`stop`."""

    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.default = Reply(status=500, text="no scripted reply left")
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def script(self, *replies: Reply | str) -> None:
        """Queue replies; a plain string is a successful answer with that text."""
        with self._lock:
            for r in replies:
                self.replies.append(Reply(text=r) if isinstance(r, str) else r)

    def reset(self) -> None:
        with self._lock:
            self.replies.clear()
            self.requests.clear()

    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def start(self) -> OpenAIServer:
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _next(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            return self.replies.popleft() if self.replies else self.default


class _Handler(BaseHTTPRequestHandler):
    owner: OpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionResetError, BrokenPipeError):
            pass  # the client closed its connection: normal after timeouts and broken streams

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._json(200, {"object": "list", "data": [{"id": "test-model", "object": "model"}]})
        else:
            self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        request = RecordedRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
            return
        reply = self.owner._next(request)
        if reply.delay and self.owner._stopping.wait(reply.delay):
            return
        try:
            if reply.status != 200:
                error = {
                    "message": reply.text or f"scripted {reply.status}",
                    "type": "server_error",
                }
                self._json(reply.status, {"error": error}, reply.headers)
            elif body.get("stream"):
                self._stream(body, reply)
            else:
                self._json(200, completion(body, reply.text), reply.headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout): nothing left to do

    def _json(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _stream(self, body: dict[str, Any], reply: Reply) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        pieces = [
            reply.text[i : i + reply.chunk_chars]
            for i in range(0, len(reply.text), reply.chunk_chars)
        ]
        events = [chunk(body, {"role": "assistant", "content": ""}, None)]
        events += [chunk(body, {"content": p}, None) for p in pieces]
        events.append(chunk(body, {}, "stop"))
        for n, event in enumerate(events):
            if reply.break_after is not None and n >= reply.break_after:
                self.wfile.flush()
                # Close without the terminating zero-length chunk: a broken stream.
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            self._send_chunk(f"data: {json.dumps(event)}\n\n".encode())
            time.sleep(0.001)
        self._send_chunk(b"data: [DONE]\n\n")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _send_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "test-model"),
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def chunk(body: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": body.get("model", "test-model"),
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
