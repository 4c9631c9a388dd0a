"""Non-prose marking: what an extractive answer may never quote."""

from __future__ import annotations

import pytest

from index.chunking import chunk_text
from rag.non_prose import decode_spans, encode_spans, non_prose_kind, non_prose_spans


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        (
            "Functional Genetic Variants in DC-SIGNR Are Associated with Transmission of HIV-1",
            "heading",
        ),
        ("# Early life", "heading"),
        ("Figure 6: Left, infection-to-death distribution (mean 23.9 days).", "caption"),
        ("Page 28 of 35", "page-mark"),
        ("17", "page-mark"),
        ("Apple Inc. | Q3 2023 Form 10-Q | 5", "page-mark"),
        ("/s/ Luca Maestri", "signature"),
        ("Senior Vice President, Chief Financial Officer", "signature"),
        ("DOI: 10.1371/journal.pone.0007211", "metadata"),
        ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC2752805/", "metadata"),
        (
            "Boily-Larouche, Geneviève; Iscache, Anne-Laure; Zijenah, Lynn S.; Roger, Michel",
            "metadata",
        ),
        ("* Monroe, James.", "reference"),
        ("[12] Smith J, Jones K. Viral load in infants. Lancet 2020;395:1-9.", "reference"),
        ("Net sales 81,797 82,959 282,457 304,182 Cost of sales 45,384 47,074", "table"),
    ],
)
def test_non_prose_units_are_recognised(unit: str, kind: str) -> None:
    assert non_prose_kind(unit) == kind


@pytest.mark.parametrize(
    "unit",
    [
        "Macron proposed a temporary month-long truce in the air, on the seas, and on energy infrastructure.",
        "The genome of the virus is about 30,000 nucleotides long.",
        "| Net sales | 81,797 | 82,959 |",  # a Markdown table row is an answer unit (issue 13)
        "In 2019 revenue rose 12% to $4.1 billion, the company said.",
    ],
)
def test_prose_is_not_marked(unit: str) -> None:
    assert non_prose_kind(unit) is None


def test_reference_list_is_marked_after_its_heading_until_prose_returns() -> None:
    text = (
        "Monroe was the fifth president of the United States.\n\n"
        "References\n\n"
        "Ammon, Harry. James Monroe: The Quest for National Identity.\n\n"
        "Cunningham, Noble E. The Presidency of James Monroe.\n\n"
        "He is remembered for the doctrine that bears his name, which he set out in a message to Congress."
    )
    kinds = {text[s:e][:10]: kind for s, e, kind in non_prose_spans(text)}
    assert kinds == {
        "References": "heading",
        "Ammon, Har": "reference",
        "James Monr": "reference",
        "Cunningham": "reference",
    }


def test_title_line_above_a_sentence_is_a_unit_of_its_own() -> None:
    text = "Complete Genome Sequence Of A Novel Coronavirus\nThe genome is 29,903 nucleotides long."
    spans = non_prose_spans(text)
    assert [text[s:e] for s, e, _ in spans] == ["Complete Genome Sequence Of A Novel Coronavirus"]


def test_chunks_carry_their_non_prose_spans_and_they_survive_metadata() -> None:
    text = "Annual Report\n\nRevenue grew by a tenth in the year to March, the board said.\n\n17"
    (chunk,) = chunk_text(text, doc_id="d", source="s", chunk_size=256, chunk_overlap=0)
    assert [text[s:e] for s, e in chunk.non_prose] == ["Annual Report", "17"]
    assert decode_spans(encode_spans(chunk.non_prose)) == chunk.non_prose
    assert decode_spans(None) is None
