"""``rag serve`` in a subprocess on a free loopback port, for tests that talk to it over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.openai_server import free_port

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 180


@dataclass
class RagServer:
    url: str  # http://127.0.0.1:PORT (no trailing slash)
    store: Path
    uploads: Path
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.pop("OPENAI_API_KEY", None)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def ingest(store: Path, *paths: Path, env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "-m", "cli", "--store", str(store), "ingest", *map(str, paths)],
                   cwd=store.parent, env=clean_env(env), check=True, capture_output=True,
                   timeout=600)  # fmt: skip


@contextmanager
def rag_serve(
    base: Path, *options: str, env: dict[str, str] | None = None, command: str = "serve"
) -> Iterator[RagServer]:
    """Start ``rag serve`` on ``base/store``; yield once ``/api/v1/health`` answers (200, or
    401 when users exist)."""
    store, uploads, log = base / "store", base / "uploads", base / "server.log"
    port = free_port()
    args = [sys.executable, "-m", "cli", "--store", str(store), command, "--port", str(port),
            "--upload-dir", str(uploads), *options]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(args, cwd=base, env=clean_env(env), stdout=out,
                                stderr=subprocess.STDOUT)  # fmt: skip
    server = RagServer(f"http://127.0.0.1:{port}", store, uploads, log)
    try:
        wait_until_up(server, proc)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until_up(server: RagServer, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`rag serve` exited with {proc.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(server.url + "/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            if error.code == 401:  # up, and asking for an API key (users exist)
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"`rag serve` did not answer at {server.url}:\n{server.log_tail()}")
