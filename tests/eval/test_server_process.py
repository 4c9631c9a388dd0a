"""The one server-start helper: a real HTTP server process is waited for, stopped, and a
process that dies before answering is reported with its log."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from eval.bench.server_process import ServerProcess, clean_env, free_port, rag_command
from rag.errors import RagError


def test_a_real_server_is_up_when_its_url_answers_and_stops_after(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    url = f"http://127.0.0.1:{port}/"
    (tmp_path / "served.txt").write_text("here")
    with ServerProcess(command, url + "served.txt", cwd=tmp_path, log=tmp_path / "log") as up:
        assert up.proc is not None and up.proc.poll() is None
        assert up.started_s > 0
    assert up.proc.poll() is not None  # stopped on leaving


def test_a_status_other_than_200_can_mean_up(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    missing = f"http://127.0.0.1:{port}/no-such-file"  # 404, like a 401 asking for a key
    with ServerProcess(command, missing, cwd=tmp_path, ready=(404,)) as up:
        assert up.proc is not None and up.proc.poll() is None


def test_a_process_that_exits_before_answering_is_reported_with_its_log(tmp_path: Path) -> None:
    command = [sys.executable, "-c", "import sys; print('cannot bind: boom'); sys.exit(3)"]
    server = ServerProcess(command, f"http://127.0.0.1:{free_port()}/", name="the toy",
                           log=tmp_path / "toy.log")  # fmt: skip
    with pytest.raises(RagError, match=r"the toy exited with 3 before answering:\n.*boom"):
        server.start()


def test_rag_subprocesses_get_a_clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RAG_COLLECTION", "elsewhere")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-not-for-children")
    env = clean_env({"RAG_LLM": "extractive"})
    assert "RAG_COLLECTION" not in env and "OPENAI_API_KEY" not in env
    assert env["RAG_LLM"] == "extractive" and Path(env["PYTHONPATH"], "cli").is_dir()
    assert rag_command(Path("s"), "ask", "q")[-5:] == ["cli", "--store", "s", "ask", "q"]
