"""A real `chroma run` server on 127.0.0.1 for tests, which a test can kill and start again
on the same port and data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from eval.bench.server_process import ServerProcess, free_port

__all__ = ["ChromaServer", "free_port"]

CHROMA = Path(sys.executable).with_name("chroma")
START_SECONDS = 60


class ChromaServer(ServerProcess):
    def __init__(self, data: Path, log: Path) -> None:
        self.data = data
        self.log_path = log
        self.port = free_port()
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False",
               "CHROMA_ANONYMIZED_TELEMETRY": "False"}  # fmt: skip
        env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
        command = [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1",
                   "--port", str(self.port)]  # fmt: skip
        super().__init__(command, f"{self.url}/api/v2/heartbeat", name="chroma", env=env,
                         log=log, timeout_s=START_SECONDS)  # fmt: skip

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        super().start()
        return self
