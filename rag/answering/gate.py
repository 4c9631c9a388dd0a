"""Hold an LLM answer back sentence by sentence until a passage supports it.

The model's text is cut into complete sentences as it streams (a sentence is complete when
the next one has begun, so the markers after its full stop are known). Each sentence is
judged before it is shown: it must cite at least one existing passage, and one of its cited
passages must support it (support score, as in :mod:`rag.answering.support`, of at least
``min_support``). A sentence that fails is never streamed: it goes to ``removed`` with the
reason, so the streamed text still equals the final answer. Kept sentences have their
markers renumbered by first use (:class:`CitationRewriter`), so numbers of removed sentences
leave no gaps.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rag.answering.lexical import content_terms
from rag.answering.markers import CitationRewriter
from rag.answering.support import best_supports
from rag.models import Passage, RemovedSentence
from rag.sentences import split_sentences

if TYPE_CHECKING:
    from llama_index.core.base.embeddings.base import BaseEmbedding

_ONE = r"\[\s*\d{1,4}(?:\s*[,;]\s*\d{1,4})*\s*\]"
_GROUP = re.compile(_ONE)
_LEADING = re.compile(rf"^(?:\s*{_ONE})+")
_TEXT = re.compile(r"[^\[\]\d,;\s]")  # something that cannot be part of a marker
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([.,;:!?])")


class SentenceGate:
    """Feed raw model text; get back only the sentences that passed, renumbered."""

    def __init__(
        self, passages: list[Passage], embed_model: BaseEmbedding, min_support: float
    ) -> None:
        self.passages = passages
        self.embed_model = embed_model
        self.min_support = min_support
        self.rewriter = CitationRewriter(len(passages))
        self.removed: list[RemovedSentence] = []
        self.raw = ""  # everything the model said
        self._pending = ""  # raw text not judged yet
        self._kept = 0
        self._gap = " "  # the whitespace after the last kept sentence, shown before the next

    @property
    def cited_any(self) -> bool:
        """Whether the model cited an existing passage anywhere (kept or removed)."""
        return any(
            1 <= n <= len(self.passages)
            for group in _GROUP.findall(self.raw)
            for n in map(int, re.findall(r"\d+", group))
        )

    def feed(self, piece: str) -> str:
        self.raw += piece
        self._pending += piece
        spans = split_sentences(self._pending)
        if len(spans) < 2:
            return ""
        last = spans[-1][0]
        lead = _LEADING.match(self._pending[last:])
        cut = last + (lead.end() if lead else 0)
        if not _TEXT.search(self._pending[cut:]):
            return ""  # the next sentence has not really begun: markers may still follow
        complete, self._pending = self._pending[:cut], self._pending[cut:]
        return self._judge(complete)

    def finish(self) -> str:
        rest, self._pending = self._pending, ""
        return self._judge(rest)

    def _judge(self, text: str) -> str:
        out = ""
        for segment in _segments(text):
            if self._accept(segment):
                rewritten = (self.rewriter.feed(segment) + self.rewriter.finish()).strip()
                if self._kept:
                    out += self._gap
                out += rewritten
                self._kept += 1
                self._gap = segment[len(segment.rstrip()) :] or " "
        return out

    def _accept(self, segment: str) -> bool:
        claim = _claim_text(segment)
        numbers = [int(n) for g in _GROUP.findall(segment) for n in re.findall(r"\d+", g)]
        valid = list(dict.fromkeys(n for n in numbers if 1 <= n <= len(self.passages)))
        if not content_terms(claim):
            # "Sure." or a bare marker: nothing to check; shown only after a kept sentence
            if not valid and self._kept:
                return True
            if not valid:
                return False
        if not valid:
            self.rewriter.invalid.extend(n for n in numbers if n not in valid)
            self.removed.append(RemovedSentence(claim, "it cites no passage"))
            return False
        scored = best_supports([(claim, self.passages[n - 1]) for n in valid], self.embed_model)
        best = max((s.score for s in scored if s is not None), default=0.0)
        if best >= self.min_support:
            return True
        self.rewriter.invalid.extend(n for n in numbers if n not in valid)
        self.removed.append(
            RemovedSentence(
                claim,
                f"no cited passage supports it (best support {best:.2f} < {self.min_support:.2f})",
            )
        )
        return False


def _segments(text: str) -> list[str]:
    """Sentences of ``text`` with the markers that follow each one (the leading markers of
    the next sentence, as in "... agenda. [1] She ...") and the whitespace before it."""
    spans = split_sentences(text)
    cuts = [0]
    for start, _ in spans[1:]:
        lead = _LEADING.match(text[start:])
        cuts.append(start + (lead.end() if lead else 0))
    cuts.append(len(text))
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if text[a:b].strip()]


def _claim_text(segment: str) -> str:
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join(_GROUP.sub("", segment).split()))
