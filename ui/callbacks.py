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

from rag.errors import NotFoundError, RagError
from rag.settings import Settings
from service import Services, User, build_services
from service.slots import AnswerSlots
from ui.chat import Turn, add_note, error_message, respond
from ui.export import write_export
from ui.history import sidebar_update, stored_turns
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
        self.users = services.users
        self.access = services.access
        self.conversations = services.conversations
        self.export_dir = Path(tempfile.mkdtemp(prefix="rag-chat-exports-"))
        self.slots = AnswerSlots(SLOTS_PER_KEY)

    def warm_up(self) -> None:
        """Load the models and indexes before the first question, so no user waits for them."""
        self.chat.warm_up()

    def user(self, username: str | None) -> User | None:
        """The logged-in user (None without logins, which only happens while no user exists)."""
        if not username:
            return None
        return self.users.get(username)

    def login(self, username: str, password: str) -> bool:
        """Gradio's auth function: a user's name and password."""
        return self.users.authenticate_password(username, password) is not None

    def ask(
        self,
        question: str,
        turns: list[Turn],
        collection: str,
        session: str,
        conversation_id: str | None = None,
        user: User | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        """Wait for a free answer slot (showing the queue position), then answer: see
        :meth:`_answer`."""
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
                    yield (transcript_html(done), gr.skip(), gr.skip(), done, gr.skip(),
                           gr.skip(), gr.skip())  # fmt: skip
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
                    gr.skip(),
                    gr.skip(),
                )
            yield from self._answer(question, turns, collection, session, conversation_id, user)
        finally:
            ticket.leave()

    def _slot_key(self, collection: str) -> str:
        """Extractive answers share one set of slots; LLM answers have a set per collection."""
        if self.chat.backend() == "extractive":
            return "extractive"
        return f"llm:{collection or self.settings.collection}"

    def _answer(
        self,
        question: str,
        turns: list[Turn],
        collection: str,
        session: str,
        conversation_id: str | None,
        user: User | None,
    ) -> Iterator[tuple[Any, ...]]:
        """Stream an answer, then store it as the next turn of the conversation (a new one
        without ``conversation_id``). Yields transcript, question box, evidence, turns,
        export file, conversation id and sidebar."""
        current: list[Turn] = list(turns or [])
        try:
            self.access.check_read(user, self.settings.for_collection(collection).collection)
        except RagError as exc:
            current = add_note(current, error_message(exc), collection)
            yield transcript_html(current), "", gr.skip(), current, gr.skip(), gr.skip(), gr.skip()
            return
        for current in respond(self.chat, collection, question or "", turns):
            if current[-1].done:
                break
            yield (transcript_html(current), "", gr.skip(), current,
                   gr.skip(), gr.skip(), gr.skip())  # fmt: skip
        last = current[-1]
        sidebar: Any = gr.skip()
        if last.answer is not None:
            try:
                conversation_id, stored = self.conversations.record(
                    user, conversation_id, last.collection, last.answer
                )
                last.n = stored.n
                sidebar = sidebar_update(self.conversations.owned_by(user), conversation_id)
            except NotFoundError:  # deleted meanwhile (another tab): start a new one
                conversation_id, stored = self.conversations.record(
                    user, None, last.collection, last.answer
                )
                last.n = stored.n
                sidebar = sidebar_update(self.conversations.owned_by(user), conversation_id)
            except RagError as exc:
                log.error("could not store the turn: %s", exc)
                current = add_note(current, f"This answer was not saved: {exc}", collection)
        evidence = evidence_html(last.answer, turn=len(current) - 1)
        export = write_export(current, self.export_dir, session)
        yield transcript_html(current), "", evidence, current, export, conversation_id, sidebar

    def sidebar(self, user: User | None) -> Any:
        return sidebar_update(self.conversations.owned_by(user), None)

    def open(self, conversation_id: str | None, user: User | None) -> tuple[Any, ...]:
        """A stored conversation in the chat: turns, transcript, evidence of its last answer,
        its id and its collection."""
        if not conversation_id:
            return self.new(user)
        try:
            conversation = self.conversations.get(user, conversation_id)
        except RagError as exc:
            turns = add_note([], error_message(exc), self.settings.collection)
            return turns, transcript_html(turns), EMPTY_EVIDENCE, None, gr.skip(), gr.skip()
        turns = stored_turns(conversation)
        last = turns[-1].answer if turns else None
        evidence = evidence_html(last, turn=len(turns) - 1) if last else EMPTY_EVIDENCE
        return (turns, transcript_html(turns), evidence, conversation.id,
                gr.update(value=conversation.collection), gr.skip())  # fmt: skip

    def new(self, user: User | None) -> tuple[Any, ...]:
        return ([], transcript_html([]), EMPTY_EVIDENCE, None, gr.skip(),
                sidebar_update(self.conversations.owned_by(user), None))  # fmt: skip

    def rate(
        self,
        turns: list[Turn],
        index: int,
        rating: int,
        note: str,
        conversation_id: str | None,
        user: User | None,
    ) -> tuple[Any, ...]:
        """Thumbs up or down (with the note box's text) on the turn shown at ``index``."""
        turns = list(turns or [])
        if not conversation_id or not 0 <= index < len(turns) or turns[index].n is None:
            return gr.skip(), turns, gr.skip()
        turn = turns[index]
        try:
            self.conversations.rate(user, conversation_id, turn.n or 0, rating, note)
        except RagError as exc:
            turns = add_note(turns, f"The feedback was not saved: {exc}", turn.collection)
            return transcript_html(turns), turns, gr.skip()
        turn.rating = rating
        return transcript_html(turns), turns, ""

    def select_citation(self, turns: list[Turn], turn: int, cite: int) -> str:
        if not 0 <= turn < len(turns or []):
            return EMPTY_EVIDENCE
        return evidence_html(turns[turn].answer, turn=turn, selected=cite)

    def documents_view(
        self, collection: str, user: User | None = None
    ) -> tuple[str, Any, Any, str]:
        """Sources table, removal choices, collection choices and settings for a collection:
        only the collections the user may see."""
        try:
            target = self.settings.for_collection(collection)
            names = self.library.collections(user)
            if target.collection not in names and self.access.can_read(user, target.collection):
                names = sorted({*names, target.collection})  # a new name typed in
            docs = self.library.documents(target.collection, missing_ok=True, user=user)
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
        self,
        files: list[str] | None,
        collection: str,
        turns: list[Turn],
        progress: Any,
        user: User | None = None,
    ) -> tuple[str, list[Turn]]:
        try:
            target = self.settings.for_collection(collection)
            result = self.library.ingest_uploads(
                [Path(f) for f in files or []], target.collection,
                progress=lambda frac, desc: progress(frac, desc=desc), user=user,
            )  # fmt: skip
        except Exception as exc:  # a message for the page and the chat, never a traceback
            if not isinstance(exc, RagError):
                log.exception("upload failed")
            message = f"The upload failed: {error_message(exc)}"
            return messages_html([("error", message)]), add_note(turns, message, collection)
        note = f"Documents tab, collection {target.collection}: {result.summary}"
        return messages_html(result.lines), add_note(turns, note, target.collection)

    def remove(
        self, source: str | None, collection: str, turns: list[Turn], user: User | None = None
    ) -> tuple[str, list[Turn]]:
        try:
            target = self.settings.for_collection(collection)
            removed = self.library.remove_source(source or "", target.collection, user=user)
        except RagError as exc:
            return messages_html([("error", str(exc))]), turns
        message = f"Removed {Path(source or '').name} ({removed} chunks) from {target.collection}"
        return messages_html([("ok", message)]), add_note(turns, message, target.collection)
