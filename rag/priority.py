"""Questions before ingest: background embedding yields to answers in the same process.

An upload in the UI and the questions of its users share one process and one torch thread
pool. Work marked :func:`background_work` (the ingest's embedding batches) waits before each
model batch while any :func:`foreground_work` (an answer being retrieved or written) is in
flight, for at most ``MAX_YIELD_SECONDS`` at a time, so an ingest always makes progress
under a steady stream of questions. Between processes (``rag ingest`` beside a serving
process) the operating system does this: ``rag ingest`` runs at a lower CPU priority (see
:func:`lower_process_priority`).

This is process-wide by nature (one torch thread pool per process), like the model itself.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

log = logging.getLogger(__name__)

MAX_YIELD_SECONDS = 2.0
BACKGROUND_NICENESS = 10  # CFS weight 110 vs 1024: a busy serving process gets ~90% of a core

_background: ContextVar[bool] = ContextVar("rag_background_work", default=False)
_cond = threading.Condition()
_foreground = 0


@contextmanager
def background_work() -> Iterator[None]:
    """Mark embedding done inside as background (it yields to answers)."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


@contextmanager
def foreground_work() -> Iterator[None]:
    """Mark an answer in flight: background batches wait until none is."""
    global _foreground
    with _cond:
        _foreground += 1
    try:
        yield
    finally:
        with _cond:
            _foreground -= 1
            _cond.notify_all()


def yield_to_foreground() -> None:
    """Called before each model batch: background work waits while answers are in flight."""
    if not _background.get():
        return
    with _cond:
        _cond.wait_for(lambda: _foreground == 0, timeout=MAX_YIELD_SECONDS)


def lower_process_priority() -> None:
    """Make this whole process background work for the scheduler (``rag ingest``)."""
    try:
        os.nice(BACKGROUND_NICENESS)
    except OSError as exc:  # not permitted here: the ingest still runs, just not yielding
        log.debug("could not lower the CPU priority: %s", exc)
