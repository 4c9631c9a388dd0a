"""Sentence boundaries with character offsets, shared by chunking and answering."""

from __future__ import annotations

import re

from rag.table_rows import is_separator, row_line_spans

# A sentence ends at . ! ? or … (optionally followed by closing quotes/brackets or Markdown
# emphasis, as in "**How do I reset my badge?**"), then whitespace.
# Abbreviations such as "Mr." or "U.S." and single initials do not end a sentence.
_END = re.compile(r"""[.!?…]+["'”’)\]*_]*(?=\s+|$)""")
_PARAGRAPH = re.compile(r"\n\s*\n")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "u.s", "u.k",
    "no", "fig", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "al", "approx", "dept", "gen", "gov", "sen", "rep",
}  # fmt: skip


def _is_abbreviation(text: str, end: int) -> bool:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].rstrip(".!?…\"'”’)]").lower().lstrip("(\"'“‘")
    if word in _ABBREVIATIONS:
        return True
    return len(word) == 1 and word.isalpha() and text[end - 1] == "."


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the sentences in ``text``, whitespace trimmed.

    Paragraph breaks always end a sentence, so headings and list items stay separate. A
    Markdown table line (``| a | b |``) is a unit of its own; its ``| --- |`` separator is none.
    """
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        cursor = para_start
        for row_start, row_end in row_line_spans(text, para_start, para_end):
            _split_prose(text, cursor, row_start, spans)
            if not is_separator(text[row_start:row_end]):
                _append_trimmed(text, row_start, row_end, spans)
            cursor = row_end
        _split_prose(text, cursor, para_end, spans)
    return spans


def _split_prose(text: str, para_start: int, para_end: int, spans: list[tuple[int, int]]) -> None:
    cursor = para_start
    if para_end > para_start:
        for match in _END.finditer(text, para_start, para_end):
            if text[match.start()] == "." and _is_abbreviation(text, match.start() + 1):
                continue
            if _next_is_lowercase(text, match.end(), para_end):
                continue
            _append_trimmed(text, cursor, match.end(), spans)
            cursor = match.end()
        _append_trimmed(text, cursor, para_end, spans)


def _next_is_lowercase(text: str, pos: int, end: int) -> bool:
    while pos < end and text[pos].isspace():
        pos += 1
    return pos < end and text[pos].islower()


def _paragraphs(text: str) -> list[tuple[int, int]]:
    bounds = []
    cursor = 0
    for match in _PARAGRAPH.finditer(text):
        bounds.append((cursor, match.start()))
        cursor = match.end()
    bounds.append((cursor, len(text)))
    return bounds


def _append_trimmed(text: str, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append((start, end))


# A line this short that does not run on (no trailing comma, hyphen or connecting word) and is
# followed by a line starting with a capital or a digit is a line of its own: a title, heading,
# list item, page header or signature line, not the start of the next line's sentence.
_SHORT_LINE_WORDS = 10
_RUNS_ON = re.compile(r"(?:[,;\-–(]|\b(?:and|or|of|the|a|an|to|in|for|with|by|on|at|from))$", re.I)


def split_units(text: str) -> list[tuple[int, int]]:
    """Sentences as :func:`split_sentences`, with short stand-alone lines split off.

    PDF and plain-text pages put a title, a header or a signature line directly above a
    sentence with only a line break between them; these are separate units.
    """
    units: list[tuple[int, int]] = []
    for start, end in split_sentences(text):
        cursor = start
        line_start = start
        while True:
            newline = text.find("\n", line_start, end)
            if newline < 0:
                break
            line = text[line_start:newline].strip()
            after = text[newline + 1 : end].lstrip()
            if (_stands_alone(line) or LINE_ITEM.match(line)) and (
                after[:1].isupper() or after[:1].isdigit() or LINE_ITEM.match(after)
            ):
                _append_trimmed(text, cursor, newline, units)
                cursor = newline + 1
            line_start = newline + 1
        _append_trimmed(text, cursor, end, units)
    return units


# A list item ("- ...", "* ...", "2. ...") or a "key: value" line is a unit of its own: notes,
# handbooks and specs put one fact on each.
LINE_ITEM = re.compile(r"(?:[-*•–]\s|\d{1,2}[.)]\s|[A-Z][^:\n]{0,40}:\s+\S)")


def _stands_alone(line: str) -> bool:
    """A short line in title case (or of at most three words) that does not run on."""
    words = line.split()
    if not words or len(words) > _SHORT_LINE_WORDS or _RUNS_ON.search(line):
        return False
    if len(words) <= 3:
        return True
    alpha = [w for w in words if w[0].isalpha()]
    capitalised = sum(w[0].isupper() for w in alpha)
    return bool(alpha) and capitalised >= 0.6 * len(alpha)
