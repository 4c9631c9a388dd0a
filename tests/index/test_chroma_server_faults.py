"""A Chroma server that dies under an ingest or a question (issue 16, items 1 and 7)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from rag.settings import load_settings
from tests.conftest import ROOT
from tests.support.chroma_server import ChromaServer

FILES = 30


def _count(url: str, collection: str) -> int:
    import chromadb

    try:
        client = chromadb.HttpClient(host="127.0.0.1", port=int(url.rsplit(":", 1)[1]))
        return int(client.get_collection(collection).count())
    except Exception:
        return 0


def _rag(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *args], cwd=cwd, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def test_item1_server_killed_mid_ingest_gives_one_message_and_a_summary(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(FILES):
        (docs / f"station{n:02d}.txt").write_text(
            f"Station {n} measured {10 * n + 3} millimetres of rain in May.", encoding="utf-8"
        )
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(PYTHONPATH=str(ROOT), RAG_CHROMA_URL=chroma_server.url, RAG_COLLECTION="rain",
               RAG_EMBED_BATCH_SIZE="1", RAG_STORE=str(tmp_path / "unused"))  # fmt: skip
    proc = _rag("ingest", str(docs), "--json", env=env, cwd=tmp_path)
    # Freeze the ingest once a few files are in, kill the server under it, let it go on.
    deadline = time.monotonic() + 240
    while _count(chroma_server.url, "rain") < 3:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the ingest wrote nothing"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGSTOP)
    chroma_server.kill()
    os.kill(proc.pid, signal.SIGCONT)
    out, err = proc.communicate(timeout=240)

    assert proc.returncode == 5, err
    assert "Traceback" not in err and "httpx" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, err
    assert f"cannot reach the Chroma server at {chroma_server.url}" in errors[0]
    summary = json.loads(out)  # the summary is on stdout all the same
    written = summary["added"]
    not_written = [f["path"] for f in summary["failed"]]
    assert 3 <= len(written) < FILES and len(written) + len(not_written) == FILES
    assert all(f["reason"].startswith("not written") for f in summary["failed"])
    assert f"Written: {len(written)} files" in errors[0]
    assert f"Not written: {len(not_written)} files" in errors[0]

    chroma_server.start()  # same port, same data: the next run writes only the rest
    again = _rag("ingest", str(docs), "--json", env=env, cwd=tmp_path)
    out, err = again.communicate(timeout=240)
    assert again.returncode == 0, err
    rerun = json.loads(out)
    # A write the server committed just before it died may have lost its reply: reported
    # "not written", it is found complete now. Nothing written is written again.
    assert set(rerun["added"]) <= set(not_written)
    assert set(rerun["unchanged"]) >= set(written)
    assert len(rerun["added"]) + len(rerun["unchanged"]) == FILES
    assert _count(chroma_server.url, "rain") == FILES


def test_item7_ui_says_the_server_is_unreachable_and_recovers(
    chroma_server: ChromaServer, tmp_path: Path
) -> None:
    from service import build_services
    from ui.callbacks import ChatApp

    doc = tmp_path / "docs" / "volcano.md"
    doc.parent.mkdir()
    doc.write_text(
        "Mount Etna erupted in March. The lava flows reached the village of Zafferana.",
        encoding="utf-8",
    )
    settings = load_settings(chroma_url=chroma_server.url, store=tmp_path / "unused")
    build_services(settings).library.ingest([doc.parent])
    app = ChatApp(settings)

    def ask() -> str:
        *_, last = app.ask("Which village did the lava reach?", [], settings.collection, "s")
        turn = last[3][-1]
        return turn.error or turn.answer.answer

    assert "Zafferana" in ask()
    chroma_server.kill()
    down = ask()
    assert f"cannot reach the Chroma server at {chroma_server.url}" in down
    assert "gone" not in down and "rag ingest" not in down and "Documents tab" not in down
    chroma_server.start()
    assert "Zafferana" in ask()  # recovers by itself
