"""Word .docx: paragraphs and tables (Markdown rows under the first row), in document order."""

from __future__ import annotations

import io
import zipfile

from index.loaders.base import LoadedDocument, LoadedPage, LoadError
from index.loaders.markdown_table import markdown_table


def load_docx(raw: bytes) -> LoadedDocument:
    # deferred for start-up time: docx only where needed
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"corrupted .docx (not a Word document): {exc}") from None
    blocks: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            blocks.append(text.strip())
        elif tag == "tbl":
            rows: list[list[str]] = []
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = []
                    for cell in row.iterchildren():
                        if cell.tag.endswith("}tc"):
                            cells.append(
                                " ".join(
                                    (t.text or "").strip()
                                    for t in cell.iter()
                                    if t.tag.endswith("}t")
                                ).strip()
                            )
                    rows.append(cells)
            blocks.append("\n".join(markdown_table(rows)))
    text = "\n\n".join(b for b in blocks if b)
    return LoadedDocument("docx", [LoadedPage(text)])
