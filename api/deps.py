"""What a route depends on: the services of this process and the current caller.

Every route takes these through FastAPI's ``Depends``, and every router of the API is
included with :func:`current_caller` as a dependency, so no request passes unauthenticated.
Once any user exists, a request needs ``Authorization: Bearer API_KEY`` (401 otherwise);
while none exists the server answers only on loopback (``rag serve`` refuses to bind
elsewhere, and a request from another address is refused here too).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from rag.errors import AuthError
from service import Services, User
from service.users import is_loopback

ADD_USER_HINT = "an admin creates one with `rag users add NAME`, which prints the key once"


def current_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def current_caller(request: Request) -> User | None:
    """The user whose API key the request carries; None while no user exists (then any key
    is ignored: OpenAI's clients always send one)."""
    services = current_services(request)
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() == "bearer" and key.strip():
        user = services.users.authenticate_key(key.strip())
        if user is not None:
            return user
    if services.users.count():
        if not header:
            raise AuthError(
                f"missing API key: send 'Authorization: Bearer API_KEY'; {ADD_USER_HINT}"
            )
        raise AuthError("invalid API key: send 'Authorization: Bearer API_KEY' with a current key "
                        "(`rag users reset-key NAME` makes a new one)")  # fmt: skip
    client = request.client.host if request.client else ""
    if not is_loopback(client):
        raise AuthError(f"no users yet: this server answers this machine only; {ADD_USER_HINT}")
    return None


ServicesDep = Annotated[Services, Depends(current_services)]
CallerDep = Annotated[User | None, Depends(current_caller)]
