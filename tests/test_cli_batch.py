"""`rag ask --batch`: every line answered or reported on its own (issue 16, items 2-4)."""

from __future__ import annotations

import json
from pathlib import Path

from rag.settings import Settings
from tests.conftest import RunCli

GOOD = "Who said there will be no European troops on Ukrainian soil in the coming weeks?"
OTHER = "What did Meloni say about Italian troops?"


def _batch_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_item2_broken_json_line_is_reported_and_the_good_lines_answered(
    run_cli: RunCli, seed_settings: Settings, tmp_path: Path
) -> None:
    batch = _batch_file(
        tmp_path,
        json.dumps({"question": GOOD}),
        '{"question": ',
        '{"query": "wrong field"}',
        json.dumps({"question": OTHER}),
    )
    result = run_cli("--store", str(seed_settings.store), "ask", "--batch", str(batch), "--json")
    assert result.returncode == 1, result.stderr  # some lines failed
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["line"] for line in lines] == [1, 2, 3, 4]
    assert "Macron" in lines[0]["answer"] and not lines[0]["refused"]
    assert set(lines[1]) == {"line", "error"} and "not valid JSON" in lines[1]["error"]
    assert set(lines[2]) == {"line", "error"} and "'question' field" in lines[2]["error"]
    assert "Meloni" in lines[3]["answer"]
    assert "2 of 4 lines" in result.stderr and "Traceback" not in result.stderr


def test_item3_empty_question_line_does_not_stop_a_plain_batch(
    run_cli: RunCli, seed_settings: Settings, tmp_path: Path
) -> None:
    batch = _batch_file(tmp_path, GOOD, json.dumps({"question": "   "}), OTHER)
    result = run_cli("--store", str(seed_settings.store), "ask", "--batch", str(batch))
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("Sources:") == 2  # the questions before and after were answered
    assert "Meloni" in result.stdout and "Macron" in result.stdout
    assert f"error: {batch}:2: the question is empty" in result.stderr


def test_item4_non_string_questions_are_rejected_per_line(
    run_cli: RunCli, seed_settings: Settings, tmp_path: Path
) -> None:
    batch = _batch_file(
        tmp_path,
        '{"question": null}',
        '{"question": ["a", "b"]}',
        '{"question": {"a": 1}}',
        json.dumps({"question": GOOD}),
    )
    result = run_cli("--store", str(seed_settings.store), "ask", "--batch", str(batch), "--json")
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line.get("error") for line in lines[:3]] == [
        "'question' must be a string, got null",
        "'question' must be a string, got list",
        "'question' must be a string, got dict",
    ]
    assert all("answer" not in line for line in lines[:3])  # never asked as "None", "['a'...]"
    assert lines[3]["line"] == 4 and "Macron" in lines[3]["answer"]


def test_batch_with_only_good_lines_exits_0(
    run_cli: RunCli, seed_settings: Settings, tmp_path: Path
) -> None:
    batch = _batch_file(tmp_path, GOOD, "", OTHER)  # a blank line is not a question
    result = run_cli("--store", str(seed_settings.store), "ask", "--batch", str(batch), "--json")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["line"] for line in result.stdout.splitlines()] == [1, 3]
