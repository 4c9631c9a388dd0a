"""The UI's login (a user's name and password, see ``rag users``), with backoff after failed
attempts.

Gradio calls an auth function with the user name and password only; the client address
comes from a small ASGI middleware (added to the served app) that notes it for the request (a context variable,
set in the request's own task). Failures go through :class:`service.throttle.LoginThrottle`:
after a few in a row, further attempts for that user or from that address are refused without
checking the password, for a delay that doubles each time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from contextvars import ContextVar
from typing import Any

from service.throttle import LoginThrottle

_client_address: ContextVar[str] = ContextVar("rag_client_address", default="unknown")

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]  # fmt: skip


class ClientAddressMiddleware:
    """Note the client's address for the auth function (set per request, per task)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            client = scope.get("client")
            _client_address.set(str(client[0]) if client else "unknown")
        await self.app(scope, receive, send)


def throttled_login(
    check: Callable[[str, str], bool], throttle: LoginThrottle | None = None
) -> Callable[[str, str], bool]:
    """An auth function for Gradio that runs ``check(user, password)`` unless that user or
    address is backing off after failures."""
    guard = throttle or LoginThrottle()

    def login(given_user: str, given_password: str) -> bool:
        return guard.attempt(
            given_user, _client_address.get(), lambda: check(given_user, given_password)
        )

    return login
