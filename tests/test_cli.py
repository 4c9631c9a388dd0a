"""The real `rag` command in subprocesses: exit codes, messages, JSON and batch output."""

from __future__ import annotations

import json
from pathlib import Path

from rag.settings import Settings
from tests.conftest import SEEDS, RunCli


def test_ask_without_store_says_to_ingest(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("--store", str(tmp_path / "nothing"), "ask", "Who is Macron?")
    assert result.returncode == 3
    assert "rag ingest" in result.stderr
    assert "Traceback" not in result.stderr


def test_empty_question_is_rejected(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("--store", str(tmp_path), "ask", "   ")
    assert result.returncode == 2
    assert "question is empty" in result.stderr


def test_ingest_missing_path_names_it(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("--store", str(tmp_path / "s"), "ingest", "no/such/folder")
    assert result.returncode == 2
    assert "no such file or folder: no/such/folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_ingest_then_ask_json_and_batch(run_cli: RunCli, tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    ingest = run_cli("--store", store, "ingest", str(SEEDS), "--json")
    assert ingest.returncode == 0, ingest.stderr
    summary = json.loads(ingest.stdout)
    assert len(summary["added"]) == 1 and summary["chunks_embedded"] > 0

    questions = tmp_path / "questions.jsonl"
    questions.write_text(
        json.dumps({"question": "Who said there will be no European troops on Ukrainian soil "
                                "in the coming weeks?"}) + "\n"
        + json.dumps({"question": "What is the capital of Australia?"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    batch = run_cli("--store", store, "ask", "--batch", str(questions), "--json")
    assert batch.returncode == 0, batch.stderr
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["refused"] for line in lines] == [False, True]
    assert "Macron" in lines[0]["answer"]
    assert any("no European troops" in c["text"] for c in lines[0]["citations"])

    plain = run_cli("--store", store, "ask", "What did Meloni say about Italian troops?")
    assert plain.returncode == 0, plain.stderr
    assert "[1]" in plain.stdout and "Sources:" in plain.stdout
    assert "000_2049a57f73a0fd17.txt" in plain.stdout


def test_settings_from_environment_and_toml(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rag.settings import load_settings

    monkeypatch.chdir(tmp_path)
    (tmp_path / "rag.toml").write_text('top_k = 7\ncollection = "notes"\n', encoding="utf-8")
    monkeypatch.setenv("RAG_TOP_K", "9")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    settings: Settings = load_settings()
    assert settings.top_k == 9  # environment beats rag.toml
    assert settings.collection == "notes"
    assert settings.llm_api_key is not None
    assert "sk-test-secret" not in json.dumps(settings.public_view())


def test_ask_into_a_closed_pipe_is_quiet(seed_settings: Settings) -> None:
    """`rag ask ... | head` where the reader has gone before the answer is written."""
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "--store", str(seed_settings.store), "ask",
         "Who hosted the summit?"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader leaves at once
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_ui_port_out_of_range_is_refused_before_starting(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("--store", str(tmp_path), "ui", "--port", "99999", timeout=60)
    assert result.returncode == 2, result.stderr
    assert "port" in result.stderr and "Traceback" not in result.stderr
