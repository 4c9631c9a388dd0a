"""PDFs end to end through the real `rag` command: a figure is answered with its table row
under its header, a scanned page is answerable, and every PDF citation carries its box."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import RunCli
from tests.index.files import write_layout_pdf, write_scanned_pdf
from tests.index.test_ocr import SCAN
from tests.index.test_pdf_layout import ROWS, statement_page


def ask(run_cli: RunCli, store: str, question: str) -> dict[str, object]:
    result = run_cli("--store", store, "ask", "--json", question)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_figures_rows_and_scans_are_cited_on_their_page(
    run_cli: RunCli, tmp_path: Path, tesseract: None
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    write_layout_pdf(docs / "orchard.pdf", [statement_page(n, ROWS) for n in (1, 2, 3)])
    write_scanned_pdf(docs / "granary.pdf", SCAN)
    store = str(tmp_path / "store")
    ingest = run_cli("--store", store, "ingest", str(docs), "--json")
    assert ingest.returncode == 0, ingest.stderr
    assert len(json.loads(ingest.stdout)["added"]) == 2

    figure = ask(run_cli, store, "What was the net income in the three months ended 2024?")
    assert not figure["refused"]
    answer = str(figure["answer"])
    header = "|  | Three Months Ended September 30, 2024 | Three Months Ended September 30, 2023 |"
    row = "| Net income | $ 412 | $ 390 |"
    assert answer.splitlines()[0] == header and answer.splitlines()[-1].startswith(row)
    assert len(answer) <= len(header) + len(row) + 40  # the row, its header and the marker
    (citation,) = figure["citations"]  # type: ignore[misc]
    assert citation["highlight_end"] - citation["highlight_start"] == len(row)
    x0, y0, x1, y1 = citation["bbox"]
    row_y = 120 + 52 + 14 * 2
    assert x0 < 55 and x1 > 450 and y0 < row_y < y1 and citation["page"] in (1, 2, 3)

    scan = ask(run_cli, store, "How many tonnes of wheat does the granary at Elm Farm hold?")
    assert not scan["refused"] and "640" in str(scan["answer"])
    (cited,) = scan["citations"]  # type: ignore[misc]
    assert cited["source"].endswith("granary.pdf") and cited["page"] == 1
    sx0, sy0, sx1, sy1 = cited["bbox"]
    assert 50 < sx0 < 65 and 65 < sy0 < 80 and sx1 > 300  # the first line of the scan
