"""The chat service: one engine per collection, asked, streamed and warmed through one door.

Engines are built once per collection and process (the embedding model is shared, see
:func:`rag.backends.build_embedding`) and dropped when the library service reports that the
collection changed; an engine also follows changes made by other processes by itself (its
indexes are keyed by the collection's state).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator

from rag.answering.base import AnswerDelta
from rag.engine import RagEngine
from rag.models import Answer, Passage
from rag.priority import foreground_work
from rag.settings import Settings

log = logging.getLogger(__name__)

History = list[tuple[str, str]]


class ChatService:
    """Questions to the collections of one store."""

    def __init__(
        self,
        settings: Settings,
        engine_factory: Callable[[Settings], RagEngine] = RagEngine.from_settings,
    ) -> None:
        self.settings = settings
        self._factory = engine_factory
        self._engines: dict[str, RagEngine] = {}
        self._lock = threading.Lock()

    def engine(self, collection: str | None = None) -> RagEngine:
        target = self.settings.for_collection(collection)
        with self._lock:
            engine = self._engines.get(target.collection)
            if engine is None:
                engine = self._factory(target)
                self._engines[target.collection] = engine
            return engine

    def invalidate(self, collection: str | None = None) -> None:
        """Forget the engine of a collection whose documents changed."""
        with self._lock:
            self._engines.pop(collection or self.settings.collection, None)

    def backend(self) -> str:
        """The answerer's name (``extractive``, ``openai``, ``openai-compatible``)."""
        return self.settings.llm

    def ask(
        self,
        question: str,
        collection: str | None = None,
        history: History | None = None,
        top_k: int | None = None,
    ) -> Answer:
        with foreground_work():  # an ingest in this process waits for it (rag.priority)
            return self.engine(collection).ask(question, history, top_k)

    def stream(
        self,
        question: str,
        collection: str | None = None,
        history: History | None = None,
        top_k: int | None = None,
    ) -> Iterator[AnswerDelta | Answer]:
        """Text deltas, then the final :class:`Answer`."""
        with foreground_work():
            yield from self.engine(collection).stream(question, history, top_k)

    def retrieve(
        self, question: str, collection: str | None = None, top_k: int | None = None
    ) -> list[Passage]:
        with foreground_work():
            return self.engine(collection).retrieve(question, top_k)

    def warm_up(self, collection: str | None = None) -> None:
        """Load the models and indexes before the first question, so no user waits for them."""
        try:
            self.retrieve("warm up", collection)  # also loads the BM25 index once
        except Exception as exc:  # no store yet, say: the first question will report it
            log.info("engine not loaded at start: %s", exc)
