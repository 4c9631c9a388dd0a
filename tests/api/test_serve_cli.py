"""``rag serve`` refuses, with a message and no traceback, to start where it cannot listen."""

from __future__ import annotations

import socket
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from api.cli_entry import APPS_GROUP, web_apps
from rag.errors import ConfigError
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


def test_the_ui_is_found_through_its_entry_point_and_a_missing_one_is_named() -> None:
    """``rag serve`` (the API front end) mounts the UI it finds under ``rag.apps``, without
    importing ``ui``; none registered, or one that cannot load, is a ConfigError (exit 2)."""
    mounts = web_apps()
    assert [(m.__module__, m.__name__) for m in mounts] == [("ui.app", "mount")]
    with pytest.raises(ConfigError, match="no web app is registered.*make install"):
        web_apps([])
    broken = EntryPoint(name="ui", value="ui.app:no_such_mount", group=APPS_GROUP)
    with pytest.raises(ConfigError, match="'ui'.*ui.app:no_such_mount.*make install"):
        web_apps([broken])
