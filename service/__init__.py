"""The service tier: what every front end (CLI, UI, HTTP API, eval) calls, and nothing else.

:class:`LibraryService` is the one write path (ingest, uploads, forget) and lists documents
and collections; :class:`ChatService` answers questions through one engine per collection.
:func:`build_services` wires them so that a change in the library reaches the engines.
Users, collection access and conversations live in the application database
(:mod:`service.db`), opened (and migrated) on first use.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.report import IngestReport
from rag.catalog import DocumentInfo
from rag.settings import Settings
from service.access import AccessService, CollectionAccess
from service.chat import ChatService
from service.conversations import (
    Conversation,
    ConversationService,
    ConversationSummary,
    Feedback,
    Turn,
)
from service.db import Database
from service.evidence import Context, page_image, source_context
from service.library import LibraryService
from service.uploads import UploadedFile, UploadResult, safe_upload_name
from service.users import OPERATOR, NewCredentials, User, UsersService, require_users_to_expose

__all__ = [
    "OPERATOR",
    "AccessService",
    "ChatService",
    "CollectionAccess",
    "Context",
    "Conversation",
    "ConversationService",
    "ConversationSummary",
    "Database",
    "Feedback",
    "NewCredentials",
    "Turn",
    "User",
    "UsersService",
    "DocumentInfo",
    "IngestReport",
    "LibraryService",
    "Services",
    "UploadResult",
    "UploadedFile",
    "build_services",
    "require_users_to_expose",
    "page_image",
    "safe_upload_name",
    "source_context",
]


@dataclass(frozen=True)
class Services:
    settings: Settings
    library: LibraryService
    chat: ChatService
    database: Database
    users: UsersService
    access: AccessService
    conversations: ConversationService


def build_services(settings: Settings, *, upload_root: Path | None = None) -> Services:
    """The services on one store and one application database; library changes invalidate
    chat engines. The database is connected (and migrated) on first use only."""
    database = Database.open(settings)
    access = AccessService(database)
    chat = ChatService(settings)
    library = LibraryService(
        settings, upload_root=upload_root, on_change=chat.invalidate, access=access
    )
    return Services(
        settings,
        library,
        chat,
        database,
        UsersService(database),
        access,
        ConversationService(database, chat, access),
    )
