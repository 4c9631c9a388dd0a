"""The service tier: what every front end (CLI, UI, HTTP API, eval) calls, and nothing else.

:class:`LibraryService` is the one write path (ingest, uploads, forget) and lists documents
and collections; :class:`ChatService` answers questions through one engine per collection.
:func:`build_services` wires them so that a change in the library reaches the engines.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.report import IngestReport
from rag.catalog import DocumentInfo
from rag.settings import Settings
from service.chat import ChatService
from service.evidence import Context, page_image, source_context
from service.library import LibraryService
from service.uploads import UploadedFile, UploadResult, safe_upload_name

__all__ = [
    "ChatService",
    "Context",
    "DocumentInfo",
    "IngestReport",
    "LibraryService",
    "Services",
    "UploadResult",
    "UploadedFile",
    "build_services",
    "page_image",
    "safe_upload_name",
    "source_context",
]


@dataclass(frozen=True)
class Services:
    settings: Settings
    library: LibraryService
    chat: ChatService


def build_services(settings: Settings, *, upload_root: Path | None = None) -> Services:
    """A library and a chat service on one store; library changes invalidate chat engines."""
    chat = ChatService(settings)
    library = LibraryService(settings, upload_root=upload_root, on_change=chat.invalidate)
    return Services(settings, library, chat)
