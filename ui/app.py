"""Gradio Blocks chat: streamed answers on the left, the cited passages on the right."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import rag  # noqa: F401  (offline guards before gradio is imported)
from rag.answering.base import AnswerDelta
from rag.engine import RagEngine
from rag.errors import RagError
from rag.models import Answer
from rag.settings import Settings
from ui.render import evidence_html

log = logging.getLogger(__name__)

CSS = """
.rag-passage { white-space: pre-wrap; line-height: 1.5; }
.rag-passage mark { background: #ffe58a; padding: 0 2px; }
.rag-citation { margin-bottom: 0.8em; }
"""


class EngineHolder:
    """Loads the engine once per process, on first use, so the UI starts even without a store."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: RagEngine | None = None
        self._lock = threading.Lock()

    def get(self) -> RagEngine:
        with self._lock:
            if self._engine is None:
                self._engine = RagEngine(self.settings)
            return self._engine


def respond(
    holder: EngineHolder, message: str, history: list[dict[str, Any]]
) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
    """Stream one answer into the chat; errors become a chat message, never a traceback."""
    history = list(history or []) + [{"role": "user", "content": message}]
    pairs = _pairs(history[:-1])
    history.append({"role": "assistant", "content": ""})
    try:
        engine = holder.get()
        for event in engine.stream(message, pairs):
            if isinstance(event, AnswerDelta):
                history[-1]["content"] += event.text
                yield history, "", evidence_html(None)
            elif isinstance(event, Answer):
                history[-1]["content"] = event.answer
                yield history, "", evidence_html(event)
    except RagError as exc:
        history[-1]["content"] = f"⚠️ {exc}"
        yield history, "", evidence_html(None)


def _pairs(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    user: str | None = None
    for m in messages:
        if m.get("role") == "user":
            user = str(m.get("content", ""))
        elif m.get("role") == "assistant" and user is not None:
            pairs.append((user, str(m.get("content", ""))))
            user = None
    return pairs


def build_app(settings: Settings) -> Any:
    import gradio as gr

    holder = EngineHolder(settings)
    with gr.Blocks(title="Document Q&A") as app:
        gr.Markdown("## Ask your documents\nEvery answer cites the passages it comes from.")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    label="Chat", height=480, render_markdown=False, elem_id="rag-chat"
                )
                question = gr.Textbox(
                    label="Question", placeholder="Ask a question…", elem_id="rag-question"
                )
                with gr.Row():
                    send = gr.Button("Ask", variant="primary", elem_id="rag-send")
                    clear = gr.Button("Clear", elem_id="rag-clear")
            with gr.Column(scale=2):
                gr.Markdown("### Evidence")
                evidence = gr.HTML(evidence_html(None), elem_id="rag-evidence")

        def on_submit(
            message: str, history: list[dict[str, Any]]
        ) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
            yield from respond(holder, message, history)

        for trigger in (question.submit, send.click):
            trigger(on_submit, [question, chat], [chat, question, evidence], concurrency_limit=4)
        clear.click(lambda: ([], "", evidence_html(None)), None, [chat, question, evidence])
    return app


def launch(settings: Settings, *, auth: str | None = None) -> None:
    import gradio as gr

    app = build_app(settings)
    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise rag.InputError("--auth must be user:password")
        credentials = (user, password)
    app.queue(default_concurrency_limit=4).launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=credentials,
        show_error=False,
        css=CSS,
        theme=gr.themes.Soft(),
    )
