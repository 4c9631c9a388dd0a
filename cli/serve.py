"""``rag serve`` (and its alias ``rag ui``): one process with the UI at ``/``, the REST API
under ``/api/v1``, the OpenAI-compatible API under ``/v1`` and the API docs at ``/docs``."""

from __future__ import annotations

import argparse
import errno
import logging
import socket

from rag.errors import InputError
from rag.settings import Settings
from service import build_services

log = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_S = 5


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    # fastapi, gradio, uvicorn: deferred for the start-up time of the other commands
    import uvicorn

    from api import create_app
    from ui.app import mount

    check_port_free(settings.host, settings.port)
    services = build_services(settings, upload_root=args.upload_dir)
    app = create_app(settings, services)
    mount(app, settings, services, upload_root=args.upload_dir)
    log.info("serving on http://%s:%d/ (API docs at /docs)", settings.host, settings.port)
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S)  # fmt: skip
    return 0


def check_port_free(host: str, port: int) -> None:
    """Refuse to start, with a message, when the address cannot be bound."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InputError(
                    f"port {port} on {host} is in use (another `rag serve`?); stop that "
                    f"program or choose another port with --port"
                ) from None
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
