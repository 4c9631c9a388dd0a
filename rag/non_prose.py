"""Text that is not prose: headings and title lines, captions, reference lists, page headers
and footers, signature blocks, author and metadata lines, table dumps.

Such a line may match a question's words very well (a paper's title repeats its topic, a
signature block names the CFO) but it never answers one, so the extractive answerer never
quotes it. Ingestion marks these spans in each chunk's metadata (``non_prose``), computed on
the whole page so that a reference list is known as one even in its later chunks.

A Markdown table row (``| a | b |``) is kept as prose: under its header it is an answer unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.sentences import LINE_ITEM, split_units

_WORD = re.compile(r"[^\W\d_][\w’'-]*|\d[\d,.:/%-]*")
_TERMINAL = re.compile(r"""[.!?…:;]["'”’)\]]*$""")
_CAPTION = re.compile(
    r"^(?:figure|fig\.|table|chart|exhibit|photo|image|source|credit)s?\s*[\dA-Z]*[.:]", re.I
)
_REFERENCE_HEADING = re.compile(
    r"^(?:#+\s*)?(?:references|bibliography|works cited|further reading|external links|"
    r"literature cited|references and notes)\s*$",
    re.I,
)
_REFERENCE_ENTRY = re.compile(
    r"^(?:\[\d+\]|\d+\.|[*•\-–^])\s*(?:[A-Z][\w’'-]+,\s*[A-Z]|\"|“|[A-Z][\w’'-]+\s+[A-Z]{1,3}[,.])"
)
_CITATION_TAIL = re.compile(
    r"\b(?:19|20)\d\d\s*[;:]\s*\d+|\bdoi\s*:|\bet al\.|\bpp?\.\s*\d|\bISBN\b", re.I
)
_METADATA = re.compile(r"^(?:doi|license|licence|https?://|www\.|isbn|issn|received|accepted|"
                       r"published|copyright|©|keywords)\b", re.I)  # fmt: skip
_PAGE_MARK = re.compile(
    r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$|^[ivxlc]{1,6}$|^-\s*\d+\s*-$", re.I
)
_SIGNATURE = re.compile(r"/s/|^by:\s|^signature\b|^date:\s|^name:\s|^title:\s", re.I | re.M)
_OFFICE = re.compile(
    r"\b(?:chief|officer|president|director|secretary|treasurer|controller|chairman|"
    r"principal|vice)\b",
    re.I,
)
_BRACKETED_CITATIONS = re.compile(r"\[[\d,\s–-]+\]")
_AUTHOR_LIST = re.compile(r"(?:[A-Z][\w’'-]+,\s*[A-Z][\w.’' -]*;\s*){2,}")


def non_prose_kind(unit: str, *, in_references: bool = False) -> str | None:
    """What kind of non-prose ``unit`` (one sentence or line) is, or None for prose."""
    text = unit.strip()
    if not text:
        return None
    if text.startswith("|") and text.rstrip().endswith("|"):
        return None  # a Markdown table row: an answer unit under its header
    words = _WORD.findall(_BRACKETED_CITATIONS.sub(" ", text))
    alpha = [w for w in words if not w[0].isdigit()]
    if in_references:
        return "reference"
    if text.startswith("#"):
        return "heading"
    if _PAGE_MARK.match(text) or (
        len(words) <= 8 and "|" in text and any(w[0].isdigit() for w in words)
    ):
        return "page-mark"
    if _SIGNATURE.search(text) or (
        len(alpha) <= 14 and _OFFICE.search(text) and not _TERMINAL.search(text)
    ):
        return "signature"
    if _CAPTION.match(text):
        return "caption"
    if _METADATA.match(text) or _AUTHOR_LIST.search(text):
        return "metadata"
    if _REFERENCE_ENTRY.match(text) and (_CITATION_TAIL.search(text) or len(alpha) <= 12):
        return "reference"
    if _is_table_dump(words, alpha):
        return "table"
    if LINE_ITEM.match(text) and not text.rstrip().endswith(":"):
        return None  # a list item or "key: value" line states a fact
    if not _TERMINAL.search(text) and len(alpha) <= 20:
        return "heading"
    if text.isupper() and len(alpha) >= 2:
        return "heading"
    return None


def _is_table_dump(words: list[str], alpha: list[str]) -> bool:
    numbers = len(words) - len(alpha)
    return numbers >= 4 and numbers >= 0.4 * len(words)


def non_prose_spans(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, kind)`` of the non-prose units of a page's text."""
    out: list[tuple[int, int, str]] = []
    in_references = False
    for start, end in split_units(text):
        unit = text[start:end]
        if _REFERENCE_HEADING.match(unit.strip()):
            in_references = True
            out.append((start, end, "heading"))
            continue
        kind = non_prose_kind(unit, in_references=in_references)
        if in_references and _is_new_section(unit):
            in_references = False
            kind = non_prose_kind(unit)
        if kind is not None:
            out.append((start, end, kind))
    return out


def _is_new_section(unit: str) -> bool:
    """A Markdown heading or a plain prose sentence after a reference list ends it."""
    text = unit.strip()
    if text.startswith("#"):
        return not _REFERENCE_HEADING.match(text)
    alpha = [w for w in _WORD.findall(text) if not w[0].isdigit()]
    return (
        len(alpha) >= 12
        and bool(_TERMINAL.search(text))
        and not _CITATION_TAIL.search(text)
        and not _REFERENCE_ENTRY.match(text)
        and not re.search(r"\((?:19|20)\d\d[a-z]?\)", text)
    )


def encode_spans(spans: Iterable[tuple[int, int]]) -> str:
    """Spans as chunk metadata (Chroma metadata values are scalars): ``"12-40,88-95"``."""
    return ",".join(f"{s}-{e}" for s, e in spans)


def decode_spans(value: object) -> tuple[tuple[int, int], ...] | None:
    """The spans of :func:`encode_spans`; None when the chunk was written without them."""
    if not isinstance(value, str):
        return None
    spans = []
    for part in value.split(","):
        start, sep, end = part.partition("-")
        if sep and start.isdigit() and end.isdigit():
            spans.append((int(start), int(end)))
    return tuple(spans)
