"""The persisted BM25 index: built once per collection state, shared by processes, rebuilt
when the collection changes or the files are damaged."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from rag.bm25_index import Bm25Index
from rag.settings import Settings, load_settings
from rag.store import Store
from service import LibraryService
from tests.support.small_store import ingest_texts

ORCHARD = "The orchard in Kettlewick grew quinces and medlars on the southern slope."
HARBOUR = "The harbour at Dunmarrow froze solid for nine days in the winter of 1947."


def bm25_texts(index: Bm25Index, query: str, k: int = 3) -> list[str]:
    retriever = index.retriever(k)
    assert retriever is not None
    return [r.node.get_content() for r in retriever.retrieve(query)]


@pytest.fixture
def orchard_store(tmp_path: Path) -> Settings:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "orchard.txt").write_text(ORCHARD, encoding="utf-8")
    settings = load_settings(store=tmp_path / "store")
    LibraryService(settings).ingest([docs])
    return settings


def folders(settings: Settings) -> list[Path]:
    base = settings.store / "derived" / settings.collection / "bm25"
    return sorted(p for p in base.iterdir() if not p.name.startswith("."))


def test_ingest_leaves_an_index_that_a_new_process_loads_instead_of_building(
    orchard_store: Settings,
) -> None:
    [folder] = folders(orchard_store)
    count, generation = Store(orchard_store).state()
    assert folder.name == f"{count}-{generation}" and generation
    index = Bm25Index(Store(orchard_store))  # what a fresh `rag ask` process does
    assert bm25_texts(index, "quinces medlars")[0] == ORCHARD
    assert index.builds == 0


def test_a_write_by_another_store_object_is_seen_and_replaces_the_old_folder(
    orchard_store: Settings, tmp_path: Path
) -> None:
    reader = Bm25Index(Store(orchard_store))
    assert bm25_texts(reader, "harbour froze")[0] == ORCHARD  # the only chunk there is
    more = tmp_path / "more"
    more.mkdir()
    (more / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    LibraryService(orchard_store).ingest([more])  # its own Store, as another process would
    assert bm25_texts(reader, "harbour froze")[0] == HARBOUR
    assert reader.builds == 0  # the ingest built it; the reader loaded it
    assert len(folders(orchard_store)) == 1

    LibraryService(orchard_store).forget([more / "harbour.txt"])
    assert bm25_texts(reader, "harbour froze") == [ORCHARD]
    assert reader.builds == 0  # forget, like ingest, leaves the new state's index built
    assert len(folders(orchard_store)) == 1


def test_a_damaged_index_is_rebuilt_with_a_warning(
    orchard_store: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    [folder] = folders(orchard_store)
    for f in folder.iterdir():
        if f.suffix in (".npy", ".jsonl"):
            f.write_bytes(b"\x00garbage")
    index = Bm25Index(Store(orchard_store))
    with caplog.at_level("WARNING"):
        assert bm25_texts(index, "quinces")[0] == ORCHARD
    assert index.builds == 1 and "unreadable" in caplog.text
    assert Bm25Index(Store(orchard_store)).retriever(1) is not None


def test_concurrent_first_queries_build_once(tmp_path: Path, orchard_store: Settings) -> None:
    import shutil

    shutil.rmtree(orchard_store.store / "derived")
    index = Bm25Index(Store(orchard_store))
    results: list[list[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(bm25_texts(index, "orchard")))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [[ORCHARD]] * 4
    assert index.builds == 1


def test_an_empty_collection_has_no_bm25(tmp_path: Path) -> None:
    settings = load_settings(store=tmp_path / "store")
    assert Bm25Index(Store(settings, create=True)).retriever(5) is None


def test_a_store_from_before_generations_gets_one_and_a_kept_index(
    orchard_store: Settings,
) -> None:
    import shutil

    store = Store(orchard_store)
    store._collection.modify(metadata={"written_by": "an older version"})  # no generation
    shutil.rmtree(orchard_store.store / "derived")
    assert store.state()[1] == ""
    assert bm25_texts(Bm25Index(store), "quinces")[0] == ORCHARD
    count, generation = Store(orchard_store).state()
    assert generation and [f.name for f in folders(orchard_store)] == [f"{count}-{generation}"]
    later = Bm25Index(Store(orchard_store))
    assert bm25_texts(later, "quinces")[0] == ORCHARD and later.builds == 0


def test_each_query_gets_its_own_k(tmp_path: Path) -> None:
    """Two questions in flight with different top_k: neither changes the other's (the shared
    index is never mutated per query)."""
    settings, _ = ingest_texts(tmp_path, {"orchard.txt": ORCHARD, "harbour.txt": HARBOUR})
    index = Bm25Index(Store(settings))
    one, two = index.retriever(1), index.retriever(2)
    assert one is not None and two is not None
    query = "the orchard and the harbour"
    assert len(one.retrieve(query)) == 1 and len(two.retrieve(query)) == 2


def test_a_view_of_an_index_built_in_this_process_finds_its_chunks() -> None:
    """An index built here and never written (a Chroma server's collection) keeps its corpus
    in the retriever; the per-query view must read it from there."""
    from llama_index.core.schema import TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    from rag.bm25_index import bm25_view

    nodes = [TextNode(text=ORCHARD), TextNode(text=HARBOUR)]
    base = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=1)
    found = bm25_view(base, 1).retrieve("when did the harbour freeze")
    assert [r.node.get_content() for r in found] == [HARBOUR]
