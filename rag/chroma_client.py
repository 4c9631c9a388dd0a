"""Connecting to Chroma: the embedded store on disk or a Chroma server, and telling a server
that cannot be reached (:class:`StoreUnavailableError`) from a collection that is missing."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from rag.errors import ConfigError, RagError, StoreMissingError, StoreUnavailableError
from rag.settings import scrub_url

if TYPE_CHECKING:
    from rag.settings import Settings

# Chroma builds one shared "system" per store path on first use, and two threads doing that
# at once break it ("'RustBindingsAPI' object has no attribute 'bindings'"): a server's
# first requests and its warm-up thread open the store together, so clients are made one
# at a time.
_CLIENT_LOCK = threading.Lock()


def is_connection_error(exc: BaseException) -> bool:
    """A failure to talk to a Chroma server at all (refused, reset, timed out)."""
    import httpx  # chromadb's HTTP client: deferred with chromadb itself

    if isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError)):
        return True
    return "could not connect to a chroma server" in str(exc).lower()


def raise_if_unreachable(settings: Settings, exc: BaseException) -> None:
    if settings.chroma_url and is_connection_error(exc):
        reason = str(exc) or type(exc).__name__
        raise StoreUnavailableError(
            f"cannot reach the Chroma server at {scrub_url(settings.chroma_url)}: {reason}"
        ) from None


def where(settings: Settings) -> str:
    return settings.chroma_url or str(settings.store)


def make_client(settings: Settings, *, create: bool) -> Any:
    # deferred for start-up time: chromadb only where needed
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(
                f"RAG_CHROMA_URL must look like http://host:port, got {url.geturl()!r}"
            )
        try:
            with _CLIENT_LOCK:
                return chromadb.HttpClient(
                    host=url.hostname,
                    port=url.port or (443 if url.scheme == "https" else 8000),
                    ssl=url.scheme == "https",
                    settings=chroma_settings,
                )
        except Exception as exc:
            raise StoreUnavailableError(
                f"cannot reach the Chroma server at {scrub_url(settings.chroma_url)}: {exc}"
            ) from None
    path = settings.store
    if not create and not path.is_dir():
        raise StoreMissingError(f"no store at {path}; run `rag ingest` first")
    if path.exists() and not path.is_dir():
        raise ConfigError(f"the store path {path} is a file, not a directory")
    try:
        with _CLIENT_LOCK:
            return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:
        raise RagError(f"cannot open the store at {path}: {exc}") from None
