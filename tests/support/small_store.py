"""A small real store: a few documents written to a folder and ingested into a new store."""

from __future__ import annotations

from pathlib import Path

from rag.settings import Settings, load_settings
from service import LibraryService


def ingest_texts(base: Path, texts: dict[str, str]) -> tuple[Settings, Path]:
    """``texts`` (file name -> text) written under ``base/docs`` and ingested into
    ``base/store``; the store's settings and the documents folder."""
    docs = base / "docs"
    docs.mkdir()
    for name, text in texts.items():
        (docs / name).write_text(text, encoding="utf-8")
    settings = load_settings(store=base / "store")
    LibraryService(settings).ingest([docs])
    return settings, docs
