"""SIGKILL an ingest that is replacing documents; the store stays whole and a re-run heals it."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
from pathlib import Path

from index.chunking import chunk_text
from tests.index.rag_command import rag_env, rag_json

FILES = 5


def version(n: int, v: int) -> str:
    return (
        f"Report {n}, edition {v}. Station {n} measured {10 * n + v} millimetres of rain. "
        f"The observer of station {n} wrote edition {v} of this note by hand."
    )


def doc_id(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def sources(store: str, cwd: Path) -> dict[str, list[dict[str, object]]]:
    docs: dict[str, list[dict[str, object]]] = {}
    for doc in rag_json("--store", store, "sources", "--json", cwd=cwd):
        docs.setdefault(Path(doc["source"]).name, []).append(doc)
    return docs


def test_sigkill_while_replacing_documents_loses_nothing(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(FILES):
        (docs / f"r{n}.txt").write_text(version(n, 1), encoding="utf-8")
    store = str(tmp_path / "store")
    first = rag_json("--store", store, "ingest", str(docs), "--json", cwd=tmp_path)
    assert len(first["added"]) == FILES

    for n in range(FILES):
        (docs / f"r{n}.txt").write_text(version(n, 2), encoding="utf-8")
    # The hook pauses after new chunks are written and before the old ones are deleted: the
    # kill lands exactly in the window where both versions exist.
    env = rag_env()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).parent / "paused_ingest.py"), store, str(docs)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "test hook: wrote" in line:
                break
        else:
            raise AssertionError(f"the ingest ended without writing: {proc.wait()}")
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    # After the kill: every file still has its previous version, complete.
    killed = sources(store, tmp_path)
    assert sorted(killed) == [f"r{n}.txt" for n in range(FILES)]
    for n in range(FILES):
        old = [d for d in killed[f"r{n}.txt"] if d["doc_id"] == doc_id(version(n, 1))]
        assert len(old) == 1 and old[0]["complete"], killed[f"r{n}.txt"]
    assert sum(len(v) for v in killed.values()) == FILES + 2  # two new versions were written

    # Until the re-run, queries see one version of each file: the new one where it is complete,
    # even for a question worded exactly as the old version.
    # In every retrieval mode (dense builds no BM25 index: the filter is the catalogue's).
    from rag.engine import RagEngine
    from rag.settings import load_settings

    replaced = [n for n in range(FILES) if len(killed[f"r{n}.txt"]) == 2]
    assert len(replaced) == 2
    for mode in ("hybrid", "dense", "bm25"):
        engine = RagEngine.from_settings(load_settings(store=Path(store), retrieval=mode))
        for n in replaced:
            passages = engine.retrieve(version(n, 1), 10)
            names = {Path(p.source).name for p in passages}
            assert names == {f"r{k}.txt" for k in range(FILES)}, mode
            mine = [p for p in passages if Path(p.source).name == f"r{n}.txt"]
            assert [p.doc_id for p in mine] == [doc_id(version(n, 2))], (mode, mine)

    rerun = rag_json("--store", store, "ingest", str(docs), "--json", cwd=tmp_path)
    assert len(rerun["updated"]) == FILES and not rerun["failed"]
    assert rerun["chunks_embedded"] == FILES - 2  # written versions are not embedded again

    healed = sources(store, tmp_path)
    for n in range(FILES):
        (doc,) = healed[f"r{n}.txt"]  # present once
        assert doc["doc_id"] == doc_id(version(n, 2)) and doc["complete"]
        expected = chunk_text(version(n, 2), doc_id="d", source="s", chunk_size=256,
                              chunk_overlap=32)  # fmt: skip
        assert doc["chunks"] == len(expected)  # no duplicate chunks
