"""A server in a subprocess on a free loopback port, started and waited for in one place.

The benchmarks (cold start, the API load run) and the tests (``rag serve``, ``rag ui``, a
Chroma server) all start a process, poll a URL until it answers, and stop it at the end:
:class:`ServerProcess` does that. :func:`rag_command` and :func:`clean_env` make the command
line and the environment of a ``rag`` subprocess (no ``RAG_*`` or OpenAI key from the caller's
environment, this checkout on ``PYTHONPATH``).
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import IO

from rag.errors import RagError

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 300.0
STOP_TIMEOUT_S = 20.0
LOG_TAIL_CHARS = 3000


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's environment without ``RAG_*`` settings or an OpenAI key, with this
    checkout importable, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.pop("OPENAI_API_KEY", None)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra or {})
    return env


def rag_command(store: Path, *args: str) -> list[str]:
    """``rag --store STORE ARGS...`` as a command line for this interpreter."""
    return [sys.executable, "-m", "cli", "--store", str(store), *args]


class ServerProcess:
    """``command`` in a subprocess, up once a GET of ``probe_url`` answers with a status in
    ``ready`` (e.g. 401 counts for a server that asks for a key). Output goes to ``log`` when
    given (its tail is in every error), else nowhere. A context manager, or :meth:`start` and
    :meth:`stop`; ``started_s`` is how long the start took, from spawning to the answer."""

    def __init__(
        self,
        command: Sequence[str],
        probe_url: str,
        *,
        name: str = "server",
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        log: Path | None = None,
        ready: Collection[int] = (200,),
        timeout_s: float = START_TIMEOUT_S,
        poll_s: float = 0.2,
    ) -> None:
        self.command = list(command)
        self.probe_url = probe_url
        self.name = name
        self.cwd = cwd
        self.env = env
        self.log = log
        self.ready = ready
        self.timeout_s = timeout_s
        self.poll_s = poll_s
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_s = 0.0

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> ServerProcess:
        began = time.perf_counter()
        out: IO[bytes] | int = self.log.open("ab") if self.log else subprocess.DEVNULL
        try:
            self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT)  # fmt: skip
        finally:
            if not isinstance(out, int):
                out.close()  # the child has its own copy
        try:
            self._wait_until_up(began)
        except BaseException:
            self.stop()
            raise
        self.started_s = time.perf_counter() - began
        return self

    def _wait_until_up(self, began: float) -> None:
        assert self.proc is not None
        while time.perf_counter() - began < self.timeout_s:
            if self.proc.poll() is not None:
                raise RagError(
                    f"{self.name} exited with {self.proc.returncode} before answering:\n"
                    f"{self.log_tail()}"
                )
            if self._answers():
                return
            time.sleep(self.poll_s)
        raise RagError(
            f"{self.name} did not answer at {self.probe_url} within {self.timeout_s:.0f} s:\n"
            f"{self.log_tail()}"
        )

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.probe_url, timeout=2) as response:
                return int(response.status) in self.ready
        except urllib.error.HTTPError as error:
            return error.code in self.ready
        except OSError:  # not listening yet, or reset while starting
            return False

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited after ``STOP_TIMEOUT_S``."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0f s; killing it", self.name, STOP_TIMEOUT_S)
            self.proc.kill()
            self.proc.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self) -> str:
        if self.log is None or not self.log.exists():
            return "(no log kept)"
        return self.log.read_text(errors="replace")[-LOG_TAIL_CHARS:]
