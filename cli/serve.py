"""``rag serve`` (and its alias ``rag ui``): one process with the UI at ``/``, the REST API
under ``/api/v1``, the OpenAI-compatible API under ``/v1`` and the API docs at ``/docs``."""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import errno
import logging
import socket
import sys

from rag.errors import InputError
from rag.settings import Settings
from service import build_services

log = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_S = 5
# glibc gives every thread that allocates its own malloc arena (up to 8 per core) and keeps
# freed memory in each: a server answering 45 questions at once in worker threads grew from
# 550 MB to 1300 MB over three rounds; with two arenas, to 900 MB (measured in one process,
# same questions, on this 2-core machine).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt parameter number, from glibc's malloc.h


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    check_port_free(settings.host, settings.port)  # before seconds of imports
    limit_malloc_arenas()
    # fastapi, gradio, uvicorn: deferred for the start-up time of the other commands
    import uvicorn

    # deferred for start-up time: modules that pull in heavy libraries
    from api import create_app
    from ui.app import mount

    services = build_services(settings, upload_root=args.upload_dir)
    app = create_app(settings, services)
    mount(app, settings, services, upload_root=args.upload_dir)
    base = f"http://{settings.host}:{settings.port}"
    print(f"chat UI at {base}/ ; OpenAI-compatible API at {base}/v1 ; REST at {base}/api/v1 ; "
          f"API docs at {base}/docs", file=sys.stderr, flush=True)  # fmt: skip
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


def limit_malloc_arenas() -> None:
    """Cap glibc's malloc arenas for this process's worker threads (no-op elsewhere)."""

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        if libc is not None and hasattr(libc, "mallopt"):
            libc.mallopt(_M_ARENA_MAX, MALLOC_ARENAS)
    except OSError as exc:  # not glibc: nothing to tune
        log.debug("malloc arenas left as they are: %s", exc)
