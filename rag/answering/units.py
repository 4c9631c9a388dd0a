"""Answer units: the pieces of retrieved passages an extractive answer may quote.

A unit is one sentence, or a sentence with its neighbour when the neighbour carries what the
sentence leaves out: the subject of a sentence that starts with a pronoun ("He proposed ..."
needs the sentence naming him) or the attribution of a quote whose speaker comes next (through
the sentence that closes a quote running over up to three sentences). Units
that are not prose (headings, captions, references, page furniture, signatures, table dumps,
marked at ingest) and fragments of five words or fewer are never units.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rag.answering.attribution import ATTRIBUTION, CLOSE_QUOTE, QUOTE, opens_quote
from rag.answering.table_units import passage_units
from rag.models import Chunk, Passage
from rag.node_passage import to_passage
from rag.non_prose import non_prose_spans
from rag.sentences import split_units

if TYPE_CHECKING:
    from llama_index.core.schema import BaseNode

MIN_UNIT_WORDS = 6  # a unit of five words or fewer is a fragment inside prose, never an answer
MIN_LINE_WORDS = 2  # ... but a line of its own of two words or more is a fact ("Door code: 7391")
QUOTE_RUNS_ON = 2  # sentences after the first that a quote may run over to its attribution
_PRONOUN_START = re.compile(
    r"^[“\"‘']?(?:he|she|they|it|this|these|those|his|her|their|its|that|such|the latter|"
    r"the former)\b",
    re.I,
)


@dataclass(frozen=True)
class Unit:
    """A quotable span: offsets into the source text (``passage.start_char`` based)."""

    passage_index: int
    start: int
    end: int
    text: str
    main: str  # the sentence the unit is built around (what is embedded)
    joined: bool = False


def answer_units(passages: list[Passage]) -> list[Unit]:
    """Every unit of ``passages`` once (overlapping chunks share sentences), in passage order."""
    units: list[Unit] = []
    seen: set[tuple[str, int | None, int]] = set()
    for index, passage in enumerate(passages):
        base = passage.start_char or 0
        # table rows come back with their header as their text (rag.answering.table_units)
        triples = passage_units(passage, split_units(passage.text))
        spans = [(s, e) for s, e, _ in triples]
        marked = _marks(passage)
        prose = [not _is_marked(marked, base + s, base + e) for s, e in spans]
        for k, (start, end) in enumerate(spans):
            if not prose[k]:
                continue
            key = (passage.source, passage.page, base + start)
            if key in seen:
                continue
            seen.add(key)
            sentence = triples[k][2]
            first, last = start, end
            if sentence != passage.text[start:end]:  # a table row: quoted with its header
                units.append(Unit(index, base + start, base + end, sentence, sentence))
                continue
            if k > 0 and prose[k - 1] and _needs_previous(sentence):
                first = spans[k - 1][0]
            else:
                last = _attribution_end(sentence, spans, prose, k, passage) or end
            text = passage.text[first:last]
            if text.rstrip("”’\"' )*_").endswith("?"):
                continue  # a question (an FAQ's) never answers; the line after it may
            if len(text.split()) < MIN_UNIT_WORDS and not (
                _whole_line(passage.text, first, last) and len(text.split()) >= MIN_LINE_WORDS
            ):
                continue
            units.append(
                Unit(
                    index, base + first, base + last, text, sentence, (first, last) != (start, end)
                )
            )
    return units


def _whole_line(text: str, start: int, end: int) -> bool:
    """``text[start:end]`` is a line of its own: a note, list item, ``key: value`` or cell."""
    before = text[:start].rstrip(" \t")
    after = text[end:].lstrip(" \t")
    return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))


def _needs_previous(sentence: str) -> bool:
    """Starts with a pronoun, or attributes a quote to "he"/"she": the name is before it."""
    return bool(_PRONOUN_START.match(sentence)) or bool(
        re.search(r"\b(?:he|she|they) (?:said|says|added|told)\b", sentence)
        and not re.search(r"\b[A-Z][a-z]+ (?:said|says)\b", sentence)
    )


def _attribution_end(
    sentence: str, spans: list[tuple[int, int]], prose: list[bool], k: int, passage: Passage
) -> int | None:
    """Where a quote without attribution gets it: the end of the next sentence when that one
    attributes it, or of the sentence closing a quote that runs on (up to ``QUOTE_RUNS_ON``
    sentences later) when that one does. None when the sentence needs no other."""
    if not QUOTE.search(sentence) or ATTRIBUTION.search(sentence):
        return None
    runs_on = opens_quote(sentence)
    for j in range(k + 1, min(k + 2 + (QUOTE_RUNS_ON - 1 if runs_on else 0), len(spans))):
        if not prose[j]:
            return None
        following = passage.text[spans[j][0] : spans[j][1]]
        if ATTRIBUTION.search(following):
            return spans[j][1]
        if CLOSE_QUOTE in following or not runs_on:
            return None  # the quote closed unattributed
    return None


def _marks(passage: Passage) -> list[tuple[int, int]]:
    """Non-prose spans of the passage, offsets into the source text: as marked at ingest, or
    computed now from the passage alone for a store written before marking."""
    if passage.non_prose is not None:
        return list(passage.non_prose)
    base = passage.start_char or 0
    return [(s + base, e + base) for s, e, _ in non_prose_spans(passage.text)]


def _is_marked(marked: list[tuple[int, int]], lo: int, hi: int) -> bool:
    return any(_covered(lo, hi, s, e) for s, e in marked)


def _covered(lo: int, hi: int, s: int, e: int) -> bool:
    overlap = min(hi, e) - max(lo, s)
    return overlap > 0.5 * (hi - lo)


def chunk_units(chunk: Chunk) -> list[str]:
    """The texts the extractive answerer embeds for this chunk (what ingest stores ahead,
    :mod:`rag.sentence_vectors`): the ``main`` of each of its answer units."""
    passage = Passage(
        chunk.chunk_id, chunk.doc_id, chunk.source, chunk.text, 0.0, chunk.start_char,
        chunk.end_char, chunk.page, chunk.non_prose, boxes=chunk.boxes,
        table_header=chunk.table_header, context=chunk.context,
    )  # fmt: skip
    return [unit.main for unit in answer_units([passage])]


def node_units(node: BaseNode) -> list[str]:
    """:func:`chunk_units` of a chunk as the store gives it back."""
    return [unit.main for unit in answer_units([to_passage(node)])]
