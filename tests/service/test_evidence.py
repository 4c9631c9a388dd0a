"""Surrounding text of a citation: only from the file that was ingested (issue 16, item 6)."""

from __future__ import annotations

from pathlib import Path

from rag.settings import Settings
from service import build_services, source_context
from ui.render import context_html


def test_item6_surrounding_text_is_withheld_once_the_file_changed(
    fresh_settings: Settings, tmp_path: Path
) -> None:
    doc = tmp_path / "docs" / "lighthouse.md"
    doc.parent.mkdir()
    doc.write_text(
        "The lighthouse of Varn was lit in 1901. Its keeper was Ida Brandt.\n", encoding="utf-8"
    )
    services = build_services(fresh_settings)
    services.library.ingest([doc.parent])
    answer = services.chat.ask("Who was the keeper of the Varn lighthouse?")
    assert not answer.refused
    citation = answer.citations[0]
    assert citation.doc_id  # the ingested version travels with the citation
    assert source_context(citation) is not None  # unchanged file: context shown

    with doc.open("a", encoding="utf-8") as out:  # the passage itself stays where it was
        out.write("SECRET-TOKEN-4f2a password=hunter2\n")
    assert doc.read_text(encoding="utf-8")[citation.start_char : citation.end_char] == citation.text
    assert source_context(citation) is None
    html = context_html(citation)
    assert "SECRET-TOKEN" not in html and "hunter2" not in html
    assert "gone or changed since it was ingested" in html
