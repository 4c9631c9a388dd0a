"""The document catalogue: versions grouped once per collection state, superseded versions
hidden from queries, and a summary kept on disk for the next process."""

from __future__ import annotations

from pathlib import Path

from rag.catalog import read_catalog
from rag.settings import load_settings
from rag.store import Store
from service import LibraryService


def test_superseded_versions_keep_the_newest_complete_one() -> None:
    def chunks(source: str, doc: str, n: int, of: int, when: str) -> list[tuple[str, dict]]:
        meta = {"source": source, "doc_id": doc, "n_chunks": of, "ingested_at": when}
        return [(f"{doc}-{k}", meta) for k in range(n)]

    catalog = read_catalog(
        chunks("/a.txt", "a1", 3, 3, "2026-01-01")  # old, complete
        + chunks("/a.txt", "a2", 2, 2, "2026-02-01")  # new, complete: replaces a1
        + chunks("/b.txt", "b1", 4, 4, "2026-01-01")  # old, complete: kept
        + chunks("/b.txt", "b2", 1, 5, "2026-02-01")  # new, partly written
        + chunks("/c.txt", "c1", 2, 2, "2026-01-01")  # the only version
        + chunks("/d.txt", "d1", 1, 3, "2026-01-01")  # two partial versions:
        + chunks("/d.txt", "d2", 2, 3, "2026-02-01")  # the one with more chunks stays
    )
    assert catalog.superseded == {"a1", "b2", "d1"}
    by_doc = {d.doc_id: d for d in catalog.documents}
    assert by_doc["b2"].chunks == 1 and not by_doc["b2"].complete and by_doc["b1"].complete
    assert catalog.versions is not None and len(catalog.versions["/d.txt"]["d2"].chunk_ids) == 2


def test_catalogue_is_read_once_per_state_and_loaded_by_a_new_process(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Quinces grow in Kettlewick.", encoding="utf-8")
    settings = load_settings(store=tmp_path / "store")
    LibraryService(settings).ingest([docs])

    fresh = Store(settings)  # what a new process does: the summary is on disk already
    [doc] = fresh.catalog.current().documents
    assert Path(doc.source).name == "a.txt" and doc.complete
    assert fresh.catalog.reads == 0
    fresh.catalog.current()
    assert fresh.catalog.reads == 0

    (docs / "b.txt").write_text("The harbour froze in 1947.", encoding="utf-8")
    LibraryService(settings).ingest([docs])  # another writer: a new state
    assert len(fresh.catalog.current().documents) == 2
