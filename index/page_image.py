"""A PDF page rendered as a PNG, with boxes (``rag.boxes`` coordinates) highlighted.

Used by the evidence panel to show a cited sentence or table row where it sits on its page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from rag.errors import InputError

HIGHLIGHT_FILL = (255, 214, 0, 90)  # translucent yellow
HIGHLIGHT_OUTLINE = (220, 38, 38, 255)
PAD = 2.0  # points around each box


def render_page(
    path: str | Path, page: int, boxes: Sequence[Sequence[float]] = (), *, scale: float = 2.0
) -> bytes:
    """PNG bytes of 1-based ``page`` of the PDF at ``path``, each ``[x0, y0, x1, y1]`` box (PDF
    points from the top-left) drawn over it. ``scale`` is pixels per point (2.0 = 144 dpi)."""
    import pypdfium2 as pdfium  # deferred: only the evidence panel renders pages
    from PIL import Image, ImageDraw

    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise InputError(f"cannot render {path}: {exc}") from None
    try:
        if not 1 <= page <= len(document):
            raise InputError(f"{path} has no page {page} (it has {len(document)})")
        image = document[page - 1].render(scale=scale).to_pil().convert("RGBA")
    finally:
        document.close()
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for x0, y0, x1, y1 in boxes:
        rect = [(x0 - PAD) * scale, (y0 - PAD) * scale, (x1 + PAD) * scale, (y1 + PAD) * scale]
        draw.rectangle(rect, fill=HIGHLIGHT_FILL, outline=HIGHLIGHT_OUTLINE, width=2)
    out = io.BytesIO()
    Image.alpha_composite(image, overlay).convert("RGB").save(out, "PNG", optimize=False)
    return out.getvalue()
