from __future__ import annotations

from rag.models import Answer, Citation
from ui.render import evidence_html


def test_document_text_is_escaped_and_sentence_highlighted() -> None:
    text = "Intro. <script>alert(1)</script> <img src=x onerror=alert(2)> is here. End."
    start = text.index("<script>")
    end = text.index(" End.")
    citation = Citation(id=1, source="/d/evil.html", text=text, score=0.5, start_char=0,
                        end_char=len(text), page=2, highlight_start=start, highlight_end=end)  # fmt: skip
    html = evidence_html(Answer("q", "a [1]", False, "extractive", [citation]))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>&lt;script&gt;" in html and "here.</mark> End." in html
    assert "evil.html" in html and "page 2" in html
