"""One engine per collection, built once per process and rebuilt only when documents change."""

from __future__ import annotations

import threading
from typing import Any

from rag.engine import RagEngine
from rag.errors import InputError
from rag.settings import Settings


def settings_for(settings: Settings, collection: str | None) -> Settings:
    """``settings`` pointed at another collection, with the name validated like any setting."""
    if not collection or collection == settings.collection:
        return settings
    from pydantic import ValidationError

    data: dict[str, Any] = settings.model_dump()
    data["collection"] = collection.strip()
    try:
        return Settings.model_validate(data)
    except ValidationError:
        raise InputError(
            f"{collection!r} is not a valid collection name: use 2-63 letters, digits, "
            "'.', '_' or '-', starting with a letter or digit"
        ) from None


class EngineHolder:
    """Loads engines lazily so the UI starts even without a store.

    The embedding model is cached per process by :mod:`rag.embedding`, so building a second
    engine (another collection, or after an upload) costs an index refresh, not a model load.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engines: dict[str, RagEngine] = {}
        self._lock = threading.Lock()

    def get(self, collection: str | None = None) -> RagEngine:
        target = settings_for(self.settings, collection)
        with self._lock:
            engine = self._engines.get(target.collection)
            if engine is None:
                engine = RagEngine(target)
                self._engines[target.collection] = engine
            return engine

    def invalidate(self, collection: str | None = None) -> None:
        """Forget the engine of a collection whose documents changed."""
        with self._lock:
            self._engines.pop(collection or self.settings.collection, None)
