"""Retrieval-augmented question answering with checkable citations.

Public API: :class:`Settings`, :func:`load_settings`, :class:`RagEngine`, the data classes
:class:`Answer`, :class:`Citation`, :class:`Chunk`, :class:`Passage`, and :class:`RagError`.
"""

from rag import offline as _offline  # noqa: F401  (must run before any model library import)
from rag.errors import ConfigError, InputError, LLMError, RagError, StoreMissingError
from rag.models import Answer, Chunk, Citation, Passage
from rag.settings import Settings, load_settings

__all__ = [
    "Answer",
    "Chunk",
    "Citation",
    "ConfigError",
    "InputError",
    "LLMError",
    "Passage",
    "RagError",
    "Settings",
    "StoreMissingError",
    "load_settings",
]
