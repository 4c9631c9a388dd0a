"""Rendering a cited page with its highlight box, for the evidence panel."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from index.loaders import parse
from index.page_image import render_page
from rag.boxes import span_bbox
from rag.errors import InputError
from tests.index.files import write_layout_pdf


def test_the_page_is_rendered_with_the_row_highlighted(tmp_path: Path) -> None:
    path = write_layout_pdf(
        tmp_path / "t.pdf",
        [[(50, 100, "Page one.")], [(50, 200, "Net income"), (300, 200, "$ 412")]],
    )
    page = parse(path, path.read_bytes()).pages[1]
    bbox = span_bbox(page.boxes, 0, len(page.text))
    assert bbox is not None
    png = render_page(path, 2, [bbox], scale=2.0)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and image.size == (1224, 1584)
    x0, y0, x1, y1 = (v * 2 for v in bbox)
    # a blank point inside the box is tinted yellow; the same height far outside stays white
    inside = image.getpixel((int((x0 + x1) / 2), int(y0) + 1))
    outside = image.getpixel((1150, int((y0 + y1) / 2)))
    assert outside == (255, 255, 255)
    assert inside[0] > 200 and inside[2] < 200  # red stays high, blue drops: yellow
    plain = Image.open(io.BytesIO(render_page(path, 2))).convert("RGB")
    assert plain.getpixel((int((x0 + x1) / 2), int(y0) + 1)) == (255, 255, 255)


def test_a_missing_page_is_a_clear_error(tmp_path: Path) -> None:
    path = write_layout_pdf(tmp_path / "t.pdf", [[(50, 100, "Only page.")]])
    with pytest.raises(InputError, match="has no page 3"):
        render_page(path, 3)
    with pytest.raises(InputError, match="cannot render"):
        render_page(tmp_path / "gone.pdf", 1)
