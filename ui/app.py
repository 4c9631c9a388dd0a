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

from rag.settings import Settings
from service import Services, require_users_to_expose
from ui.auth import ClientAddressMiddleware, throttled_login
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
.rag-rate { margin-top: 0.3em; }
.rag-thumb { border: 1px solid var(--border-color-primary); border-radius: 4px; padding: 0 5px;
  margin-right: 4px; background: transparent; cursor: pointer; opacity: 0.6; }
.rag-thumb.rag-rated { opacity: 1; border-color: var(--color-accent); background: var(--color-accent-soft); }
"""

# Clicks on a [n] marker become a "click" event carrying the turn and citation number; clicks
# on a thumb carry the turn and the rating (cite 0).
CITE_JS = """
element.addEventListener('click', (event) => {
  const button = event.target.closest('button.rag-cite, button.rag-thumb');
  if (!button) return;
  trigger('click', {turn: Number(button.dataset.turn), cite: Number(button.dataset.cite || 0),
                    rating: Number(button.dataset.rating || 0)});
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
    chat: ChatApp | None = None,
) -> Any:
    """The Blocks app; ``services`` shares a process's services (e.g. with the HTTP API)."""
    chat = chat or ChatApp(settings, upload_root, services)
    if warm:
        threading.Thread(target=chat.warm_up, name="rag-warm-up", daemon=True).start()
    with gr.Blocks(title="Document Q&A") as app:
        turns = gr.State([])
        conversation = gr.State(None)  # the stored conversation's id, once the first answer is in
        with gr.Sidebar(label="Conversations", open=True, elem_id="rag-sidebar"):
            new_chat = gr.Button("New conversation", elem_id="rag-new-conversation")
            past = gr.Radio([], label="Conversations", elem_id="rag-conversations")
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
                        note = gr.Textbox(label="Note sent with Good answer / Wrong answer (optional)", lines=1,
                                          elem_id="rag-feedback-note")  # fmt: skip
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

        def on_ask(
            q: str, t: list[Turn], c: str, cid: str | None, request: gr.Request
        ) -> Iterator[Any]:
            user = chat.user(request.username)
            yield from chat.ask(q, t, c, request.session_hash or "session", cid, user)

        ask_io = {"inputs": [question, turns, collection, conversation],
                  "outputs": [transcript, question, evidence, turns, export, conversation, past],
                  "concurrency_limit": ASK_CONCURRENCY, "concurrency_id": "ask"}  # fmt: skip
        send.click(on_ask, api_name="ask", **ask_io)  # type: ignore[arg-type]
        question.submit(on_ask, api_visibility="private", **ask_io)  # type: ignore[arg-type]

        def on_click(
            t: list[Turn], n: str, cid: str | None, evt: gr.EventData, request: gr.Request
        ) -> tuple[Any, ...]:
            rating = int(getattr(evt, "rating", 0) or 0)
            if rating:
                shown, new_turns, new_note = chat.rate(
                    t, int(evt.turn), rating, n, cid, chat.user(request.username)
                )
                return shown, gr.skip(), new_turns, new_note
            return gr.skip(), chat.select_citation(t, int(evt.turn), int(evt.cite)), t, gr.skip()

        transcript.click(on_click, [turns, note, conversation], [transcript, evidence, turns, note],
                         api_visibility="private")  # fmt: skip
        clear.click(lambda: ([], transcript_html([]), EMPTY_EVIDENCE, "", None, None), None,
                    [turns, transcript, evidence, question, export, conversation],
                    api_visibility="private")  # fmt: skip

        opened = [turns, transcript, evidence, conversation, collection, past]

        def on_open(cid: str | None, request: gr.Request) -> tuple[Any, ...]:
            return chat.open(cid, chat.user(request.username))

        def on_new(request: gr.Request) -> tuple[Any, ...]:
            return chat.new(chat.user(request.username))

        def on_sidebar(request: gr.Request) -> Any:
            return chat.sidebar(chat.user(request.username))

        past.input(on_open, [past], opened, api_visibility="private")
        new_chat.click(on_new, None, opened, api_visibility="private")
        app.load(on_sidebar, None, [past], api_visibility="private")

        docs_out = [sources, to_remove, collection, settings_line]

        def on_documents(c: str, request: gr.Request) -> tuple[Any, ...]:
            return chat.documents_view(c, chat.user(request.username))

        app.load(on_documents, [collection], docs_out, api_visibility="private")
        collection.change(on_documents, [collection], docs_out, api_visibility="private")

        def on_add(
            f: list[str] | None,
            c: str,
            t: list[Turn],
            request: gr.Request,
            progress: Any = gr.Progress(),  # noqa: B008
        ) -> tuple[Any, ...]:
            html, new_turns = chat.upload(f, c, t, progress, chat.user(request.username))
            return (html, None, new_turns, transcript_html(new_turns))

        add.click(on_add, [files, collection, turns], [status, files, turns, transcript],
                  concurrency_limit=1, concurrency_id="store", api_visibility="private",
                  ).then(on_documents, [collection], docs_out,
                         api_visibility="private")  # fmt: skip

        def on_remove(s: str | None, c: str, t: list[Turn], request: gr.Request) -> tuple[Any, ...]:
            html, new_turns = chat.remove(s, c, t, chat.user(request.username))
            return (html, new_turns, transcript_html(new_turns))

        remove.click(on_remove, [to_remove, collection, turns], [status, turns, transcript],
                     concurrency_limit=1, concurrency_id="store", api_visibility="private",
                     ).then(on_documents, [collection], docs_out,
                            api_visibility="private")  # fmt: skip
    return app


def launch_options(settings: Settings, chat: ChatApp) -> dict[str, Any]:
    """Keyword arguments for mounting the UI: bind where the settings say, 127.0.0.1 by
    default; once any user exists, a login (a user's name and password; throttled: backoff
    after failures, per user and address) is required. Without users the UI may only bind
    to this machine."""
    has_users = require_users_to_expose(settings.host, chat.users)
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": throttled_login(chat.login) if has_users else None,
        "auth_message": "Log in with the name and password `rag users add` printed.",
        "show_error": False,
        "max_file_size": int(settings.max_file_mb * 1_000_000),
        "css": CSS,
    }


def mount(
    parent: FastAPI,
    settings: Settings,
    services: Services,
    *,
    upload_root: Path | None = None,
) -> FastAPI:
    """Mount the UI at ``/`` of ``parent`` (the HTTP API's app), sharing its services; the
    models load in the background at start. Refuses (ConfigError) to listen beyond this
    machine while no user exists."""
    chat = ChatApp(settings, upload_root, services)
    options = launch_options(settings, chat)
    if options["auth"] is not None:
        parent.add_middleware(ClientAddressMiddleware)  # the login throttle's client address
    blocks = build_app(settings, upload_root, warm=True, chat=chat)
    blocks.queue(default_concurrency_limit=ASK_CONCURRENCY)
    return gr.mount_gradio_app(parent, blocks, path="/", theme=gr.themes.Soft(), **options)
