from __future__ import annotations

from pathlib import Path

from rag.engine import RagEngine
from ui.chat import Turn
from ui.export import chat_markdown, write_export


def test_export_keeps_answers_citations_and_quotes(seed_engine: RagEngine, tmp_path: Path) -> None:
    question = "What did Meloni say about Italian troops in Ukraine?"
    answer = seed_engine.ask(question)
    turns = [
        Turn(question=question, text=answer.answer, answer=answer, collection="default"),
        Turn(question="<b>bold?</b>", error="the question is <empty>"),
        Turn(question="", note="notes.txt added (1 chunks)"),
    ]
    md = chat_markdown(turns)
    assert f"## Q1: {question}" in md and answer.answer in md
    for c in answer.citations:
        assert f"**[{c.id}]** `{Path(c.source).name}`" in md
        assert "> " + c.highlight.splitlines()[0] in md
    assert "&lt;b&gt;bold?&lt;/b&gt;" in md and "<b>" not in md
    assert "*notes.txt added (1 chunks)*" in md
    path = write_export(turns, tmp_path, "abc/../123")
    assert path == tmp_path / "chat-abc123.md" and path.read_text(encoding="utf-8") == md
    assert write_export([turns[2]], tmp_path, "x") is None
