"""Run the real `rag` command in a subprocess, optionally without root's file-access bypass."""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import ROOT

_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH = 1, 2


def drop_file_access_bypass() -> None:
    """For root: drop the capabilities that ignore file permissions, so chmod 000 blocks reads.

    Runs in the child between fork and exec; the exec'd process then obeys file modes as
    any user would. A no-op for ordinary users (they have no such capabilities).
    """
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def rag_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.pop("OPENAI_API_KEY", None)
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def rag(
    *args: str, cwd: Path, env: dict[str, str] | None = None, obey_file_modes: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        cwd=cwd,
        env=env or rag_env(),
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=drop_file_access_bypass if obey_file_modes else None,
    )


def rag_json(*args: str, cwd: Path, **kwargs: Any) -> Any:
    result = rag(*args, cwd=cwd, **kwargs)
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)
