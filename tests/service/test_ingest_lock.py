"""One ingest per collection at a time, across processes (issue 16, ingest lock)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from rag.priority import BACKGROUND_NICENESS
from tests.conftest import ROOT


def test_second_ingest_waits_for_the_first_then_finds_everything_unchanged(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(12):
        (docs / f"note{n:02d}.txt").write_text(
            f"Note {n}: the ferry to island {n} leaves at {n + 6} o'clock.", encoding="utf-8"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(PYTHONPATH=str(ROOT), RAG_EMBED_BATCH_SIZE="1")
    command = [sys.executable, "-m", "cli", "--store", str(tmp_path / "store"), "ingest",
               str(docs), "--json"]  # fmt: skip
    first = subprocess.Popen(command, cwd=tmp_path, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    lock = tmp_path / "store" / "locks" / "default.lock"
    # Once the first holds the lock (its pid is in the file), freeze it until the second says
    # that it waits: the two runs overlap for sure.
    while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        assert first.poll() is None, first.communicate()
    os.kill(first.pid, signal.SIGSTOP)
    # `rag ingest` runs at a lower CPU priority: a serving process beside it answers first.
    niceness = int(Path(f"/proc/{first.pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
    assert niceness == os.nice(0) + BACKGROUND_NICENESS or niceness == 19
    second = subprocess.Popen(command, cwd=tmp_path, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    assert second.stderr is not None
    said = ""
    while "waiting" not in said:
        line = second.stderr.readline()
        if not line:
            break
        said += line
    os.kill(first.pid, signal.SIGCONT)
    out, err = first.communicate(timeout=600)
    out2, err2 = second.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, (err, said + err2)
    one, two = json.loads(out), json.loads(out2)
    assert len(one["added"]) == 12 and one["chunks_embedded"] == 12
    assert two["chunks_embedded"] == 0 and len(two["unchanged"]) == 12  # nothing embedded twice
    assert f"another process (pid {first.pid}) is writing to collection 'default'" in said
    assert "waiting for it to finish" in said
