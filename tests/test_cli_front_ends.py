"""The shell finds the other front ends' commands through the ``rag.commands`` entry points
(it imports none of them), lists them in ``--help``, and says clearly when one is missing."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

import pytest

from cli import main
from cli.front_ends import GROUP, FrontEnds
from tests.conftest import RunCli

REGISTERED = {
    "serve": "start the chat UI at /, the REST API at /api/v1 and",
    "ui": "the same as serve",
    "eval": "score a gold set against ours and a baseline",
    "bench": "measure ingest, query latency, memory, cold start",
}


def test_the_installed_package_registers_the_api_and_eval_commands() -> None:
    values = {p.name: p.value for p in entry_points(group=GROUP)}
    assert values == {"api": "api.cli_entry:add_commands", "eval": "eval.cli_entry:add_commands"}


def test_help_lists_every_command_with_its_help(run_cli: RunCli) -> None:
    result = run_cli("--help", timeout=120)
    assert result.returncode == 0, result.stderr
    listed = {line.split()[0]: line for line in result.stdout.splitlines() if line[:4] == "    "}
    for command, help_start in REGISTERED.items():
        assert help_start in listed.get(command, ""), (command, result.stdout)
    for own in ("ingest", "ask", "sources", "users"):
        assert own in listed


def test_a_front_end_that_cannot_load_is_named_when_its_command_is_asked_for(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = EntryPoint(name="api", value="no_such_front_end.cli_entry:add_commands", group=GROUP)
    working = [p for p in entry_points(group=GROUP) if p.name == "eval"]
    front_ends = FrontEnds.of([broken, *working])
    with pytest.raises(SystemExit) as exited:
        main(["--store", str(tmp_path), "serve"], front_ends)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'serve'" in err
    assert "no_such_front_end.cli_entry:add_commands" in err and "ModuleNotFoundError" in err
    assert "make install" in err
    assert "Traceback" not in err
    # the front end that loads still works beside the broken one
    assert main(["--store", str(tmp_path), "bench", "--sizes", "x"], front_ends) == 2
    assert "--sizes must be numbers" in capsys.readouterr().err


def test_no_registered_front_end_says_to_reinstall(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--store", str(tmp_path), "eval", "--dataset", "x"], FrontEnds.of([]))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "no other front end registered commands" in err and "make install" in err
