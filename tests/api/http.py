"""Plain HTTP for the tests (urllib): status, headers and JSON body of any response."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)

    def error(self) -> dict[str, Any]:
        """The ``error`` object of a JSON error body (asserting the body is one)."""
        body = self.json()
        assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "code"}, body
        assert "Traceback" not in self.text
        return dict(body["error"])


def call(
    method: str,
    url: str,
    body: Any = None,
    *,
    raw: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 120,
) -> Response:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    all_headers = {"Content-Type": "application/json"} if data is not None else {}
    all_headers.update(headers or {})
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Response(response.status, _lower(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Response(error.code, _lower(error.headers), error.read().decode())


def multipart(files: list[tuple[str, bytes]], field: str = "files") -> tuple[bytes, str]:
    """A multipart/form-data body with one part per file; returns (body, content type)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, content in files:
        head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n')  # fmt: skip
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(
    url: str, files: list[tuple[str, bytes]], headers: dict[str, str] | None = None
) -> Response:
    body, content_type = multipart(files)
    all_headers = {"Content-Type": content_type, **(headers or {})}
    return call("POST", url, raw=body, headers=all_headers, timeout=300)


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in dict(headers).items()}
