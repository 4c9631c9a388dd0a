"""The app's public API and its login, over real HTTP (issue 16: item 8, login brute force,
busy port)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.bench.server_process import ServerProcess, clean_env, free_port, rag_command
from tests.conftest import ROOT, RunCli
from tests.ui.conftest import SERVER_START_SECONDS, UiServer

README = ROOT / "README.md"


def documented_endpoints() -> set[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("<!-- public-api -->", 1)[1].split("<!-- /public-api -->", 1)[0]
    return set(re.findall(r"^\s*- `(/[\w-]+)`", block, re.MULTILINE))


def test_item8_public_api_is_exactly_the_documented_list(ui_server: UiServer) -> None:
    from gradio_client import Client

    client = Client(ui_server.url, auth=ui_server.auth, verbose=False, download_files=False)
    api = client.view_api(print_info=False, return_format="dict")
    assert isinstance(api, dict)
    public = set(api["named_endpoints"]) | set(api["unnamed_endpoints"])
    assert documented_endpoints() == {"/ask"}
    assert public == documented_endpoints(), public


@pytest.fixture
def throttled_ui(tmp_path: Path) -> Iterator[tuple[str, Path, tuple[str, str]]]:
    """`rag ui` with one user on an empty store, its own process: the test locks its logins
    out."""
    env = clean_env()
    port, log = free_port(), tmp_path / "server.log"
    store = tmp_path / "store"
    added = subprocess.run(rag_command(store, "users", "add", "tester", "--json"), cwd=tmp_path,
                           env=env, check=True, capture_output=True, text=True,
                           timeout=300)  # fmt: skip
    auth = ("tester", json.loads(added.stdout)["password"])
    url = f"http://127.0.0.1:{port}/"
    command = rag_command(store, "ui", "--port", str(port))
    with ServerProcess(command, url, name="`rag ui`", cwd=tmp_path, env=env, log=log,
                       timeout_s=SERVER_START_SECONDS, poll_s=0.5):  # fmt: skip
        yield url, log, auth


def _login(url: str, user: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": user, "password": password}).encode()
    try:
        with urllib.request.urlopen(url + "login", data=data, timeout=30) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_login_brute_force_is_throttled_and_logged(
    throttled_ui: tuple[str, Path, tuple[str, str]],
) -> None:
    url, log, auth = throttled_ui
    assert _login(url, *auth) == 200  # the right password works at first
    statuses = [_login(url, auth[0], f"guess-{n}") for n in range(30)]
    assert all(s == 400 for s in statuses)
    # Backing off now: even the right password is refused without being checked.
    assert _login(url, *auth) == 400
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "failed login for user 'tester' from 127.0.0.1" in text
    assert "login refused without checking" in text
    assert text.count("failed login") < 30  # most guesses were never checked


def test_busy_port_is_one_line_naming_the_port_and_the_option(
    run_cli: RunCli, tmp_path: Path
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_cli("--store", str(tmp_path), "ui", "--port", str(port), timeout=120)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"port {port}" in lines[0] and "--port" in lines[0]
    assert "GRADIO_SERVER_PORT" not in result.stderr and "Traceback" not in result.stderr
