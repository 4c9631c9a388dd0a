"""The unit matrix kept on disk: a new index (a new process) loads it instead of building it,
with the same results; a collection changed by a writer that did not refresh it is never served
from the stale file; a damaged or foreign file is rebuilt with a log line, never an error; a
retrieval reads the collection's state once."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from index.chunking import chunk_text
from rag.backends import build_embedding
from rag.models import Chunk
from rag.retrieval import HybridRetriever
from rag.sentence_vectors import sentence_vectors_of
from rag.settings import Settings
from rag.store import Store
from rag.unit_index import UnitIndex
from service import LibraryService
from tests.rag.test_unit_index import FROST, HARBOUR, ICE, ORCHARD, two_docs

__all__ = ["two_docs"]  # the fixture, shared with test_unit_index


def _index(settings: Settings) -> UnitIndex:
    """A unit index as a new process opens it."""
    store = Store(settings)
    return UnitIndex(store, sentence_vectors_of(store, build_embedding(settings)))


def _results(index: UnitIndex, question: str) -> list[tuple[str, str, float]]:
    vector = np.asarray(build_embedding(index.store.settings).get_query_embedding(question))
    found = index.search(vector, 5)
    assert found is not None
    return [(r.node.node_id, r.node.get_content(), round(float(r.score or 0), 6)) for r in found]


def _kept(settings: Settings) -> list[Path]:
    """The kept matrices' folders (one per collection state)."""
    base = settings.store / "derived" / settings.collection / f"units-{settings.embedding}"
    return sorted(p for p in base.iterdir() if not p.name.startswith(".")) if base.is_dir() else []


def test_the_first_build_is_kept_and_a_new_index_loads_it_with_the_same_results(
    two_docs: tuple[Settings, Path],
) -> None:
    settings, _ = two_docs
    for folder in _kept(settings):  # as a store from before matrices were kept
        shutil.rmtree(folder)
    first = _index(settings)
    built = [_results(first, q) for q in (FROST, ICE)]
    assert (first.builds, first.loads) == (1, 0)
    count, generation = Store(settings).state()
    assert [f.name for f in _kept(settings)] == [f"{count}-{generation}"]
    second = _index(settings)
    assert [_results(second, q) for q in (FROST, ICE)] == built
    assert (second.builds, second.loads) == (0, 1)
    assert built[0][0][1] == ORCHARD and built[1][0][1] == HARBOUR


def test_an_ingest_keeps_the_matrix_of_the_new_state(
    two_docs: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, _ = two_docs
    more = tmp_path / "more"
    more.mkdir()
    (more / "well.txt").write_text(
        "The village well at Ashcombe was dug in 1802 and is forty feet deep. "
        "Its water was said to cure sore eyes, and pilgrims came for it every May.",
        encoding="utf-8",
    )
    LibraryService(settings).ingest([more])
    count, generation = Store(settings).state()
    assert [f.name for f in _kept(settings)] == [f"{count}-{generation}"]  # the old one removed
    index = _index(settings)
    assert "Ashcombe" in _results(index, "How deep is the well at Ashcombe?")[0][1]
    assert (index.builds, index.loads) == (0, 1)


def test_a_collection_changed_without_a_refresh_is_not_served_from_the_stale_file(
    two_docs: tuple[Settings, Path],
) -> None:
    settings, docs = two_docs
    [stale] = _kept(settings)
    store = Store(settings)
    harbour = next(s for s in store.catalog.full().sources() if s.endswith("harbour.txt"))
    store.delete_sources([harbour])  # a writer that does not refresh the derived indexes
    index = _index(settings)
    assert [text for _, text, _ in _results(index, ICE)] == [ORCHARD]
    assert (index.builds, index.loads) == (1, 0)
    assert stale not in _kept(settings)

    chunks = _chunks_of(docs / "harbour.txt", settings)
    vectors = build_embedding(settings).get_text_embedding_batch([c.embed_text() for c in chunks])
    LibraryService(settings).import_chunks(chunks, vectors, refresh=False)  # no refresh either
    again = _index(settings)
    assert _results(again, ICE)[0][1] == HARBOUR  # the new document, not the kept state
    assert (again.builds, again.loads) == (1, 0)


Damage = Callable[[Path], None]


def _garbage_vectors(folder: Path) -> None:
    (folder / "vectors.npy").write_bytes(b"\x93NUMPY not really")


def _truncated_chunks(folder: Path) -> None:
    text = (folder / "chunks.json").read_text(encoding="utf-8")
    (folder / "chunks.json").write_text(text[: len(text) // 2], encoding="utf-8")


def _rows_lost(folder: Path) -> None:
    vectors = np.load(folder / "vectors.npy")
    np.save(folder / "vectors.npy", vectors[:-1])  # the chunks' last unit has no row


def _other_unit_code(folder: Path) -> None:
    meta = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
    meta["fingerprint"] = "0" * 16  # written by a version that split chunks otherwise
    (folder / "chunks.json").write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize(
    "damage", [_garbage_vectors, _truncated_chunks, _rows_lost, _other_unit_code]
)
def test_a_damaged_or_foreign_file_is_rebuilt_with_a_log_line(
    two_docs: tuple[Settings, Path], damage: Damage, caplog: pytest.LogCaptureFixture
) -> None:
    settings, _ = two_docs
    [folder] = _kept(settings)
    expected = _results(_index(settings), FROST)
    damage(folder)
    caplog.set_level(logging.INFO, logger="rag.unit_matrix_file")
    index = _index(settings)
    assert _results(index, FROST) == expected
    assert (index.builds, index.loads) == (1, 0)
    assert any(str(folder) in r.getMessage() and "rebuilding" in r.getMessage()
               for r in caplog.records)  # fmt: skip
    later = _index(settings)  # the rebuilt matrix was kept again
    assert _results(later, FROST) == expected and (later.builds, later.loads) == (0, 1)


def test_a_retrieval_reads_the_collection_state_once(
    two_docs: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = two_docs
    store = Store(settings)
    vectors = sentence_vectors_of(store, build_embedding(settings))
    retriever = HybridRetriever(settings, store, build_embedding(settings), vectors)
    assert retriever.retrieve(FROST)[0].text == ORCHARD  # caches filled
    reads = 0
    real_state = Store.state

    def counted(self: Store) -> tuple[int, str]:
        nonlocal reads
        reads += 1
        return real_state(self)

    monkeypatch.setattr(Store, "state", counted)
    passages = retriever.retrieve(ICE)
    assert passages[0].text == HARBOUR and len(passages) == 2
    assert reads == 1


def _chunks_of(path: Path, settings: Settings) -> list[Chunk]:
    text = path.read_text(encoding="utf-8")
    return chunk_text(text, doc_id="harbour-again", source=str(path.resolve()),
                      chunk_size=settings.chunk_size, chunk_overlap=settings.chunk_overlap)  # fmt: skip
