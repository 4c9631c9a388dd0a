"""Dense retrieval by answer unit: a chunk scores its best unit's similarity; the index follows
new and forgotten documents, keeps to the documents a question names, and while unit vectors
are missing (an ingest still storing them) retrieval falls back on chunk vectors."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from rag import unit_index
from rag.answering.units import answer_units
from rag.backends import build_embedding
from rag.engine import RagEngine
from rag.node_passage import to_passage
from rag.retrieval import HybridRetriever
from rag.sentence_vectors import SentenceVectors, sentence_vectors_of
from rag.settings import Settings
from rag.store import Store
from rag.unit_index import UnitIndex
from service import LibraryService
from tests.support.small_store import ingest_texts

ORCHARD = (
    "The orchard in Kettlewick grew quinces and medlars on the southern slope. "
    "Its owner, Mabel Orrin, sold the fruit at the Saturday market in the town square. "
    "In 1931 a late frost killed every blossom and the orchard gave no fruit that year."
)
HARBOUR = (
    "The harbour at Dunmarrow froze solid for nine days in the winter of 1947. "
    "Fishing boats stayed tied up at the quay until the ice broke in early March. "
    "The harbour master kept a diary of the freeze that the town museum still shows."
)
FROST = "Which year did a late frost kill all the blossom in the orchard?"
ICE = "How long was the harbour frozen during the winter of 1947?"


@pytest.fixture
def two_docs(tmp_path: Path) -> tuple[Settings, Path]:
    return ingest_texts(tmp_path, {"orchard.txt": ORCHARD, "harbour.txt": HARBOUR})


def _index(settings: Settings) -> UnitIndex:
    store = Store(settings)
    return UnitIndex(store, sentence_vectors_of(store, build_embedding(settings)))


def _search(index: UnitIndex, question: str, sources: list[str] | None = None) -> list[str]:
    vector = np.asarray(build_embedding(index.store.settings).get_query_embedding(question))
    found = index.search(vector, 5, sources)
    assert found is not None
    return [r.node.get_content() for r in found]


def test_a_chunk_scores_the_similarity_of_its_best_unit(two_docs: tuple[Settings, Path]) -> None:
    settings, _ = two_docs
    index = _index(settings)
    model = build_embedding(settings)
    query = np.asarray(model.get_query_embedding(FROST))
    found = index.search(query, 5)
    assert found is not None and [r.node.get_content() for r in found][0] == ORCHARD
    for result in found:
        mains = [u.main for u in answer_units([to_passage(result.node)])]
        vectors = np.asarray(model.get_text_embedding_batch(mains))
        cosines = vectors @ query / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(query))
        assert result.score == pytest.approx(float(cosines.max()), abs=5e-3)
    assert (index.builds, index.loads) == (0, 1)  # the ingest kept it on disk
    _search(index, ICE)
    assert (index.builds, index.loads) == (0, 1)  # one matrix per collection state


def test_new_and_forgotten_documents_are_followed(
    two_docs: tuple[Settings, Path], tmp_path: Path
) -> None:
    settings, docs = two_docs
    index = _index(settings)
    assert _search(index, ICE)[0] == HARBOUR
    LibraryService(settings).forget([docs / "harbour.txt"])  # its own Store: another process
    assert _search(index, ICE) == [ORCHARD]
    more = tmp_path / "more"
    more.mkdir()
    (more / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    LibraryService(settings).ingest([more])
    assert _search(index, ICE)[0] == HARBOUR
    assert (index.builds, index.loads) == (0, 3)  # each change's service kept a new one


def test_a_question_naming_documents_searches_only_them(two_docs: tuple[Settings, Path]) -> None:
    settings, docs = two_docs
    index = _index(settings)
    source = next(
        str(n.metadata["source"])
        for n in Store(settings).nodes()
        if "orchard" in n.metadata["source"]
    )
    assert _search(index, ICE, [source]) == [ORCHARD]
    assert _search(index, ICE, ["no-such-file.txt"]) == []


def test_missing_unit_vectors_fall_back_on_chunk_vectors_until_they_are_stored(
    two_docs: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = two_docs
    store, vectors = _without_unit_vectors(settings)
    monkeypatch.setattr(unit_index, "EMBED_AT_BUILD", 2)  # more missing than a build embeds
    retriever = HybridRetriever(settings, store, build_embedding(settings), vectors)
    assert retriever.units is not None
    query = np.asarray(build_embedding(settings).get_query_embedding(FROST))
    assert retriever.units.search(query, 5) is None
    assert retriever.retrieve(FROST)[0].text == ORCHARD  # chunk vectors and BM25 still answer
    texts = [u.main for n in store.nodes() for u in answer_units([to_passage(n)])]
    assert vectors.fill(texts) == len(texts)  # what the ingest does after writing its chunks
    assert retriever.units.search(query, 5) is None  # looked again only after RECHECK_S
    monkeypatch.setattr(unit_index, "RECHECK_S", 0.0)
    found = retriever.units.search(query, 5)
    assert found is not None and found[0].node.get_content() == ORCHARD
    assert retriever.units.builds == 1


def test_engine_answers_from_passages_found_by_unit(two_docs: tuple[Settings, Path]) -> None:
    settings, _ = two_docs
    engine = RagEngine.from_settings(settings)
    answer = engine.ask(FROST)
    assert "1931" in answer.answer
    retriever = engine.retriever
    assert isinstance(retriever, HybridRetriever) and retriever.units is not None
    assert (retriever.units.builds, retriever.units.loads) == (0, 1)


def test_a_collection_of_more_units_than_kept_is_served_by_chunk_vectors(
    two_docs: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = two_docs
    monkeypatch.setattr(unit_index, "MAX_UNITS", 3)  # the two documents have six
    engine = RagEngine.from_settings(settings)
    retriever = engine.retriever
    assert isinstance(retriever, HybridRetriever) and retriever.units is not None
    query = np.asarray(build_embedding(settings).get_query_embedding(FROST))
    assert retriever.units.search(query, 5) is None
    assert "1931" in engine.ask(FROST).answer


def test_a_store_without_unit_vectors_gets_them_in_the_background(
    two_docs: tuple[Settings, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = two_docs
    store, vectors = _without_unit_vectors(settings)
    monkeypatch.setattr(unit_index, "EMBED_AT_BUILD", 2)
    monkeypatch.setattr(unit_index, "RECHECK_S", 0.0)
    index = UnitIndex(store, vectors)
    query = np.asarray(build_embedding(settings).get_query_embedding(FROST))
    assert index.search(query, 5) is None and index.filling is None  # an ingest may store them
    assert index.search(query, 5) is None  # none came: they are stored in the background
    assert index.filling is not None
    index.filling.join(timeout=60)
    found = index.search(query, 5)
    assert found is not None and found[0].node.get_content() == ORCHARD
    assert index.builds == 1


def _without_unit_vectors(settings: Settings) -> tuple[Store, SentenceVectors]:
    """The store, its unit vectors' file and unit matrix removed: as a store written before
    they were kept."""
    store = Store(settings)
    vectors = sentence_vectors_of(store, build_embedding(settings))
    assert vectors.path is not None
    for old in vectors.path.parent.glob(vectors.path.name + "*"):
        old.unlink()
    for kept in vectors.path.parent.glob("units-*"):
        shutil.rmtree(kept)
    return store, vectors
