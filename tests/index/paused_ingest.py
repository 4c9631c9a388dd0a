"""``python tests/index/paused_ingest.py STORE DOCS``: an ingest through the service that
pauses after each write of new chunks, before the old ones are deleted, so that a test can
kill it exactly there. The pause is a hook passed in code, not a user setting."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rag.settings import load_settings
from service import LibraryService


def pause(paths: list[Path]) -> None:
    print(f"test hook: wrote {', '.join(map(str, paths))}", file=sys.stderr, flush=True)
    time.sleep(120)


if __name__ == "__main__":
    store, docs = sys.argv[1:3]
    # Batches of two chunks (one per file) make the first write hold two of the files.
    settings = load_settings(store=Path(store), embed_batch_size=2)
    LibraryService(settings).ingest([docs], after_write=pause)
