"""Retrieval-augmented question answering with checkable citations: the core library.

Public API: :func:`load_settings` and :class:`Settings`; :class:`RagEngine`; the data classes
:class:`Answer`, :class:`Citation`, :class:`Chunk`, :class:`Passage`, :class:`AnswerDelta`
(a streamed piece of answer text); and the error family rooted at :class:`RagError`.
"""

from rag import offline as _offline  # noqa: F401  (must run before any model library import)
from rag.answering.base import AnswerDelta
from rag.engine import RagEngine, check_question
from rag.errors import ConfigError, InputError, LLMError, RagError, StoreMissingError
from rag.models import Answer, Chunk, Citation, Passage
from rag.settings import Settings, load_settings

__all__ = [
    "Answer",
    "AnswerDelta",
    "Chunk",
    "Citation",
    "ConfigError",
    "InputError",
    "LLMError",
    "Passage",
    "RagEngine",
    "RagError",
    "Settings",
    "StoreMissingError",
    "check_question",
    "load_settings",
]
