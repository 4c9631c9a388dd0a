"""Cold start, as a user sees it: ``rag ask`` wall time and ``rag ui`` until its port answers."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from eval.bench.server_process import ROOT, ServerProcess, clean_env, free_port, rag_command

__all__ = ["ROOT", "ask_seconds", "ui_seconds"]


def ask_seconds(store: Path, question: str) -> float:
    """Wall time of ``python -m cli --store STORE ask QUESTION`` in a new process."""
    started = time.perf_counter()
    done = subprocess.run(
        rag_command(store, "ask", question),
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"rag ask failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def ui_seconds(store: Path, timeout: float = 300.0) -> float:
    """Seconds from starting ``rag ui`` until its HTTP port answers a GET of ``/``."""
    port = free_port()
    command = rag_command(store, "ui", "--port", str(port))
    with ServerProcess(command, f"http://127.0.0.1:{port}/", name="rag ui", env=clean_env(),
                       timeout_s=timeout, poll_s=0.05) as server:  # fmt: skip
        return server.started_s
