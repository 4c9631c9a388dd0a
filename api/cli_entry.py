"""``rag serve`` (and its alias ``rag ui``): one process with the UI at ``/``, the REST API
under ``/api/v1``, the OpenAI-compatible API under ``/v1`` and the API docs at ``/docs``.

The API front end owns these commands and the composition of the process. It registers them
with the ``rag`` shell through the ``rag.commands`` entry point (``pyproject.toml``), and finds
the web apps to mount beside the API (the Gradio UI, ``ui.app:mount``) through the
``rag.apps`` entry points, so neither front end imports the other.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import errno
import logging
import socket
import sys
from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from rag.errors import ConfigError, InputError
from rag.settings import Settings
from service import build_services

Handler = Callable[[argparse.Namespace, Settings], int]
APPS_GROUP = "rag.apps"

log = logging.getLogger(__name__)

GRACEFUL_SHUTDOWN_S = 5
# glibc gives every thread that allocates its own malloc arena (up to 8 per core) and keeps
# freed memory in each: a server answering 45 questions at once in worker threads grew from
# 550 MB to 1300 MB over three rounds; with two arenas, to 900 MB (measured in one process,
# same questions, on this 2-core machine).
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt parameter number, from glibc's malloc.h


def add_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> dict[str, Handler]:
    """The ``rag.commands`` entry point: add ``serve`` and ``ui`` to the shell's subcommands
    (``parents`` carry the shell's global options) and return their handlers by name."""
    for command, what in (
        ("serve", "start the chat UI at /, the REST API at /api/v1 and the OpenAI API at /v1"),
        ("ui", "the same as serve"),
    ):
        serve = sub.add_parser(command, parents=parents, help=what)
        serve.add_argument("--host", help="interface to bind (default 127.0.0.1)")
        serve.add_argument("--port", type=int, help="port (default 7860)")
        serve.add_argument(
            "--upload-dir", type=Path, help="folder for uploaded files (default STORE/uploads)"
        )
    return {"serve": cmd_serve, "ui": cmd_serve}


def web_apps(found: list[EntryPoint] | None = None) -> list[Callable[..., Any]]:
    """The ``mount(app, settings, services, upload_root=...)`` functions registered under
    ``rag.apps`` (the Gradio UI). None registered, or one that cannot be loaded, is a
    ConfigError naming the entry point: a stale install, mended by ``make install``."""
    points = list(entry_points(group=APPS_GROUP)) if found is None else found
    if not points:
        raise ConfigError(
            f"no web app is registered under the {APPS_GROUP!r} entry points, so there is no "
            f"chat UI to serve; reinstall the package (make install, or pip install -e .)"
        )
    mounts = []
    for point in points:
        try:
            mounts.append(point.load())
        except (ImportError, AttributeError) as exc:
            raise ConfigError(
                f"the web app {point.name!r} ({APPS_GROUP} entry point {point.value}) cannot be "
                f"loaded: {exc}; reinstall the package (make install, or pip install -e .)"
            ) from None
    return mounts


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    check_port_free(settings.host, settings.port)  # before seconds of imports
    limit_malloc_arenas()
    # fastapi, gradio, uvicorn: deferred for the start-up time of the other commands
    import uvicorn

    # deferred for start-up time: modules that pull in heavy libraries
    from api.app import create_app

    mounts = web_apps()  # imports the UI (gradio): after the port check, like the above
    services = build_services(settings, upload_root=args.upload_dir)
    app = create_app(settings, services)
    for mount in mounts:
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
