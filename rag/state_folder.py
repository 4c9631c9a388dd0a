"""Folders of derived data kept per collection state (the BM25 index, the unit matrix).

A folder is written under a temporary name, marked complete last and renamed into place, so
a reader sees a whole folder or none; when a new state's folder is kept, the folders of earlier
states are removed (open memory maps of their files stay valid)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from uuid import uuid4

_COMPLETE = "complete"  # written last inside a folder


def is_complete(folder: Path) -> bool:
    return (folder / _COMPLETE).is_file()


def write_complete(folder: Path, fill: Callable[[Path], None]) -> None:
    """Create ``folder`` with what ``fill`` writes into an empty staging folder, whole or not
    at all. Raises OSError (or what ``fill`` raises) when it cannot."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".{folder.name}.{os.getpid()}-{uuid4().hex[:8]}"
    try:
        staging.mkdir()
        fill(staging)
        (staging / _COMPLETE).write_text("ok\n", encoding="utf-8")
        try:
            staging.rename(folder)
        except OSError:
            if not is_complete(folder):  # not another process that won the race
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def remove_others(keep: Path) -> None:
    """Drop the folders of earlier states beside ``keep``."""
    for other in keep.parent.iterdir():
        if other != keep and not other.name.startswith("."):
            shutil.rmtree(other, ignore_errors=True)
