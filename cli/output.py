"""What the CLI prints: sources relative to the working directory, quiet libraries."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path


def display_source(source: str) -> str:
    """A source path relative to the working directory when it lies below it."""
    try:
        return str(Path(source).relative_to(Path.cwd()))
    except ValueError:
        return source


def quiet_libraries(debug: bool) -> None:
    if debug:
        return
    for name in (
        "httpx",
        "chromadb",
        "sentence_transformers",
        "transformers",
        "llama_index",
        "bm25s",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)
    # huggingface_hub (and so transformers) reads this when first imported. Importing
    # transformers here only to silence it cost a second of every cold start.
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    transformers = sys.modules.get("transformers")
    if transformers is not None:
        transformers.utils.logging.disable_progress_bar()
