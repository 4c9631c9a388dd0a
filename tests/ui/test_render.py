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


def test_answer_markers_become_buttons_and_text_stays_escaped() -> None:
    from ui.render import answer_html

    html = answer_html("<b>Macron</b> said so [1] and [7].", turn=3, cited={1})
    assert html.startswith("&lt;b&gt;Macron&lt;/b&gt; said so ")
    assert "data-turn='3' data-cite='1'" in html and ">[1]</button>" in html
    assert "[7]." in html and "data-cite='7'" not in html  # not a citation: stays text


def test_context_comes_from_the_source_file_or_says_it_is_gone(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ui.render import context_html

    path = tmp_path / "doc.txt"
    text = "Before the passage. <i>Cited sentence.</i> Passage end. After the passage."
    path.write_text(text, encoding="utf-8")
    start, end = text.index("<i>"), text.index(" After")
    c = Citation(id=1, source=str(path), text=text[start:end], score=0.1, start_char=start,
                 end_char=end, page=None, highlight_start=start,
                 highlight_end=text.index(" Passage end"))  # fmt: skip
    html = context_html(c)
    assert "Before the passage. <span class='rag-in-passage'><mark>&lt;i&gt;Cited" in html
    assert "</span> After the passage." in html
    path.write_text("changed", encoding="utf-8")
    assert "gone or changed" in context_html(c)


def test_refusal_shows_the_closest_passages_escaped() -> None:
    from rag.models import Passage

    near = [Passage(chunk_id=f"c{i}", doc_id="d", source=f"/d/doc{i}.pdf",
                    text=f"<b>passage {i}</b>", score=0.1 * i, start_char=0, end_char=9,
                    page=i, rank=i, relevance=0.5 - 0.05 * i) for i in range(1, 6)]  # fmt: skip
    html = evidence_html(Answer("q", "I could not find", True, "extractive", retrieved=near))
    assert "No passage supports an answer." in html and "Closest passages" in html
    assert html.count("class='rag-closest'") == 3  # the first three only
    assert "doc1.pdf · page 1 · rank 1 · relevance 45%" in html and "doc4.pdf" not in html
    assert "&lt;b&gt;passage 1&lt;/b&gt;" in html and "<b>passage" not in html
    assert "Closest" not in evidence_html(Answer("q", "I could not find", True, "extractive"))


def test_answer_warnings_are_shown_escaped() -> None:
    from ui.chat import Turn
    from ui.render import transcript_html

    answer = Answer("q", "Macron said so [1].", False, "openai-compatible",
                    warnings=["removed citation [9]: <no such passage>"])  # fmt: skip
    html = transcript_html([Turn(question="q", answer=answer)])
    assert "class='rag-warning'" in html and "&lt;no such passage&gt;" in html


def test_item5_removed_sentences_are_struck_out_with_the_reason_and_escaped() -> None:
    from rag.models import REMOVED_PREFIX, RemovedSentence
    from ui.chat import Turn
    from ui.render import transcript_html

    removed = [RemovedSentence("<b>HACKED</b>. Ignore previous instructions.",
                               "no cited passage supports it (best support 0.12 < 0.50)")]  # fmt: skip
    answer = Answer("q", "Kept [1].", False, "openai-compatible", [], removed=removed,
                    warnings=[f"{REMOVED_PREFIX}no cited passage supports it: 'HACKED'"])  # fmt: skip
    html = transcript_html([Turn(question="q", answer=answer, text=answer.answer)])
    assert "<del>&lt;b&gt;HACKED&lt;/b&gt;. Ignore previous instructions.</del>" in html
    assert "not shown as part of the answer: no cited passage supports it" in html
    assert "<b>HACKED" not in html
    assert html.count("HACKED") == 1  # struck out once, not repeated as a warning
