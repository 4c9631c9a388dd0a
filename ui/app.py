"""Gradio Blocks app: the chat with clickable citations, the evidence panel, the documents tab.

This module holds the layout and the event wiring; the callbacks live in :mod:`ui.callbacks`,
and retrieval and answering stay in :mod:`rag`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rag  # noqa: F401  (offline guards before gradio is imported)

# isort: split
import gradio as gr

from rag.errors import InputError
from rag.settings import Settings
from service import Services
from ui.auth import ClientAddressMiddleware, throttled_auth
from ui.callbacks import ChatApp, public_settings
from ui.chat import Turn
from ui.render import EMPTY_EVIDENCE, settings_html, transcript_html

if TYPE_CHECKING:
    from fastapi import FastAPI

log = logging.getLogger(__name__)

# Threads answering questions at once. Most of an LLM answer is waiting on the server, and
# LLM answers are limited per collection by ChatApp's slots, so a hung model on one
# collection leaves threads for extractive answers and for the other collections.
ASK_CONCURRENCY = 16

CSS = """
#rag-transcript { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px; }
.rag-turn { margin-bottom: 12px; }
.rag-user .rag-text { background: var(--color-accent-soft); border-radius: 8px; padding: 6px 10px;
  display: inline-block; white-space: pre-wrap; }
.rag-bot { padding: 6px 10px; white-space: pre-wrap; line-height: 1.5; }
.rag-error { color: var(--error-text-color, #b91c1c); }
.rag-refused { font-style: italic; }
.rag-note { font-size: 0.9em; color: var(--body-text-color-subdued); padding: 2px 10px; }
.rag-meta { font-size: 0.8em; color: var(--body-text-color-subdued); }
.rag-cite { border: 1px solid var(--color-accent); border-radius: 4px; padding: 0 3px;
  margin: 0 1px; font-size: 0.85em; cursor: pointer; color: var(--color-accent);
  background: transparent; }
.rag-cite:hover { background: var(--color-accent-soft); }
.rag-passage { white-space: pre-wrap; line-height: 1.5; }
/* The highlight sets its own text colour: inheriting the dark theme's light text on the
   light yellow would fall far below a 4.5:1 contrast (tests/ui/test_browser.py checks both). */
.rag-passage mark, .rag-context mark { background: #ffe58a; color: #1f1f1f; padding: 0 2px; }
.rag-confidence { font-size: 0.85em; margin-top: 0.3em; color: var(--body-text-color-subdued); }
.rag-citation { margin-bottom: 0.8em; border-left: 3px solid transparent; padding-left: 6px; }
.rag-citation.rag-selected { border-left-color: var(--color-accent); background: var(--color-accent-soft); }
.rag-context summary { font-size: 0.85em; cursor: pointer; }
.rag-context-text { color: var(--body-text-color-subdued); }
.rag-in-passage { color: var(--body-text-color); }
.rag-not-supported { color: #b91c1c; }
.rag-removed { color: var(--body-text-color-subdued); font-size: 0.9em; margin-top: 0.3em; }
.rag-warning { color: #92400e; font-size: 0.9em; margin-top: 0.3em; }
.rag-closest { opacity: 0.8; }
.rag-page { margin: 0.5em 0; }
.rag-page-frame { max-height: 520px; overflow: auto; border: 1px solid var(--border-color-primary); }
.rag-page-inner { position: relative; width: 100%; }
.rag-zoom-toggle:checked ~ .rag-page-frame .rag-page-inner { width: 250%; }
.rag-page-image { display: block; width: 100%; height: auto; }
.rag-page-box { position: absolute; border: 2px solid #dc2626; background: rgba(255, 214, 0, 0.25);
  pointer-events: none; }
.rag-zoom-label { font-size: 0.85em; cursor: pointer; margin-left: 4px; }
.rag-page figcaption { font-size: 0.85em; color: var(--body-text-color-subdued); }
.rag-sources td, .rag-sources th { padding: 2px 10px; text-align: left; }
.rag-messages .rag-error { color: #b91c1c; }
"""

# Clicks on a [n] marker become a "click" event carrying the turn and citation number.
CITE_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.rag-cite');
  if (!button) return;
  trigger('click', {turn: Number(button.dataset.turn), cite: Number(button.dataset.cite)});
});
"""

SCROLL_JS = """
watch('value', () => {
  const chosen = element.querySelector('.rag-selected');
  if (chosen) chosen.scrollIntoView({block: 'nearest'});
});
"""


def build_app(
    settings: Settings,
    upload_root: Path | None = None,
    *,
    warm: bool = False,
    services: Services | None = None,
) -> Any:
    """The Blocks app; ``services`` shares a process's services (e.g. with the HTTP API)."""
    chat = ChatApp(settings, upload_root, services)
    if warm:
        threading.Thread(target=chat.warm_up, name="rag-warm-up", daemon=True).start()
    with gr.Blocks(title="Document Q&A") as app:
        turns = gr.State([])
        gr.Markdown("## Ask your documents\nEvery answer cites the passages it comes from.")
        with gr.Row(equal_height=True):
            collection = gr.Dropdown([settings.collection], value=settings.collection,
                                     allow_custom_value=True, label="Collection", scale=1,
                                     elem_id="rag-collection")  # fmt: skip
            settings_line = gr.HTML(settings_html(settings.public_view()), scale=4,
                                    js_on_load=None, elem_id="rag-settings")  # fmt: skip
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        transcript = gr.HTML(transcript_html([]), js_on_load=CITE_JS,
                                             autoscroll=True, min_height=320, max_height=560,
                                             elem_id="rag-transcript")  # fmt: skip
                        question = gr.Textbox(label="Question", placeholder="Ask a question…",
                                              elem_id="rag-question")  # fmt: skip
                        with gr.Row():
                            send = gr.Button("Ask", variant="primary", elem_id="rag-send")
                            clear = gr.Button("Clear", elem_id="rag-clear")
                            export = gr.DownloadButton("Export Markdown", value=None,
                                                       elem_id="rag-export")  # fmt: skip
                    with gr.Column(scale=2):
                        gr.Markdown("### Evidence")
                        evidence = gr.HTML(EMPTY_EVIDENCE, js_on_load=SCROLL_JS,
                                           max_height=640, elem_id="rag-evidence")  # fmt: skip
            with gr.Tab("Documents", id="documents"):
                files = gr.File(label="Drop files here to add them to the collection",
                                file_count="multiple", file_types=sorted(chat.library.supported_suffixes),
                                elem_id="rag-upload")  # fmt: skip
                add = gr.Button("Add to collection", variant="primary", elem_id="rag-add")
                status = gr.HTML("", js_on_load=None, elem_id="rag-upload-status")
                sources = gr.HTML(js_on_load=None, elem_id="rag-sources")
                with gr.Row():
                    to_remove = gr.Dropdown([], label="Source", elem_id="rag-remove-choice")
                    remove = gr.Button("Remove source", variant="stop", elem_id="rag-remove")
            with gr.Tab("Settings", id="settings"):
                gr.JSON(public_settings(settings), label="Settings (no secrets)")

        def on_ask(q: str, t: list[Turn], c: str, request: gr.Request) -> Iterator[Any]:
            yield from chat.ask(q, t, c, request.session_hash or "session")

        ask_io = {"inputs": [question, turns, collection],
                  "outputs": [transcript, question, evidence, turns, export],
                  "concurrency_limit": ASK_CONCURRENCY, "concurrency_id": "ask"}  # fmt: skip
        send.click(on_ask, api_name="ask", **ask_io)  # type: ignore[arg-type]
        question.submit(on_ask, api_visibility="private", **ask_io)  # type: ignore[arg-type]

        def on_cite(t: list[Turn], evt: gr.EventData) -> str:
            return chat.select_citation(t, int(evt.turn), int(evt.cite))

        transcript.click(on_cite, [turns], [evidence], api_visibility="private")
        clear.click(lambda: ([], transcript_html([]), EMPTY_EVIDENCE, "", None), None,
                    [turns, transcript, evidence, question, export], api_visibility="private")  # fmt: skip

        docs_out = [sources, to_remove, collection, settings_line]
        app.load(chat.documents_view, [collection], docs_out, api_visibility="private")
        collection.change(chat.documents_view, [collection], docs_out, api_visibility="private")

        def on_add(
            f: list[str] | None,
            c: str,
            t: list[Turn],
            progress: Any = gr.Progress(),  # noqa: B008
        ) -> tuple[Any, ...]:
            html, new_turns = chat.upload(f, c, t, progress)
            return (html, None, new_turns, transcript_html(new_turns))

        add.click(on_add, [files, collection, turns], [status, files, turns, transcript],
                  concurrency_limit=1, concurrency_id="store", api_visibility="private",
                  ).then(chat.documents_view, [collection], docs_out,
                         api_visibility="private")  # fmt: skip

        def on_remove(s: str | None, c: str, t: list[Turn]) -> tuple[Any, ...]:
            html, new_turns = chat.remove(s, c, t)
            return (html, new_turns, transcript_html(new_turns))

        remove.click(on_remove, [to_remove, collection, turns], [status, turns, transcript],
                     concurrency_limit=1, concurrency_id="store", api_visibility="private",
                     ).then(chat.documents_view, [collection], docs_out,
                            api_visibility="private")  # fmt: skip
    return app


def parse_auth(auth: str | None) -> tuple[str, str] | None:
    if not auth:
        return None
    user, sep, password = auth.partition(":")
    if not sep or not user or not password:
        raise InputError("--auth must be user:password")
    return (user, password)


def launch_options(settings: Settings, auth: str | None = None) -> dict[str, Any]:
    """Keyword arguments for mounting the UI: bind where the settings say (127.0.0.1 by
    default), login (throttled: backoff after failures, per user and address), upload limit,
    style."""
    pair = parse_auth(auth)
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": throttled_auth(*pair) if pair else None,
        "show_error": False,
        "max_file_size": int(settings.max_file_mb * 1_000_000),
        "css": CSS,
    }


def mount(
    parent: FastAPI,
    settings: Settings,
    services: Services,
    *,
    auth: str | None = None,
    upload_root: Path | None = None,
) -> FastAPI:
    """Mount the UI at ``/`` of ``parent`` (the HTTP API's app), sharing its services; the
    models load in the background at start."""
    options = launch_options(settings, auth)
    if options["auth"] is not None:
        parent.add_middleware(ClientAddressMiddleware)  # the login throttle's client address
    blocks = build_app(settings, upload_root, warm=True, services=services)
    blocks.queue(default_concurrency_limit=ASK_CONCURRENCY)
    return gr.mount_gradio_app(parent, blocks, path="/", theme=gr.themes.Soft(), **options)
