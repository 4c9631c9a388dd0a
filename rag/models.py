"""Data that crosses module boundaries: chunks, passages, citations, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
            "removed": [asdict(r) for r in self.removed],
            **({"rewritten_question": self.rewritten_question} if self.rewritten_question else {}),
            **({"closest": [asdict(p) for p in self.retrieved]} if self.refused else {}),
        }
