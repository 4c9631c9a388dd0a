"""The app's callbacks: move data between the widgets and chat, documents and render.

Each returns what the widgets show; none holds retrieval or answering logic.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rag  # noqa: F401  (offline guards before gradio is imported)

# isort: split
import gradio as gr

from rag.errors import RagError
from rag.settings import Settings
from service import Services, build_services
from service.slots import AnswerSlots
from ui.chat import Turn, add_note, error_message, respond
from ui.export import write_export
from ui.render import (
    EMPTY_EVIDENCE,
    evidence_html,
    messages_html,
    settings_html,
    sources_html,
    transcript_html,
)

log = logging.getLogger(__name__)

# Answers in flight per slot key (extractive answers share one key, LLM answers have one per
# collection); the others wait, seeing their position, at most the request timeout
# (RAG_LLM_TIMEOUT). A hung model so holds only its own collection's slots.
SLOTS_PER_KEY = 4
WAIT_STEP_SECONDS = 1.0


def public_settings(settings: Settings) -> dict[str, Any]:
    """What the settings tab shows: no API key, no password inside a URL."""
    return settings.public_view()


class ChatApp:
    """The callbacks, bound to one settings object, engine holder and upload folder."""

    def __init__(
        self,
        settings: Settings,
        upload_root: Path | None = None,
        services: Services | None = None,
    ) -> None:
        self.settings = settings
        services = services or build_services(settings, upload_root=upload_root)
        self.library = services.library
        self.chat = services.chat
        self.export_dir = Path(tempfile.mkdtemp(prefix="rag-chat-exports-"))
        self.slots = AnswerSlots(SLOTS_PER_KEY)

    def warm_up(self) -> None:
        """Load the models and indexes before the first question, so no user waits for them."""
        self.chat.warm_up()

    def ask(
        self, question: str, turns: list[Turn], collection: str, session: str
    ) -> Iterator[tuple[Any, ...]]:
        ticket = self.slots.join(self._slot_key(collection))
        try:
            deadline = time.monotonic() + self.settings.llm_timeout
            while not ticket.wait(timeout=WAIT_STEP_SECONDS):
                ahead = ticket.position()
                if time.monotonic() > deadline:
                    message = (f"The answerer is busy with other questions ({ahead} ahead of "
                               "yours); please ask again in a moment.")  # fmt: skip
                    done = [*list(turns or []), Turn(question=(question or "").strip(),
                                                    error=message, collection=collection)]  # fmt: skip
                    yield transcript_html(done), gr.skip(), gr.skip(), done, gr.skip()
                    return
                waiting = Turn(question=(question or "").strip(), collection=collection,
                               text=f"Waiting for a free answerer: position {ahead} in the "
                                    "queue…")  # fmt: skip
                yield (
                    transcript_html([*list(turns or []), waiting]),
                    "",
                    gr.skip(),
                    gr.skip(),
                    gr.skip(),
                )
            yield from self._answer(question, turns, collection, session)
        finally:
            ticket.leave()

    def _slot_key(self, collection: str) -> str:
        """Extractive answers share one set of slots; LLM answers have a set per collection."""
        if self.chat.backend() == "extractive":
            return "extractive"
        return f"llm:{collection or self.settings.collection}"

    def _answer(
        self, question: str, turns: list[Turn], collection: str, session: str
    ) -> Iterator[tuple[Any, ...]]:
        current: list[Turn] = list(turns or [])
        for current in respond(self.chat, collection, question or "", turns):
            if current[-1].done:
                break
            yield transcript_html(current), "", gr.skip(), current, gr.skip()
        last = current[-1]
        evidence = evidence_html(last.answer, turn=len(current) - 1)
        export = write_export(current, self.export_dir, session)
        yield transcript_html(current), "", evidence, current, export

    def select_citation(self, turns: list[Turn], turn: int, cite: int) -> str:
        if not 0 <= turn < len(turns or []):
            return EMPTY_EVIDENCE
        return evidence_html(turns[turn].answer, turn=turn, selected=cite)

    def documents_view(self, collection: str) -> tuple[str, Any, Any, str]:
        """Sources table, removal choices, collection choices and settings for a collection."""
        try:
            target = self.settings.for_collection(collection)
            docs = self.library.documents(target.collection, missing_ok=True)
            names = sorted({*self.library.collections(), target.collection})
        except RagError as exc:
            return (messages_html([("error", str(exc))]), gr.update(choices=[], value=None),
                    gr.skip(), settings_html(self.settings.public_view()))  # fmt: skip
        choices = [(Path(d.source).name, d.source) for d in docs]
        return (
            sources_html(docs),
            gr.update(choices=choices, value=None),
            gr.update(choices=names),
            settings_html(target.public_view()),
        )

    def upload(
        self, files: list[str] | None, collection: str, turns: list[Turn], progress: Any
    ) -> tuple[str, list[Turn]]:
        try:
            target = self.settings.for_collection(collection)
            result = self.library.ingest_uploads(
                [Path(f) for f in files or []], target.collection,
                progress=lambda frac, desc: progress(frac, desc=desc),
            )  # fmt: skip
        except Exception as exc:  # a message for the page and the chat, never a traceback
            if not isinstance(exc, RagError):
                log.exception("upload failed")
            message = f"The upload failed: {error_message(exc)}"
            return messages_html([("error", message)]), add_note(turns, message, collection)
        note = f"Documents tab, collection {target.collection}: {result.summary}"
        return messages_html(result.lines), add_note(turns, note, target.collection)

    def remove(
        self, source: str | None, collection: str, turns: list[Turn]
    ) -> tuple[str, list[Turn]]:
        try:
            target = self.settings.for_collection(collection)
            removed = self.library.remove_source(source or "", target.collection)
        except RagError as exc:
            return messages_html([("error", str(exc))]), turns
        message = f"Removed {Path(source or '').name} ({removed} chunks) from {target.collection}"
        return messages_html([("ok", message)]), add_note(turns, message, target.collection)
