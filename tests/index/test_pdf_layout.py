"""PDF pages as users see them: tables as Markdown rows under their header, furniture left out,
boxes on the page. The PDFs are generated here, laid out the way filings lay out tables."""

from __future__ import annotations

from pathlib import Path

from index.chunking import chunk_text
from index.loaders import parse
from rag.boxes import span_bbox
from rag.table_rows import table_rows
from tests.index.files import write_layout_pdf

REGIONS = ["Northern", "Southern", "Eastern"]
TITLE = "Orchard Holdings quarterly report, {} region"
INTRO = "Revenue grew in the {} region during the quarter."
ROWS = [
    ("Net sales", "$ 1,250", "$ 1,100"),
    ("Cost of sales", "700", "650"),
    ("Net income", "$ 412", "$ 390"),
]


def statement_page(
    number: int, rows: list[tuple[str, str, str]], top: float = 120
) -> list[tuple[float, float, str]]:
    """One page: running header, title, a sentence, a table under a two-line header, footer."""
    items = [
        (50, 40, "Orchard Holdings | Form 10-Q"),
        (50, top - 40, TITLE.format(REGIONS[number - 1])),
        (50, top - 20, INTRO.format(REGIONS[number - 1])),
        (300, top + 10, "Three Months Ended"),
        (300, top + 22, "September 30,"),
        (300, top + 34, "2024"),
        (420, top + 10, "Three Months Ended"),
        (420, top + 22, "September 30,"),
        (420, top + 34, "2023"),
    ]
    for k, (label, this_year, last_year) in enumerate(rows):
        y = top + 52 + 14 * k
        items += [(50, y, label), (310, y, this_year), (430, y, last_year)]
    items += [(50, 740, "Orchard Holdings | Q3 2024 Form 10-Q"), (300, 760, str(number))]
    return items


def test_table_rows_keep_their_header_and_furniture_is_left_out(tmp_path: Path) -> None:
    path = write_layout_pdf(tmp_path / "q.pdf", [statement_page(n, ROWS) for n in (1, 2, 3)])
    doc = parse(path, path.read_bytes())
    assert [p.page for p in doc.pages] == [1, 2, 3]
    text = doc.pages[1].text
    lines = text.splitlines()
    header = "|  | Three Months Ended September 30, 2024 | Three Months Ended September 30, 2023 |"
    assert header in lines
    assert "| Net income | $ 412 | $ 390 |" in lines
    assert lines.index("| Net sales | $ 1,250 | $ 1,100 |") == lines.index(header) + 2
    # running header, footer and page number appear on every page: none is in the text
    assert "Form 10-Q" not in text and not any(line.strip() == "2" for line in lines)
    assert TITLE.format("Southern") in text and INTRO.format("Southern") in text
    rows = {text[r.start : r.end]: r.header for r in table_rows(text)}
    assert rows["| Cost of sales | 700 | 650 |"] == header
    assert header not in rows  # the header is no data row


def test_every_line_has_its_box_on_the_page(tmp_path: Path) -> None:
    path = write_layout_pdf(tmp_path / "q.pdf", [statement_page(n, ROWS) for n in (1, 2, 3)])
    page = parse(path, path.read_bytes()).pages[0]
    text = page.text
    start = text.index("| Net income")
    end = text.index("\n", start) if "\n" in text[start:] else len(text)
    x0, y0, x1, y1 = span_bbox(page.boxes, start, end) or [0.0, 0.0, 0.0, 0.0]
    row_y = 120 + 52 + 14 * 2  # baseline of the "Net income" row, from the top
    assert 45 <= x0 <= 51 and x1 >= 450  # from the label to the last figure
    assert y0 < row_y < y1 and y1 - y0 < 14  # that row only
    sentence = INTRO.format("Northern")
    intro = text.index(sentence)
    ix0, iy0, _, iy1 = span_bbox(page.boxes, intro, intro + len(sentence)) or [0.0] * 4
    assert 45 <= ix0 <= 51 and iy0 < 100 < iy1


def test_a_chunk_inside_a_long_table_repeats_the_header_and_never_cuts_a_row(
    tmp_path: Path,
) -> None:
    rows = [(f"Segment {k} revenue", f"{100 + k:,}", f"{90 + k:,}") for k in range(40)]
    path = write_layout_pdf(tmp_path / "long.pdf", [statement_page(1, rows, top=100)])
    page = parse(path, path.read_bytes()).pages[0]
    chunks = chunk_text(page.text, doc_id="d", source="s", chunk_size=64, chunk_overlap=0,
                        page=1, boxes=page.boxes)  # fmt: skip
    table_chunks = [c for c in chunks if "Segment" in c.text]
    assert len(table_chunks) >= 3
    header = next(line for line in page.text.splitlines() if "Three Months Ended" in line)
    for chunk in table_chunks[1:]:
        assert chunk.text.startswith("| Segment") and chunk.table_header == header
        assert chunk.embed_text().startswith(header)
    for chunk in chunks:
        for line in chunk.text.splitlines():
            assert not line.startswith("|") or line.endswith("|")  # whole rows only
        assert chunk.text == page.text[chunk.start_char : chunk.end_char]
        assert all(chunk.start_char < b[1] and b[0] < chunk.end_char for b in chunk.boxes)
