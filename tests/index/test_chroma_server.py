"""Client/server mode: a real `chroma run` server on 127.0.0.1, ingest and ask through it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import ingest_paths
from rag.settings import load_settings

CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "CHROMA_ANONYMIZED_TELEMETRY": "False"}
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    log = (tmp_path / "chroma.log").open("wb")
    server = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
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
                raise AssertionError(
                    f"chroma did not start: {(tmp_path / 'chroma.log').read_text()}"
                )
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_ingest_and_ask_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    from rag.engine import RagEngine

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "volcano.md").write_text(
        "Mount Etna erupted again in March. Lava flows reached the village of Zafferana.",
        encoding="utf-8",
    )
    (docs / "glacier.txt").write_text(
        "The Aletsch glacier lost fifty metres of length last year.", encoding="utf-8"
    )
    settings = load_settings(
        chroma_url=chroma_url, collection="served", store=tmp_path / "unused-local-store"
    )
    report = ingest_paths([docs], settings)
    assert len(report.added) == 2 and report.chunks_embedded == 2
    assert ingest_paths([docs], settings).chunks_embedded == 0
    assert not (tmp_path / "unused-local-store").exists()  # nothing went to the embedded store

    answer = RagEngine.from_settings(settings).ask("Which village did the Etna lava reach?")
    assert not answer.refused and "Zafferana" in answer.answer
    assert answer.citations[0].source == str((docs / "volcano.md").resolve())
