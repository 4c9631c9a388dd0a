"""Page furniture: running headers, footers and page numbers, found across a document's pages.

One of the first or last ``EDGE_LINES`` lines of a page is furniture when the same line, with
its digits ignored ("Apple Inc. | Q3 2023 Form 10-Q | 7" and "... | 8" are the same), is among
the edge lines of at least ``MIN_SHARE`` of the pages (and of three or more); the first or last
line is also furniture when it is nothing but a page number ("12", "Page 12", "- 12 -",
"12 of 40"). Position on the page is not required: the 10-Q footers sit at 74% of the page's
height, where the text ends. Such lines are left out of the page text before it is built, so
chunk offsets index the text that is stored.
"""

from __future__ import annotations

import re
from collections import Counter

from index.loaders.pdf_lines import Line

EDGE_LINES = 2  # at most this many lines from each edge
MIN_SHARE = 0.4
MIN_PAGES = 3
_PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?[-–—]?\s*(?:\d{1,4}|[ivxlc]{1,7})\s*[-–—]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.I
)
_DIGITS = re.compile(r"\d+")


def _key(line: Line) -> str:
    return _DIGITS.sub("#", " ".join(line.text.lower().split()))


def _edge_lines(lines: list[Line]) -> list[Line]:
    top = lines[:EDGE_LINES]
    return top + [ln for ln in lines[-EDGE_LINES:] if ln not in top]


def _is_furniture(line: Line, lines: list[Line], repeated: bool) -> bool:
    if repeated:
        return True
    at_edge = line is lines[0] or line is lines[-1]
    return at_edge and len(lines) > 1 and bool(_PAGE_NUMBER.match(line.text.strip()))


def remove_furniture(pages: list[list[Line]]) -> list[tuple[list[Line], list[Line]]]:
    """Each page's lines (top down) without its furniture, and the furniture lines."""
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_key(ln) for ln in _edge_lines(lines)})
    need = max(MIN_PAGES, MIN_SHARE * len(pages))
    out = []
    for lines in pages:
        edges = {id(ln) for ln in _edge_lines(lines)}
        gone = {
            id(ln) for ln in lines
            if id(ln) in edges and _is_furniture(ln, lines, seen[_key(ln)] >= need)
        }  # fmt: skip
        out.append(
            ([ln for ln in lines if id(ln) not in gone], [ln for ln in lines if id(ln) in gone])
        )
    return out
