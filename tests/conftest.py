"""Shared fixtures: a real Chroma store on disk in a temp dir, the real embedding model."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import rag  # noqa: F401  (offline guards)
from rag.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings of a store holding the ingested seeds (ingested once per test session)."""
    from index.ingest import ingest_paths

    settings = load_settings(store=tmp_path_factory.mktemp("seed-store"))
    report = ingest_paths([SEEDS], settings)
    assert report.added and not report.failed
    return settings


@pytest.fixture(scope="session")
def seed_engine(seed_settings: Settings):  # type: ignore[no-untyped-def]
    from rag.engine import RagEngine

    return RagEngine.from_settings(seed_settings)


@pytest.fixture
def fresh_settings(tmp_path: Path) -> Settings:
    return load_settings(store=tmp_path / "store")


RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(tmp_path: Path) -> RunCli:
    """Run the real `rag` command in a subprocess with a clean RAG_* environment."""

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:  # fmt: skip
        full_env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
        full_env.pop("OPENAI_API_KEY", None)
        full_env["PYTHONPATH"] = str(ROOT)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "cli", *args],
            cwd=cwd or tmp_path,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def openai_server():  # type: ignore[no-untyped-def]
    """A local OpenAI-compatible server (real HTTP on 127.0.0.1), scripted per test.

    ``openai_server.script("answer [1].", Reply(status=500), ...)`` queues replies;
    ``openai_server.base_url`` goes into ``RAG_LLM_BASE_URL``; ``openai_server.requests``
    records what the client sent.
    """
    from tests.support.openai_server import OpenAIServer

    server = OpenAIServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real `chroma run` server that the test may kill (``.kill()``) and start again."""
    from tests.support.chroma_server import ChromaServer

    server = ChromaServer(tmp_path / "chroma-data", tmp_path / "chroma.log").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres():  # type: ignore[no-untyped-def]
    """A real PostgreSQL (Debian's package) in a temp directory on a free port, per session.

    Missing binaries are a failure in CI (REQUIRE_POSTGRES or CI set), else a skip.
    """
    from tests.support.postgres import PostgresServer, find_bin_dir

    bin_dir = find_bin_dir()
    if bin_dir is None:
        reason = (
            "PostgreSQL is missing: install Debian's server with `make postgres-deps` "
            "(as root: apt-get install -y postgresql)"
        )
        if os.environ.get("REQUIRE_POSTGRES") or os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    server = PostgresServer(bin_dir).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty application database: SQLite in a temp dir, then a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'app.db'}"
    server = request.getfixturevalue("postgres")
    return str(server.create_database())


@pytest.fixture(scope="session")
def tesseract() -> None:
    """Tesseract must be there in CI (REQUIRE_OCR or CI set); elsewhere its absence skips."""
    from index.loaders.ocr import tesseract_available

    if tesseract_available():
        return
    reason = "tesseract is missing: `make ocr-deps` (as root: apt-get install -y tesseract-ocr)"
    if os.environ.get("REQUIRE_OCR") or os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)
