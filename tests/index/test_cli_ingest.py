"""`rag ingest / sources / forget` as a user runs them: exit codes, JSON, globs, permissions."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.index.rag_command import rag, rag_json


def test_ingest_reports_unreadable_files_and_exits_1(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "notes").mkdir(parents=True)
    (docs / "moon.md").write_text("The Moon is drifting away from Earth by 3.8 cm a year.")
    (docs / "notes" / "tides.txt").write_text("Spring tides follow the full and new moon.")
    (docs / "data.csv").write_text("a,b\n")
    locked = docs / "locked.txt"
    locked.write_text("You cannot read me.")
    locked.chmod(0)
    store = ["--store", str(tmp_path / "store")]

    first = rag(*store, "ingest", str(docs), "--json", cwd=tmp_path, obey_file_modes=True)
    assert first.returncode == 1, first.stderr
    summary = json.loads(first.stdout)
    assert sorted(Path(p).name for p in summary["added"]) == ["moon.md", "tides.txt"]
    assert summary["failed"] == [{"path": str(locked), "reason": "permission denied"}]
    assert summary["skipped"][0]["path"] == str(docs / "data.csv")
    assert set(summary) >= {"added", "updated", "unchanged", "removed", "skipped", "failed",
                            "seconds", "chunks_embedded"}  # fmt: skip

    strict = rag(*store, "ingest", str(docs), "--strict", cwd=tmp_path, obey_file_modes=True)
    assert strict.returncode == 1
    assert f"{locked}: permission denied (--strict" in strict.stderr
    assert "Traceback" not in strict.stderr

    locked.chmod(0o644)
    glob = rag_json(*store, "ingest", f"{docs}/**/*.md", "--json", cwd=tmp_path)
    assert glob["unchanged"] == [str(docs / "moon.md")] and glob["chunks_embedded"] == 0

    listed = rag_json(*store, "sources", "--json", cwd=tmp_path)
    assert sorted(Path(d["source"]).name for d in listed) == ["moon.md", "tides.txt"]
    assert all(d["chunks"] == 1 and d["complete"] and d["ingested_at"] for d in listed)

    forgot = rag(*store, "forget", str(docs / "notes"), cwd=tmp_path)
    assert forgot.returncode == 0 and "forgot" in forgot.stdout and "tides.txt" in forgot.stdout

    os.unlink(docs / "moon.md")
    pruned = rag_json(*store, "ingest", "--prune", "--json", cwd=tmp_path)
    assert pruned["removed"] == [str(docs / "moon.md")]
    assert rag_json(*store, "sources", "--json", cwd=tmp_path) == []
