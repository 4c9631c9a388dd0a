"""``rag serve`` in its own process on a free loopback port, with its CPU time and memory."""

from __future__ import annotations

import os
from pathlib import Path

from eval.bench.server_process import ServerProcess, clean_env, free_port, rag_command
from rag.memory import rss_mb


class RagServeProcess(ServerProcess):
    """``rag serve`` in its own process on a free loopback port, up once its health answers."""

    def __init__(self, store: Path, *, collection: str = "default") -> None:
        self.store = store
        self.collection = collection
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = rag_command(store, "--collection", collection, "serve", "--port", str(self.port))
        super().__init__(command, self.url + "/api/v1/health", name="rag serve", env=clean_env())

    def __enter__(self) -> RagServeProcess:
        self.start()
        return self

    def cpu_s(self) -> float:
        """User + system CPU seconds of the server process so far."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        assert self.proc is not None
        return round(rss_mb(pid=self.proc.pid), 1)
