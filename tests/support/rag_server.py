"""``rag serve`` in a subprocess on a free loopback port, for tests that talk to it over HTTP
(started and waited for by :class:`eval.bench.server_process.ServerProcess`)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from eval.bench.server_process import ServerProcess, clean_env, free_port, rag_command

__all__ = ["RagServer", "clean_env", "ingest", "rag_serve"]

START_SECONDS = 180


@dataclass
class RagServer:
    url: str  # http://127.0.0.1:PORT (no trailing slash)
    store: Path
    uploads: Path
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def ingest(store: Path, *paths: Path, env: dict[str, str] | None = None) -> None:
    subprocess.run(rag_command(store, "ingest", *map(str, paths)), cwd=store.parent,
                   env=clean_env(env), check=True, capture_output=True, timeout=600)  # fmt: skip


@contextmanager
def rag_serve(
    base: Path, *options: str, env: dict[str, str] | None = None, command: str = "serve"
) -> Iterator[RagServer]:
    """Start ``rag serve`` on ``base/store``; yield once ``/api/v1/health`` answers 200 (open
    to anyone, users or not)."""
    store, uploads, log = base / "store", base / "uploads", base / "server.log"
    port = free_port()
    args = rag_command(store, command, "--port", str(port), "--upload-dir", str(uploads), *options)
    url = f"http://127.0.0.1:{port}"
    with ServerProcess(args, url + "/api/v1/health", name=f"`rag {command}`", cwd=base,
                       env=clean_env(env), log=log, ready=(200,),
                       timeout_s=START_SECONDS, poll_s=0.3):  # fmt: skip
        yield RagServer(url, store, uploads, log)
