"""What a route depends on: the services of this process and the current caller.

Every route takes these through FastAPI's ``Depends`` so that one function decides each:
authentication (API keys, users) plugs into :func:`current_caller` alone.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from service import Services


@dataclass(frozen=True)
class Caller:
    """Who sends a request (the user name of ``rag serve --auth``)."""

    id: str


def current_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def current_caller(request: Request) -> Caller | None:
    """The caller of this request: None on a server started without ``--auth``.

    With ``--auth user:password`` (which guards the UI) the API asks for the same
    credentials, as HTTP Basic or as a bearer token ``user:password`` (what OpenAI clients
    send as their API key); without them it answers 401.
    """
    expected: tuple[str, str] | None = request.app.state.auth
    if expected is None:
        return None
    user, password = _credentials(request.headers.get("authorization", ""))
    if hmac.compare_digest(user.encode(), expected[0].encode()) & hmac.compare_digest(
        password.encode(), expected[1].encode()
    ):
        return Caller(id=user)
    raise ApiError(
        401,
        "this server needs credentials: HTTP Basic user:password, or the bearer token "
        "(API key) user:password",
        "unauthorized",
        "authentication_error",
        headers={"WWW-Authenticate": 'Basic realm="rag-chat"'},
    )


def _credentials(header: str) -> tuple[str, str]:
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
    elif scheme.lower() != "bearer":
        return "", ""
    user, _, password = value.partition(":")
    return user, password


ServicesDep = Annotated[Services, Depends(current_services)]
CallerDep = Annotated[Caller | None, Depends(current_caller)]
