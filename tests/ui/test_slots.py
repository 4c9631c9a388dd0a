"""A hung LLM on one collection does not hold the other collections' questions (issue 16).

The app runs in this process on a free port, its LLM is the scripted HTTP server, and the
questions come through ``gradio_client`` over real HTTP, through Gradio's queue.
"""

from __future__ import annotations

import time
from pathlib import Path

from eval.bench.server_process import free_port
from rag.settings import Settings
from service import LibraryService
from tests.rag.conftest import llm_settings
from tests.support.openai_server import OpenAIServer, Reply

ETNA = "Which village did the Etna lava reach?"
ALETSCH = "How much length did the Aletsch glacier lose?"


def _wait_for(condition, what: str, limit: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_hung_llm_on_one_collection_leaves_other_collections_answering(
    fresh_settings: Settings, openai_server: OpenAIServer, tmp_path: Path
) -> None:
    from gradio_client import Client

    from ui.app import ASK_CONCURRENCY, build_app

    for name, text in (("alpha", "Mount Etna erupted in March. The lava reached Zafferana."),
                       ("beta", "The Aletsch glacier lost fifty metres of length last year.")):  # fmt: skip
        doc = tmp_path / name / f"{name}.md"
        doc.parent.mkdir()
        doc.write_text(text, encoding="utf-8")
        LibraryService(fresh_settings).ingest([doc.parent], name)
    settings = llm_settings(fresh_settings, openai_server, llm_timeout=20.0, llm_max_retries=0)
    hung = Reply(text="The lava reached Zafferana [1].", delay=12.0)
    openai_server.script(hung, hung, hung, hung, "The glacier lost fifty metres of length [1].",
                         "The lava reached Zafferana [1].")  # fmt: skip

    app = build_app(settings).queue(default_concurrency_limit=ASK_CONCURRENCY)
    port = free_port()
    app.launch(server_port=port, prevent_thread_lock=True, show_error=False)
    try:
        url = f"http://127.0.0.1:{port}/"
        client = Client(url, verbose=False, download_files=False)
        stuck = [client.submit(ETNA, "alpha", api_name="/ask") for _ in range(4)]
        _wait_for(lambda: len(openai_server.chat_requests()) == 4, "the four hung calls")
        fifth = client.submit(ETNA, "alpha", api_name="/ask")
        other = client.submit(ALETSCH, "beta", api_name="/ask")
        transcript = str(other.result(timeout=120)[0])
        assert "fifty metres" in transcript
        assert not any(job.done() for job in stuck)  # answered while alpha's model still hangs
        _wait_for(lambda: any("position 1" in str(o[0]) for o in fifth.outputs()),
                  "the fifth question to see its position")  # fmt: skip
        assert "Zafferana" in str(fifth.result(timeout=120)[0])  # its turn came
        for job in stuck:
            assert "Zafferana" in str(job.result(timeout=120)[0])
    finally:
        app.close()
