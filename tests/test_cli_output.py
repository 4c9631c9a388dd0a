"""What the `rag` command writes to the terminal (issue 16: item 9, global options)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from cli.output import EscapingFormatter, escape_control, json_line
from tests.conftest import SEEDS, RunCli

HOSTILE = "evil\x1b]0;pwned\x07\x1b[31mred\nforged: line.md"


def test_item9_control_characters_in_file_names_are_escaped_by_ingest_and_sources(
    run_cli: RunCli, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / HOSTILE).write_text("The lighthouse of Varn was lit in 1901.", encoding="utf-8")
    (docs / "bad\x1b[2Jname.md").write_bytes(b"")  # skipped (empty): reported on stderr
    store = ["--store", str(tmp_path / "store")]

    ingest = run_cli(*store, "ingest", str(docs))
    assert ingest.returncode == 0, ingest.stderr
    sources = run_cli(*store, "sources")
    assert sources.returncode == 0, sources.stderr
    for out in (ingest.stdout, ingest.stderr, sources.stdout, sources.stderr):
        assert "\x1b" not in out and "\x07" not in out
    assert "bad\\x1b[2Jname.md" in ingest.stderr
    assert "evil\\x1b]0;pwned\\x07\\x1b[31mred\\nforged: line.md" in sources.stdout
    assert len(sources.stdout.splitlines()) == 1  # the newline in the name forged no line

    as_json = run_cli(*store, "sources", "--json")
    assert "\x1b" not in as_json.stdout
    assert json.loads(as_json.stdout)[0]["source"].endswith(HOSTILE)  # the data stays exact


def test_item9_log_lines_and_json_escape_control_characters() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "file %s", (HOSTILE,), None)
    line = EscapingFormatter("%(levelname)s %(message)s").format(record)
    assert "\x1b" not in line and "\n" not in line and "\\x1b]0;pwned" in line
    assert escape_control("a\u202eb\x9bc") == "a\\u202eb\\x9bc"
    assert escape_control("two\nlines\tok", keep_newlines=True) == "two\nlines\tok"
    dumped = json_line({"s": "csi\x9b[31m and rlo\u202e"})
    assert "\x9b" not in dumped and "\u202e" not in dumped
    assert json.loads(dumped) == {"s": "csi\x9b[31m and rlo\u202e"}


def test_global_options_work_before_or_after_the_subcommand(
    run_cli: RunCli, tmp_path: Path
) -> None:
    store = tmp_path / "elsewhere"
    after = run_cli("ingest", str(SEEDS), "--store", str(store), "--collection", "news", "--json")
    assert after.returncode == 0, after.stderr
    assert (store / "chroma.sqlite3").exists() and not (tmp_path / ".rag").exists()
    asked = run_cli("ask", "--store", str(store), "--collection", "news", "--json",
                    "Who said there will be no European troops on Ukrainian soil?")  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    assert "Macron" in json.loads(asked.stdout)["answer"]
    before = run_cli("--store", str(store), "sources", "--collection", "news", "--debug")
    assert before.returncode == 0, before.stderr
    assert "000_2049a57f73a0fd17.txt" in before.stdout
    wrong = run_cli("sources", "--store", str(store), "--collection", "nothing")
    assert wrong.returncode == 3 and "'nothing'" in wrong.stderr
