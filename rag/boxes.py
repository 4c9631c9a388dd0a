"""Where text sits on a PDF page: boxes of lines, keyed by character offsets into the page text.

A box is ``(start, end, x0, y0, x1, y1)``: the characters ``start:end`` of the loader's page
text lie inside ``[x0, y0, x1, y1]``, in PDF points (1/72 inch) with the origin at the page's
top-left corner and y growing downwards (as pdfplumber and image pixels count), so a renderer
scales them by its dots-per-point and draws. Loaders record one box per line (a table row is a
line); a sentence's box is the union of the lines it touches.
"""

from __future__ import annotations

import json

Box = tuple[int, int, float, float, float, float]


def boxes_in(boxes: tuple[Box, ...], start: int, end: int) -> tuple[Box, ...]:
    """The boxes of lines that overlap ``start:end``."""
    return tuple(b for b in boxes if b[0] < end and start < b[1])


def span_bbox(boxes: tuple[Box, ...], start: int | None, end: int | None) -> list[float] | None:
    """``[x0, y0, x1, y1]`` around the characters ``start:end``; None when nothing is known."""
    if start is None or end is None or end <= start:
        return None
    hit = boxes_in(boxes, start, end)
    if not hit:
        return None
    return [
        round(min(b[2] for b in hit), 2),
        round(min(b[3] for b in hit), 2),
        round(max(b[4] for b in hit), 2),
        round(max(b[5] for b in hit), 2),
    ]


def encode_boxes(boxes: tuple[Box, ...]) -> str:
    """Compact JSON for chunk metadata (Chroma keeps only flat scalar values)."""
    return json.dumps([[s, e, round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)]
                       for s, e, x0, y0, x1, y1 in boxes], separators=(",", ":"))  # fmt: skip


def decode_boxes(value: object) -> tuple[Box, ...]:
    """Boxes from chunk metadata; () for chunks without any (text formats, older stores)."""
    if not isinstance(value, str) or not value:
        return ()
    try:
        rows = json.loads(value)
        return tuple(
            (int(r[0]), int(r[1]), float(r[2]), float(r[3]), float(r[4]), float(r[5])) for r in rows
        )
    except (ValueError, TypeError, IndexError):
        return ()
