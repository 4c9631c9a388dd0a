"""Ingestion into a real Chroma store with the real model: formats, offsets, sync, failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import ingest_paths
from index.ingest import StrictModeError
from index.loaders import parse
from rag.errors import InputError
from rag.settings import Settings, load_settings
from rag.store import Store
from service import LibraryService
from tests.index.files import HTML, write_docx, write_pdf

OWLS = (
    "Barn owls hunt at night over open fields. They locate mice by sound alone. "
    "A pair of barn owls can eat more than three thousand rodents in a year. "
    "Their feathers have soft fringes, which is why their flight makes almost no noise. "
    "Farmers in many countries put up nest boxes to keep them close to their barns."
)
PDF_PAGES = [
    "The lighthouse at Skerry Point was built in 1871 from local granite.",
    "Its lamp was converted to electricity in 1958 and automated in 1994.",
    "Visitors can climb the 141 steps on weekends from May to September.",
]


def make_corpus(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "owls.txt").write_text(OWLS, encoding="utf-8")
    (root / "notes").mkdir()
    (root / "notes" / "bees.md").write_text(
        "# Bees\n\nHoney bees dance to tell the hive where flowers are.\n", encoding="utf-8"
    )
    (root / "notes" / "harbour.html").write_text(HTML, encoding="utf-8")
    write_pdf(root / "lighthouse.pdf", PDF_PAGES)
    write_docx(root / "report.docx", ["Revenue rose by eight percent in the second quarter."])
    (root / "table.csv").write_text("a,b\n", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


def small_chunks(store: Path, **extra: object) -> Settings:
    return load_settings(store=store, chunk_size=48, chunk_overlap=8, **extra)


def stored_chunks(settings: Settings) -> list[dict[str, object]]:
    return [{"text": n.text, **n.metadata} for n in Store(settings).nodes()]


def by_source(settings: Settings) -> dict[str, list[dict[str, object]]]:
    groups: dict[str, list[dict[str, object]]] = {}
    for chunk in stored_chunks(settings):
        groups.setdefault(Path(str(chunk["source"])).name, []).append(chunk)
    return groups


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Settings]:
    root = make_corpus(tmp_path_factory.mktemp("corpus") / "docs")
    settings = small_chunks(tmp_path_factory.mktemp("store"))
    report = ingest_paths([root], settings)
    assert sorted(Path(p).name for p in report.added) == [
        "bees.md", "harbour.html", "lighthouse.pdf", "owls.txt", "report.docx",
    ]  # fmt: skip
    skipped = {Path(s["path"]).name: s["reason"] for s in report.skipped}
    assert skipped["empty.txt"] == "empty file"
    assert skipped["table.csv"].startswith("unsupported file type .csv")
    assert not report.failed
    return root, settings


def test_every_format_is_ingested_with_exact_offsets(corpus: tuple[Path, Settings]) -> None:
    root, settings = corpus
    chunks = stored_chunks(settings)
    assert {Path(str(c["source"])).suffix for c in chunks} == {".txt", ".md", ".html", ".pdf",
                                                               ".docx"}  # fmt: skip
    for chunk in chunks:
        path = Path(str(chunk["source"]))
        assert path.is_absolute() and path.is_file()
        pages = parse(path, path.read_bytes()).pages
        page = chunk["page"]
        text = pages[int(page) - 1].text if page != -1 else pages[0].text  # type: ignore[call-overload]
        assert text[int(chunk["start_char"]) : int(chunk["end_char"])] == chunk["text"]  # type: ignore[call-overload]
        assert len(str(chunk["doc_id"])) == 24
    assert len(by_source(settings)["owls.txt"]) >= 2  # 48-token chunks split it


def test_pdf_chunks_know_their_page(corpus: tuple[Path, Settings]) -> None:
    _, settings = corpus
    pdf = by_source(settings)["lighthouse.pdf"]
    assert sorted(int(c["page"]) for c in pdf) == [1, 2, 3]  # type: ignore[call-overload]
    for chunk in pdf:
        assert chunk["text"] == PDF_PAGES[int(chunk["page"]) - 1]  # type: ignore[call-overload]
    assert all(c["page"] == -1 for c in by_source(settings)["owls.txt"])
    docs = {Path(d.source).name: d for d in Store(settings).catalog.current().documents}
    assert docs["lighthouse.pdf"].pages == 3 and docs["lighthouse.pdf"].format == "pdf"
    assert docs["owls.txt"].pages == 0 and all(d.complete for d in docs.values())


def test_second_run_embeds_nothing(corpus: tuple[Path, Settings]) -> None:
    root, settings = corpus
    before = sorted(c["text"] for c in stored_chunks(settings))  # type: ignore[type-var]
    report = ingest_paths([root], settings)
    assert report.chunks_embedded == 0
    assert len(report.unchanged) == 5 and not report.added and not report.updated
    assert sorted(c["text"] for c in stored_chunks(settings)) == before  # type: ignore[type-var]
    # the report names each unchanged file's stored document, as the catalogue lists it
    listed = {d.source: (d.doc_id, d.chunks) for d in Store(settings).catalog.current().documents}
    carried = {str(Path(p).resolve()): (d.doc_id, d.chunks) for p, d in report.documents.items()}
    assert carried == listed and len(carried) == 5


def test_changed_file_replaces_its_chunks_and_others_stay(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "docs")
    settings = small_chunks(tmp_path / "store")
    ingest_paths([root / "owls.txt", root / "notes"], settings)
    old = by_source(settings)
    (root / "owls.txt").write_text("Tawny owls call at dusk in old woodland.", encoding="utf-8")
    report = ingest_paths([root / "owls.txt", root / "notes"], settings)
    assert report.updated == [str(root / "owls.txt")] and len(report.unchanged) == 2
    assert report.chunks_embedded == 1
    assert report.documents[str(root / "owls.txt")].chunks == 1
    assert report.documents[str(root / "owls.txt")].doc_id != old["owls.txt"][0]["doc_id"]
    new = by_source(settings)
    assert [c["text"] for c in new["owls.txt"]] == ["Tawny owls call at dusk in old woodland."]
    assert new["bees.md"] == old["bees.md"] and new["harbour.html"] == old["harbour.html"]


def test_failure_on_a_changed_file_keeps_the_previous_version_searchable(tmp_path: Path) -> None:
    from rag.engine import RagEngine

    root = make_corpus(tmp_path / "docs")
    settings = small_chunks(tmp_path / "store")
    ingest_paths([root / "lighthouse.pdf", root / "owls.txt"], settings)
    before = by_source(settings)["lighthouse.pdf"]
    (root / "lighthouse.pdf").write_bytes(b"%PDF-1.7\nthe download broke here")
    report = ingest_paths([root / "lighthouse.pdf", root / "owls.txt"], settings)
    assert [f["path"] for f in report.failed] == [str(root / "lighthouse.pdf")]
    assert report.failed[0]["reason"].startswith("corrupted PDF")
    assert report.unchanged == [str(root / "owls.txt")]
    assert by_source(settings)["lighthouse.pdf"] == before
    passages = RagEngine.from_settings(settings).retrieve("When was the lighthouse lamp automated?")
    assert passages[0].text == PDF_PAGES[1] and passages[0].page == 2


def test_prune_removes_documents_whose_file_is_gone(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "docs")
    settings = small_chunks(tmp_path / "store")
    ingest_paths([root / "owls.txt", root / "notes"], settings)
    (root / "notes" / "bees.md").unlink()
    kept = ingest_paths([root / "owls.txt"], settings)
    assert not kept.removed and "bees.md" in by_source(settings)  # no --prune: kept
    report = ingest_paths([root / "owls.txt"], settings, prune=True)
    assert report.removed == [str((root / "notes" / "bees.md").resolve())]
    assert sorted(by_source(settings)) == ["harbour.html", "owls.txt"]


def test_forget_removes_one_document_or_a_folder(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "docs")
    settings = small_chunks(tmp_path / "store")
    ingest_paths([root / "owls.txt", root / "notes"], settings)
    removed = LibraryService(settings).forget([root / "owls.txt"])
    assert (
        list(removed) == [str((root / "owls.txt").resolve())]
        and removed[str((root / "owls.txt").resolve())] >= 2
    )
    assert sorted(by_source(settings)) == ["bees.md", "harbour.html"]
    with pytest.raises(InputError, match="no document from"):
        LibraryService(settings).forget([root / "owls.txt"])
    assert len(LibraryService(settings).forget([root / "notes"])) == 2
    assert Store(settings).count() == 0


def test_new_chunk_size_rechunks_unchanged_files(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "docs")
    small = small_chunks(tmp_path / "store")
    ingest_paths([root / "owls.txt"], small)
    assert len(by_source(small)["owls.txt"]) >= 2
    big = load_settings(store=tmp_path / "store", chunk_size=512, chunk_overlap=0)
    report = ingest_paths([root / "owls.txt"], big)
    assert report.updated and report.chunks_embedded == 1
    assert [c["text"] for c in by_source(big)["owls.txt"]] == [OWLS]


def test_bad_files_are_reported_and_the_rest_is_ingested(tmp_path: Path) -> None:
    import os

    root = tmp_path / "docs"
    root.mkdir()
    (root / "good.md").write_text("Otters hold hands while they sleep.", encoding="utf-8")
    (root / "latin1.txt").write_bytes("Le café de la gare ouvre à six heures.".encode("latin-1"))
    (root / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (root / "big.txt").write_text("word " * 400_000, encoding="utf-8")
    write_pdf(root / "locked.pdf", ["Secret."], user_password="pw")
    (root / "corrupt.pdf").write_bytes(b"%PDF-1.4\n%%EOF")
    (root / "empty.md").write_text("", encoding="utf-8")
    os.symlink(root / "loop-b.txt", root / "loop-a.txt")
    os.symlink(root / "loop-a.txt", root / "loop-b.txt")
    settings = small_chunks(tmp_path / "store", max_file_mb=1)
    report = ingest_paths([root], settings)
    assert sorted(Path(p).name for p in report.added) == ["good.md", "latin1.txt"]
    failed = {Path(f["path"]).name: f["reason"] for f in report.failed}
    assert failed == {
        "binary.txt": "binary data, not text (NUL bytes)",
        "locked.pdf": "encrypted PDF: a password is required to read it",
        "corrupt.pdf": failed.get("corrupt.pdf", "missing"),
        "loop-a.txt": "symlink loop",
        "loop-b.txt": "symlink loop",
    }
    assert failed["corrupt.pdf"].startswith("corrupted PDF")
    skipped = {Path(s["path"]).name: s["reason"] for s in report.skipped}
    assert skipped == {"big.txt": "file is 1.9 MB, over the 1 MB limit (RAG_MAX_FILE_MB)",
                       "empty.md": "empty file"}  # fmt: skip
    assert report.warnings == [
        {"path": str(root / "latin1.txt"),
         "reason": "not valid UTF-8 (byte 0xe9 at offset 6); decoded as cp1252"}
    ]  # fmt: skip
    assert [c["text"] for c in by_source(settings)["latin1.txt"]] == [
        "Le café de la gare ouvre à six heures."
    ]


def test_strict_stops_before_writing_anything(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    (root / "a.md").write_text("Alpha is first.", encoding="utf-8")
    (root / "b.txt").write_bytes(b"\x00\x01binary")
    settings = small_chunks(tmp_path / "store")
    with pytest.raises(StrictModeError, match=r"b\.txt: binary data.*--strict"):
        ingest_paths([root], settings, strict=True)
    assert Store(settings, create=True).count() == 0


def test_collections_are_separate(tmp_path: Path) -> None:
    root = make_corpus(tmp_path / "docs")
    notes = load_settings(store=tmp_path / "store", collection="notes")
    papers = load_settings(store=tmp_path / "store", collection="papers")
    ingest_paths([root / "notes" / "bees.md"], notes)
    ingest_paths([root / "lighthouse.pdf"], papers)
    assert [Path(d.source).name for d in Store(notes).catalog.current().documents] == ["bees.md"]
    assert [Path(d.source).name for d in Store(papers).catalog.current().documents] == [
        "lighthouse.pdf"
    ]
    LibraryService(papers).forget([root / "lighthouse.pdf"])
    assert Store(papers).count() == 0 and Store(notes).count() == 1


def test_progress_bars_show_files_chunks_and_rate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_corpus(tmp_path / "docs")
    settings = small_chunks(tmp_path / "store")
    ingest_paths([root / "owls.txt", root / "notes"], settings, progress=True)
    err = capsys.readouterr().err
    assert "scan: 100%" in err and "3/3" in err and "file/s" in err
    assert "embed: 100%" in err and "chunk/s" in err and "files=3/3" in err
