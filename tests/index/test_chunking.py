from __future__ import annotations

from index.chunking import chunk_text
from rag.sentences import split_sentences
from rag.tokens import count_tokens
from tests.conftest import SEEDS

ARTICLE = (SEEDS / "000_2049a57f73a0fd17.txt").read_text(encoding="utf-8")


def test_chunks_are_exact_slices_within_the_token_budget() -> None:
    chunks = chunk_text(ARTICLE, doc_id="d", source="s", chunk_size=120, chunk_overlap=30)
    assert len(chunks) > 3
    for c in chunks:
        assert ARTICLE[c.start_char : c.end_char] == c.text
        assert count_tokens(c.text) <= 120 + 5  # joining whitespace may add a token or two
    assert chunks[0].start_char == 0
    assert chunks[-1].end_char == len(ARTICLE.rstrip())


def test_chunks_start_and_end_on_sentence_boundaries_and_overlap() -> None:
    starts = {s for s, _ in split_sentences(ARTICLE)}
    ends = {e for _, e in split_sentences(ARTICLE)}
    chunks = chunk_text(ARTICLE, doc_id="d", source="s", chunk_size=120, chunk_overlap=40)
    overlapping = 0
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert a.start_char in starts and a.end_char in ends
        assert b.start_char > a.start_char  # always moves forward
        if b.start_char < a.end_char:
            overlapping += 1
            assert count_tokens(ARTICLE[b.start_char : a.end_char]) <= 40
    assert overlapping >= 2


def test_overlong_sentence_is_cut_to_fit() -> None:
    text = "word " * 1000 + "end."
    chunks = chunk_text(text, doc_id="d", source="s", chunk_size=100, chunk_overlap=0)
    assert len(chunks) >= 10
    assert "".join(c.text for c in chunks).replace(" ", "") == text.strip().replace(" ", "")
    assert all(count_tokens(c.text) <= 101 for c in chunks)


def test_sentence_splitter_keeps_abbreviations_and_quotes() -> None:
    text = "Mr. Smith met Dr. Jones. “We agree,” he said. Then… they left! Done?"
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert sentences == [
        "Mr. Smith met Dr. Jones.",
        "“We agree,” he said.",
        "Then… they left!",
        "Done?",
    ]
