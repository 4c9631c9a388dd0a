"""Request size limits enforced before a body is read.

Starlette spools a whole multipart body to disk before a route sees it, so an upload request
declaring more than :data:`MAX_UPLOAD_FILES` files' worth of ``RAG_MAX_FILE_MB`` is refused
from its ``Content-Length`` alone; each file is then checked against the limit by the route.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import error_response

MAX_UPLOAD_FILES = 20
UPLOAD_SUFFIX = "/documents"


class UploadSizeLimit:
    """ASGI middleware: 413 for an upload whose declared size is over the request limit."""

    def __init__(self, app: ASGIApp, max_file_mb: float) -> None:
        self.app = app
        self.limit = int(max_file_mb * 1_000_000 * MAX_UPLOAD_FILES) + 1_000_000

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].startswith("/api/")
            and scope["path"].endswith(UPLOAD_SUFFIX)
        ):
            length = dict(scope["headers"]).get(b"content-length", b"0")
            if length.isdigit() and int(length) > self.limit:
                message = (f"the upload is {int(length) / 1e6:.0f} MB; one request takes at most "
                           f"{self.limit / 1e6:.0f} MB ({MAX_UPLOAD_FILES} files of the "
                           "RAG_MAX_FILE_MB limit)")  # fmt: skip
                response = error_response(413, message, "invalid_request_error", "upload_too_large")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
