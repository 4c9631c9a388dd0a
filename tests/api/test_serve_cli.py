"""``rag serve`` refuses, with a message and no traceback, to start where it cannot listen."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.conftest import RunCli


def test_port_in_use_is_reported_before_starting(run_cli: RunCli, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for command in ("serve", "ui"):
            result = run_cli("--store", str(tmp_path), command, "--port", str(port), timeout=120)
            assert result.returncode == 2, result.stderr
            assert f"port {port} on 127.0.0.1 is in use" in result.stderr
            assert "Traceback" not in result.stderr
