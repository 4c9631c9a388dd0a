"""What a route depends on: the services of this process and the current caller.

Every route takes these through FastAPI's ``Depends`` so that one function decides each:
authentication (API keys, users) plugs into :func:`current_caller` alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from service import Services


@dataclass(frozen=True)
class Caller:
    """Who sends a request. Nobody is identified yet: :func:`current_caller` returns None."""

    id: str


def current_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def current_caller(request: Request) -> Caller | None:
    """The caller of this request; None while the API has no authentication."""
    return None


ServicesDep = Annotated[Services, Depends(current_services)]
CallerDep = Annotated[Caller | None, Depends(current_caller)]
