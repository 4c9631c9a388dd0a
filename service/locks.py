"""One writer per collection at a time, across processes: an advisory file lock.

Two ``rag ingest`` runs of the same folder used to both embed everything (4x the wall time
on 2 cores); with the lock the second one waits, says so, and then finds every file
unchanged. The lock is ``flock`` on a small file, released by the kernel when its holder
exits or is killed, so a crashed ingest never leaves a stale lock behind.

The lock file lives beside the embedded store (``<store>/locks/``); for a Chroma server,
which has no local store, in the temp folder, keyed by the server's URL, so the lock holds
between processes of one machine.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag.errors import RagError
from rag.settings import Settings, scrub_url

log = logging.getLogger(__name__)


def lock_path(settings: Settings) -> Path:
    if settings.chroma_url:
        key = hashlib.sha256(f"{settings.chroma_url}\0{settings.collection}".encode()).hexdigest()
        return Path(tempfile.gettempdir()) / "rag-locks" / f"{key[:24]}.lock"
    return settings.store / "locks" / f"{settings.collection}.lock"


@contextmanager
def collection_lock(settings: Settings) -> Iterator[None]:
    """Hold the write lock of ``settings.collection``; wait (and log why) if another has it."""
    path = lock_path(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise RagError(f"cannot create the lock file {path}: {exc.strerror or exc}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "?"
            where = scrub_url(settings.chroma_url) if settings.chroma_url else settings.store
            log.warning(
                "another process (pid %s) is writing to collection %r at %s; "
                "waiting for it to finish",
                holder,
                settings.collection,
                where,
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock
