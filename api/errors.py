"""Errors as JSON: ``{"error": {"message", "type", "code"}}`` with the right HTTP status.

:data:`RAG_ERROR_STATUS` is the one place where the :class:`~rag.errors.RagError` family
meets HTTP. Bad input is a 4xx with a message a caller can act on; nothing a client sends
produces a traceback or a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.errors import (
    AuthError,
    ConfigError,
    DatabaseError,
    InputError,
    LLMError,
    NotFoundError,
    RagError,
    StoreMissingError,
)

log = logging.getLogger(__name__)

# (status, type, code) per error class; the most specific class wins (see error_status).
RAG_ERROR_STATUS: dict[type[RagError], tuple[int, str, str]] = {
    InputError: (400, "invalid_request_error", "invalid_request"),
    AuthError: (401, "authentication_error", "invalid_api_key"),
    NotFoundError: (404, "not_found_error", "not_found"),
    DatabaseError: (503, "service_unavailable_error", "database_unavailable"),
    StoreMissingError: (404, "not_found_error", "collection_not_found"),
    LLMError: (503, "service_unavailable_error", "llm_unavailable"),
    ConfigError: (500, "server_error", "configuration_error"),
    RagError: (500, "server_error", "internal_error"),
}

_HTTP_TYPES = {400: "invalid_request_error", 404: "not_found_error", 405: "invalid_request_error",
               413: "invalid_request_error", 503: "service_unavailable_error"}  # fmt: skip


class ApiError(Exception):
    """An HTTP-level error of the API itself (a document not found, a file too large)."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str,
        type_: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.type = type_ or _HTTP_TYPES.get(status, "invalid_request_error")
        self.headers = headers


def error_status(exc: RagError) -> tuple[int, str, str]:
    """(status, type, code) of a :class:`RagError`: the entry of its nearest class."""
    for cls in type(exc).__mro__:
        if cls in RAG_ERROR_STATUS:
            return RAG_ERROR_STATUS[cls]
    return RAG_ERROR_STATUS[RagError]


def error_body(message: str, type_: str, code: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "code": code}}


def error_response(
    status: int, message: str, type_: str, code: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(message, type_, code), status_code=status, headers=headers)


def rag_error_body(exc: RagError) -> tuple[int, dict[str, Any]]:
    status, type_, code = error_status(exc)
    return status, error_body(str(exc), type_, code)


def validation_message(exc: RequestValidationError) -> tuple[str, str]:
    """A readable message for FastAPI's validation errors, and its code."""
    problems = []
    for error in exc.errors():
        if error.get("type") == "json_invalid":
            detail = (error.get("ctx") or {}).get("error", "")
            return f"the request body is not valid JSON: {detail}".rstrip(": "), "invalid_json"
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return "invalid request: " + "; ".join(problems), "invalid_request"


def install_error_handlers(app: FastAPI) -> None:
    """Every error the API raises, and every request it cannot parse, as a JSON error."""

    async def on_rag_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RagError)
        status, body = rag_error_body(exc)
        if status >= 500:
            log.warning("%s %s failed: %s", request.method, request.url.path, exc)
        headers = {"Retry-After": "5"} if status == 503 else None
        if status == 401:
            headers = {"WWW-Authenticate": "Bearer"}
        return JSONResponse(body, status_code=status, headers=headers)

    async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.message, exc.type, exc.code, exc.headers)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        message, code = validation_message(exc)
        return error_response(400, message, "invalid_request_error", code)

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        type_ = _HTTP_TYPES.get(exc.status_code, "invalid_request_error")
        return error_response(
            exc.status_code, str(exc.detail), type_, code, dict(exc.headers or {})
        )

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        message = "something went wrong on the server; its log has the details"
        return error_response(500, message, "server_error", "internal_error")

    app.add_exception_handler(RagError, on_rag_error)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
