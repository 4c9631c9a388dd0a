"""The FastAPI application: routers, error handlers and the services they share."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from api import routes_ask, routes_conversations, routes_documents, routes_health, routes_openai
from api.deps import current_caller
from api.errors import ApiError, install_error_handlers
from api.limits import UploadSizeLimit
from rag.settings import Settings
from service import Services, build_services

DESCRIPTION = """Answers with checkable citations, for any client.

* `/v1`: OpenAI-compatible (`GET /v1/models`, `POST /v1/chat/completions`, plain or
  streamed); `model` is a collection name. Answers carry `citations` and `refused` beside
  the standard fields.
* `/api/v1`: health (open to anyone: `{"status": "ok"}`), status, one-shot questions (`POST /api/v1/ask`, the `rag ask --json` object)
  and documents (list, upload, delete).

* `/api/v1/conversations`: the caller's conversations, their turns, feedback on a turn.

Once any user exists every request but `/api/v1/health` needs `Authorization: Bearer API_KEY` (`rag users add`
prints one); a user sees only their own conversations and the collections they may read.

Errors are `{"error": {"message", "type", "code"}}` with status 400, 401, 404, 413 or 503.
"""


def create_app(settings: Settings, services: Services | None = None) -> FastAPI:
    """The API on ``services`` (built from ``settings`` when not given, e.g. shared with the
    UI); once any user exists every caller needs an API key (see
    :func:`api.deps.current_caller`)."""
    app = FastAPI(title="rag-chat API", version="1", description=DESCRIPTION,
                  docs_url="/docs", redoc_url=None, openapi_url="/openapi.json")  # fmt: skip
    app.state.services = services or build_services(settings)
    install_error_handlers(app)
    app.add_middleware(UploadSizeLimit, max_file_mb=settings.max_file_mb)
    app.include_router(routes_health.router)  # the one route open to anyone: for probes
    authenticated = [Depends(current_caller)]  # every other route, using the caller or not
    for router in (routes_openai.router, routes_ask.router, routes_documents.router,
                   routes_conversations.router, _unknown_paths()):  # fmt: skip
        app.include_router(router, dependencies=authenticated)
    return app


def _unknown_paths() -> APIRouter:
    """A JSON 404 for any other path under the API prefixes (the UI, mounted at ``/``, would
    otherwise answer them)."""
    router = APIRouter(include_in_schema=False)

    @router.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    @router.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def unknown(rest: str) -> None:
        raise ApiError(404, "no such endpoint; see /docs for the API", "not_found")

    return router
