"""Data that crosses module boundaries: chunks, passages, citations, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rag.boxes import Box


@dataclass(frozen=True)
class Chunk:
    """A piece of a document ready to embed. Offsets index into the loader's text of that page."""

    chunk_id: str
    doc_id: str
    source: str
    text: str
    start_char: int
    end_char: int
    page: int | None = None
    chunk_index: int = 0
    # Units that are not prose (headings, captions, references...), offsets like start_char.
    non_prose: tuple[tuple[int, int], ...] = ()
    # PDF line boxes of this chunk's text (see ``rag.boxes``); empty for text formats.
    boxes: tuple[Box, ...] = ()
    # The header of the table this chunk starts inside ("" when it does not start in a table).
    table_header: str = ""
    # Page furniture that names the document (a PDF's running header), not part of ``text``.
    context: str = ""

    def embed_text(self) -> str:
        """What is embedded: the page's running header, the header of the table the chunk
        starts inside, then the chunk's text."""
        return "\n".join(t for t in (self.context, self.table_header, self.text) if t)


@dataclass
class Passage:
    """A retrieved chunk with its retrieval score."""

    chunk_id: str
    doc_id: str
    source: str
    text: str
    score: float
    start_char: int | None
    end_char: int | None
    page: int | None = None
    # Non-prose units (offsets into the source text); None when the store predates marking.
    non_prose: tuple[tuple[int, int], ...] | None = None
    rank: int = 0  # 1-based retrieval rank
    # 0-1, how closely the passage's best sentence matches the question (set by the answerer)
    relevance: float | None = None
    boxes: tuple[Box, ...] = ()
    table_header: str = ""
    context: str = ""
    # What names the passage's document when it is one of a series (file name, cover page:
    # rag.document_scope), and whether the question named it, so the passage is about what
    # was asked for however it scores. Internal: not in the JSON output.
    names: str = ""
    named: bool = False


@dataclass
class Citation:
    """A passage cited as ``[id]`` in an answer, with the sentence that supports the claim."""

    id: int
    source: str
    text: str
    score: float
    start_char: int | None
    end_char: int | None
    page: int | None
    chunk_id: str = ""
    supported: bool = True
    support_score: float = 0.0
    highlight_start: int | None = None
    highlight_end: int | None = None
    rank: int = 0  # 1-based retrieval rank of the passage
    relevance: float = 0.0  # 0-1: how closely the passage's best sentence matches the question
    # PDF only: [x0, y0, x1, y1] in points (top-left origin) of the highlight on ``page``.
    bbox: list[float] | None = None
    doc_id: str = ""  # hash of the file's bytes when ingested (the surrounding-text check)

    @property
    def highlight(self) -> str:
        """The supporting sentence, as it appears inside ``text``."""
        if self.highlight_start is None or self.highlight_end is None or self.start_char is None:
            return ""
        return self.text[
            self.highlight_start - self.start_char : self.highlight_end - self.start_char
        ]


# How a removed sentence is reported in ``Answer.warnings`` (the UI shows those struck out).
REMOVED_PREFIX = "removed a sentence: "


@dataclass
class RemovedSentence:
    """A sentence of an LLM answer that was not shown, and why (no passage supports it)."""

    text: str
    reason: str


@dataclass
class Answer:
    """The result of one question; ``to_json`` is the documented CLI contract."""

    question: str
    answer: str
    refused: bool
    backend: str
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    retrieved: list[Passage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The stand-alone question used for retrieval, when a follow-up was rewritten.
    rewritten_question: str | None = None
    # How likely the answer holds what was asked (0-1), calibrated on gold sets for the
    # extractive answerer; high / medium / low with the meanings in LABEL_MEANINGS.
    confidence: float | None = None
    confidence_label: str | None = None
    # LLM answers: sentences withheld because no passage supports them.
    removed: list[RemovedSentence] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "refused": self.refused,
            "backend": self.backend,
            "citations": [asdict(c) for c in self.citations],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "warnings": list(self.warnings),
            "confidence": self.confidence,
            "confidence_label": self.confidence_label,
            "removed": [asdict(r) for r in self.removed],
            **({"rewritten_question": self.rewritten_question} if self.rewritten_question else {}),
            **({"closest": [_passage_json(p) for p in self.retrieved]} if self.refused else {}),
        }


def _passage_json(passage: Passage) -> dict[str, Any]:
    """A passage for the JSON output, without its internal line boxes."""
    out = asdict(passage)
    for internal in ("boxes", "names", "named"):
        del out[internal]
    return out
