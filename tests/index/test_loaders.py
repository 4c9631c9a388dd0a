"""Each format's loader on real generated files, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.loaders import LoadError, parse
from rag.table_rows import table_rows
from tests.index.files import HTML, write_docx, write_pdf


def load(path: Path):  # type: ignore[no-untyped-def]
    return parse(path, path.read_bytes())


def test_text_and_markdown_keep_the_exact_text(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\ufeffHello there.\nSecond line.\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("# Title\n\n- item *one*\n", encoding="utf-8")
    assert load(tmp_path / "a.txt").pages[0].text == "Hello there.\nSecond line.\n"
    doc = load(tmp_path / "b.md")
    assert doc.pages[0].text == "# Title\n\n- item *one*\n" and doc.pages[0].page is None


def test_html_keeps_visible_text_only(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(HTML, encoding="utf-8")
    text = load(tmp_path / "page.html").pages[0].text
    assert "42 fishing boats on the first of December." in text
    assert "Ice closed the northern pier for nine days." in text
    assert text.startswith("Harbour report")
    for hidden in ("SCRIPT", "JSON", "COMMENT", "NOSCRIPT", "color: red", "<p>"):
        assert hidden not in text


def test_pdf_gives_text_per_page_numbered_from_one(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "a.pdf", ["Apples grow in the north.", "", "Pears in the south."])
    pages = load(path).pages
    assert [p.page for p in pages] == [1, 2, 3]
    assert pages[0].text == "Apples grow in the north."
    assert pages[1].text == ""
    assert pages[2].text == "Pears in the south."


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "n.docx",
        ["Revenue rose by 8%.", "Costs fell."],
        [["Quarter", "Revenue"], ["Q1", "10"], ["Q2", "12"]],
    )
    text = load(path).pages[0].text
    assert text == (
        "Quarterly notes\n\nRevenue rose by 8%.\n\nCosts fell.\n\n"
        "| Quarter | Revenue |\n| --- | --- |\n| Q1 | 10 |\n| Q2 | 12 |"
    )
    rows = table_rows(text)
    assert [text[r.start : r.end] for r in rows] == ["| Q1 | 10 |", "| Q2 | 12 |"]
    assert {r.header for r in rows} == {"| Quarter | Revenue |"}


def test_html_tables_are_rows_under_their_header(tmp_path: Path) -> None:
    path = tmp_path / "t.html"
    path.write_text(
        "<p>Harbour traffic.</p><table><tr><th>Month</th><th>Boats</th></tr>"
        "<tr><td>May</td><td>42</td></tr><tr><td>June | July</td><td>57</td></tr></table>"
        "<p>Ice closed the pier.</p>",
        encoding="utf-8",
    )
    text = load(path).pages[0].text
    assert "| Month | Boats |\n| --- | --- |\n| May | 42 |\n| June \\| July | 57 |" in text
    assert text.startswith("Harbour traffic.") and text.endswith("Ice closed the pier.")
    assert [r.header for r in table_rows(text)] == ["| Month | Boats |"] * 2


def test_latin1_text_falls_back_to_cp1252_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Café crème, naïve façade – 20 €.".encode("cp1252"))
    doc = load(path)
    assert doc.pages[0].text == "Café crème, naïve façade – 20 €."
    assert doc.warnings and "not valid UTF-8" in doc.warnings[0] and "cp1252" in doc.warnings[0]


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes("Grüße aus Köln.".encode("utf-16"))
    assert load(path).pages[0].text == "Grüße aus Köln."


def test_markdown_with_a_stray_nul_keeps_its_text(tmp_path: Path) -> None:
    """Issue 16: one NUL byte used to lose the whole text as "binary data"."""
    path = tmp_path / "notes.md"
    path.write_bytes(b"# Tides\n\nSpring tides follow the full\x00 and new moon.\n")
    doc = load(path)
    assert doc.pages[0].text == "# Tides\n\nSpring tides follow the full and new moon.\n"
    assert doc.warnings == ["dropped 1 NUL byte from the text"]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected_when_it_decodes_cleanly(
    tmp_path: Path, encoding: str
) -> None:
    """Issue 16: UTF-16 without a byte-order mark used to be called binary."""
    text = "Grüße aus Köln. The harbour opened in 1887.\n"
    path = tmp_path / "wide.txt"
    path.write_bytes(text.encode(encoding))
    doc = load(path)
    assert doc.pages[0].text == text
    assert doc.warnings == [f"UTF-16 text without a byte-order mark; decoded as {encoding}"]


@pytest.mark.parametrize(
    ("name", "content", "reason", "skip"),
    [
        ("empty.txt", b"", "empty file", True),
        ("blank.md", b"  \n\n\t ", "empty file", True),
        ("image.txt", bytes(range(256)) * 4, "binary data, not text", False),
        ("zeros.md", b"text" + b"\x00" * 64 + b"more", "binary data, not text (NUL", False),
        ("ctrl.md", b"\x01\x02\x03\x04abc\x05\x06\x07\x08" * 50, "binary data, not text", False),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", "corrupted PDF", False),
        ("fake.pdf", b"this is not a pdf at all", "corrupted PDF: no PDF header", False),
        ("fake.docx", b"PK\x03\x04 not really a zip", "corrupted .docx", False),
        ("scripts.html", b"<script>x()</script><style>p{}</style>", "no text found", True),
        ("data.csv", b"a,b\n1,2\n", "unsupported file type .csv", True),
    ],
)
def test_bad_input_names_the_reason(
    tmp_path: Path, name: str, content: bytes, reason: str, skip: bool
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as caught:
        load(path)
    assert reason in str(caught.value)
    assert caught.value.skip is skip


def test_pdf_with_a_very_large_array_still_loads(tmp_path: Path) -> None:
    # pypdf's default bound is 100,000 array elements; Microsoft's 10-Q filings go past it.
    path = write_pdf(tmp_path / "big.pdf", ["Revenue rose in the quarter."], array_elements=300_000)
    doc = parse(path, path.read_bytes())
    assert [p.text for p in doc.pages] == ["Revenue rose in the quarter."]


def test_truncated_pdf_is_corrupted(tmp_path: Path) -> None:
    whole = write_pdf(tmp_path / "whole.pdf", ["Some text here."] * 3).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    with pytest.raises(LoadError, match="corrupted PDF"):
        load(path)


def test_encrypted_pdf_needs_a_password(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "locked.pdf", ["Top secret numbers."], user_password="s3cret")
    with pytest.raises(LoadError, match="encrypted PDF: a password is required"):
        load(path)


def test_pdf_encrypted_with_an_empty_user_password_opens(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "owner.pdf", ["Readable by anyone."], user_password="")
    assert load(path).pages[0].text == "Readable by anyone."


def test_pdf_without_text_is_a_failure_not_a_skip(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "scan.pdf", ["", ""])
    with pytest.raises(LoadError, match="no extractable text") as caught:
        load(path)
    assert caught.value.skip is False
