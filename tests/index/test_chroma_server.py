"""Client/server mode: a real `chroma run` server on 127.0.0.1, ingest and ask through it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from index import ingest_paths
from rag.settings import load_settings
from tests.support.chroma_server import ChromaServer


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    server = ChromaServer(tmp_path / "server-data", tmp_path / "chroma.log").start()
    try:
        yield server.url
    finally:
        server.stop()


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
