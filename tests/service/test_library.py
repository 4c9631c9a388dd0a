"""The library service: uploads stay inside their folder; ingest, list and remove go through
the real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunking import chunk_text
from rag.answering.units import answer_units, chunk_units
from rag.backends import build_embedding
from rag.errors import InputError
from rag.node_passage import to_passage
from rag.sentence_vectors import sentence_vectors_of
from rag.settings import Settings
from rag.store import Store
from rag.unit_index import UnitIndex
from service import LibraryService
from service.uploads import safe_upload_name, save_upload


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("notes.txt", "notes.txt"),
        ("../../etc/passwd.txt", "passwd.txt"),
        ("..\\..\\windows\\win.md", "win.md"),
        ("/abs/path/report final.md", "report final.md"),
        ("<img src=x onerror=alert(1)>.txt", "_img src_x onerror_alert_1_.txt"),
        ("..hidden.txt", "hidden.txt"),
        ("ümlaut naïve.txt", "_mlaut na_ve.txt"),
    ],
)
def test_upload_names_lose_every_path_component(sent: str, kept: str) -> None:
    assert safe_upload_name(sent) == kept


@pytest.mark.parametrize("sent", ["", "..", "../..", "/", "./.", " .. "])
def test_unusable_upload_names_are_refused(sent: str) -> None:
    with pytest.raises(InputError):
        safe_upload_name(sent)


def test_saved_upload_lands_in_the_upload_folder_only(tmp_path: Path) -> None:
    src = tmp_path / "incoming"
    src.write_text("x", encoding="utf-8")
    dest = tmp_path / "uploads"
    saved = save_upload(src, "../../../../tmp/evil.txt", dest)
    assert saved == dest.resolve() / "evil.txt"
    assert sorted(p.name for p in tmp_path.rglob("evil.txt")) == ["evil.txt"]


def test_upload_over_a_symlink_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "uploads"
    dest.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me", encoding="utf-8")
    (dest / "link.txt").symlink_to(outside)
    src = tmp_path / "incoming"
    src.write_text("overwrite", encoding="utf-8")
    with pytest.raises(InputError):
        save_upload(src, "link.txt", dest)
    assert outside.read_text(encoding="utf-8") == "keep me"


def test_ingest_reports_each_file_and_remove_deletes_chunks_and_file(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "zephyr.txt"
    good.write_text("The Zephyr lighthouse keeper is Orla Quennell.\n", encoding="utf-8")
    binary = incoming / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02")
    exe = incoming / "tool.exe"
    exe.write_bytes(b"MZ")
    library = LibraryService(fresh_settings, upload_root=tmp_path / "uploads")
    dest = library.upload_dir()
    assert dest == (tmp_path / "uploads" / "default").resolve()
    steps: list[str] = []

    result = library.ingest_uploads([good, binary, exe], progress=lambda f, d: steps.append(d))

    assert result.changed
    levels = dict((msg.split()[0], level) for level, msg in result.lines)
    assert levels == {"zephyr.txt": "ok", "blob.txt": "error", "tool.exe": "error"}
    assert "binary data" in result.summary and "unsupported file type" in result.summary
    assert steps[-1] == "done" and any("zephyr.txt" in s for s in steps)
    assert sorted(p.name for p in dest.iterdir()) == ["zephyr.txt"]
    [doc] = library.documents()
    assert Path(doc.source) == dest / "zephyr.txt" and doc.chunks >= 1
    # the upload's id and chunk count come from its ingest report and match the listing
    [added] = [f for f in result.files if f.status == "added"]
    assert (added.source, added.doc_id, added.chunks) == (doc.source, doc.doc_id, doc.chunks)

    again = library.ingest_uploads([good])
    assert not again.changed and "unchanged" in again.summary
    [unchanged] = again.files
    assert (unchanged.status, unchanged.doc_id, unchanged.chunks) == (
        "unchanged",
        doc.doc_id,
        doc.chunks,
    )

    assert library.remove_source(doc.source) == doc.chunks
    assert library.documents() == []
    assert Store(fresh_settings).chunk_ids() == []
    assert not (dest / "zephyr.txt").exists()
    with pytest.raises(InputError):
        library.remove_source(doc.source)


def test_empty_upload_and_missing_store(fresh_settings: Settings, tmp_path: Path) -> None:
    library = LibraryService(fresh_settings, upload_root=tmp_path / "up")
    result = library.ingest_uploads([])
    assert not result.changed and "No file selected" in result.summary
    assert library.documents(missing_ok=True) == []
    assert library.collections() == ["default"]


def test_imported_chunks_get_their_answer_units_vectors_and_a_kept_unit_index(
    fresh_settings: Settings,
) -> None:
    """What the benchmarks import is searched by answer unit, as an ingest's chunks are."""
    text = (
        "The lighthouse at Carrick Point was lit for the first time in 1858. "
        "Its keeper, Ewan Tolley, rowed supplies out from the harbour every Tuesday."
    )
    chunks = chunk_text(text, doc_id="lighthouse", source="/imported/lighthouse.txt",
                        chunk_size=fresh_settings.chunk_size,
                        chunk_overlap=fresh_settings.chunk_overlap)  # fmt: skip
    model = build_embedding(fresh_settings)
    vectors = model.get_text_embedding_batch([c.embed_text() for c in chunks])
    LibraryService(fresh_settings).import_chunks(chunks, vectors)
    store = Store(fresh_settings)
    units = [u for c in chunks for u in chunk_units(c)]
    assert units and set(sentence_vectors_of(store, None).stored(units)) == set(units)
    index = UnitIndex(store, sentence_vectors_of(store, model))
    assert index.ready() and (index.builds, index.loads) == (0, 1)


def test_forgotten_and_rewritten_documents_leave_no_unit_vectors_behind(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    """The unit vectors' file is keyed by text: without pruning it kept every sentence it
    ever held (before: the forgotten and the replaced sentences stayed stored)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbour.txt").write_text(
        "The harbour master of Port Aldric is Wenna Carrow. She rings the bell at dawn.\n",
        encoding="utf-8",
    )
    (docs / "mill.txt").write_text(
        "The old mill on the Tamsin river grinds barley. Its wheel was rebuilt in 1911.\n",
        encoding="utf-8",
    )
    library = LibraryService(fresh_settings)
    library.ingest([docs])
    store = Store(fresh_settings)

    def units_of(name: str) -> set[str]:
        return {
            u.main
            for node in store.nodes()
            if Path(str(node.metadata["source"])).name == name
            for u in answer_units([to_passage(node)])
        }

    harbour, mill = units_of("harbour.txt"), units_of("mill.txt")
    stored = sentence_vectors_of(store, None).stored
    assert harbour and mill and set(stored([*harbour, *mill])) == harbour | mill

    library.forget([docs / "harbour.txt"])
    assert stored(list(harbour)) == {}
    assert set(stored(list(mill))) == mill

    (docs / "mill.txt").write_text(
        "The old mill on the Tamsin river now grinds rye. Its wheel turns on Sundays.\n",
        encoding="utf-8",
    )
    library.ingest([docs / "mill.txt"])
    new_mill = units_of("mill.txt")
    assert set(stored(list(new_mill))) == new_mill
    assert set(stored(list(mill - new_mill))) == set()
