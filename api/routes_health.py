"""``GET /api/v1/health``: open to anyone, so that a load balancer or container probe can use
it once users exist; it says only that the server takes requests. The details are
``GET /api/v1/status`` (:mod:`api.routes_ask`), behind a key like every other route."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["health"])


@router.get("/health")
def health() -> dict[str, str]:
    """200 ``{"status": "ok"}`` once the server takes requests; nothing else."""
    return {"status": "ok"}
