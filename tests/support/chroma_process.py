"""``chroma run`` in a subprocess on a free loopback port, for tests of several processes
sharing one vector store."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.openai_server import free_port

CHROMA = Path(sys.executable).with_name("chroma")


@contextmanager
def chroma_server(folder: Path) -> Iterator[str]:
    """Yield the URL of a Chroma server keeping its data in ``folder``."""
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "CHROMA_ANONYMIZED_TELEMETRY": "False"}
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "chroma.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(folder / "data"), "--host", "127.0.0.1",
             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chroma did not start: {log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
