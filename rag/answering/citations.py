"""Build numbered citations: ids in order of first use, one per cited passage."""

from __future__ import annotations

from dataclasses import dataclass

from rag.boxes import span_bbox
from rag.models import Citation, Passage


@dataclass
class Evidence:
    """A claim's supporting sentence in a passage (offsets into the source text)."""

    passage: Passage
    start: int
    end: int
    score: float
    supported: bool
    relevance: float = 0.0


class CitationBook:
    """Hands out ``[n]`` numbers by first use and keeps the best evidence for each passage."""

    def __init__(self) -> None:
        self._by_chunk: dict[str, Citation] = {}

    def cite(self, evidence: Evidence) -> int:
        p = evidence.passage
        existing = self._by_chunk.get(p.chunk_id)
        if existing is not None:
            if evidence.score > existing.support_score:
                existing.highlight_start, existing.highlight_end = evidence.start, evidence.end
                existing.bbox = span_bbox(p.boxes, evidence.start, evidence.end)
                existing.support_score = round(evidence.score, 4)
            existing.supported = existing.supported and evidence.supported
            return existing.id
        citation = Citation(
            id=len(self._by_chunk) + 1,
            source=p.source,
            text=p.text,
            score=round(p.score, 6),
            start_char=p.start_char,
            end_char=p.end_char,
            page=p.page,
            chunk_id=p.chunk_id,
            supported=evidence.supported,
            support_score=round(evidence.score, 4),
            highlight_start=evidence.start,
            highlight_end=evidence.end,
            rank=p.rank,
            relevance=round(evidence.relevance, 4),
            bbox=span_bbox(p.boxes, evidence.start, evidence.end),
            doc_id=p.doc_id,
        )
        self._by_chunk[p.chunk_id] = citation
        return citation.id

    def citations(self) -> list[Citation]:
        return sorted(self._by_chunk.values(), key=lambda c: c.id)
