"""The LlamaIndex baseline reads the same text as our pipeline, PDF pages included."""

from __future__ import annotations

from pathlib import Path

from eval.baseline import LlamaIndexBaseline, load_documents
from rag.settings import load_settings
from service import LibraryService
from tests.index.files import write_pdf

PAGES = [
    "The orchard report covers apples. Apple trees flowered early in March this year.",
    "Pear harvest figures. The pear harvest reached 418 tonnes, a record for the valley.",
]


def test_documents_are_pages_of_extracted_text_not_raw_bytes(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "orchard.pdf", PAGES)
    notes = tmp_path / "notes.txt"
    notes.write_text("Plums were not grown here.", encoding="utf-8")
    library = LibraryService(load_settings(store=tmp_path / "store"))
    docs = load_documents([pdf, notes], library.page_texts)
    assert [" ".join(d.text.split()) for d in docs] == [*PAGES, "Plums were not grown here."]
    assert [d.metadata.get("page_label") for d in docs] == ["1", "2", None]
    assert all("%PDF" not in d.text for d in docs)


def test_baseline_retrieves_top_two_with_page_and_answers(tmp_path: Path) -> None:
    pdf = write_pdf(tmp_path / "orchard.pdf", PAGES)
    settings = load_settings(store=tmp_path / "store")
    pages = LibraryService(settings).page_texts
    baseline = LlamaIndexBaseline([pdf], settings, pages, progress=False)
    passages = baseline.retrieve("How many tonnes did the pear harvest reach?")
    assert 1 <= len(passages) <= 2
    assert passages[0].page == 2 and "418 tonnes" in passages[0].text
    assert passages[0].source.endswith("orchard.pdf")
    answer = baseline.ask("How many tonnes did the pear harvest reach?")
    assert not answer.refused and "418" in answer.answer
