"""Citation markers in streamed LLM text: check and renumber ``[n]`` while the text streams.

The model cites passages by their prompt numbers. As text arrives, every marker group
(``[2]``, ``[2, 5]``, ``[2][5]``) is rewritten: numbers with no passage are dropped and
recorded, the rest are renumbered in order of first use, so the streamed text is already the
final answer text. Text that might still become a marker (an open ``[`` or trailing space)
is held back until the next piece shows what it is.
"""

from __future__ import annotations

import re

# A run of complete groups, with the whitespace before it (dropped with the run when all of
# its numbers are invalid).
_ONE = r"\[\s*\d{1,4}(?:\s*[,;]\s*\d{1,4})*\s*\]"
_GROUP = re.compile(rf"(\s*)({_ONE}(?:\s*{_ONE})*)")
# The tail that the next piece may still extend into a run: trailing space, complete groups,
# an unfinished group.
_TAIL = re.compile(rf"\s*(?:{_ONE}\s*)*(?:\[[\d\s,;]{{0,24}})?$")
MARKER = re.compile(r"\[(\d+)\]")


class CitationRewriter:
    """Feed raw model text, get checked text back. ``order`` maps prompt number -> new id."""

    def __init__(self, passage_count: int) -> None:
        self.passage_count = passage_count
        self.order: dict[int, int] = {}
        self.invalid: list[int] = []
        self._pending = ""

    def feed(self, piece: str) -> str:
        self._pending += piece
        hold = _TAIL.search(self._pending)
        cut = hold.start() if hold else len(self._pending)
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        return self._rewrite(ready)

    def finish(self) -> str:
        ready, self._pending = self._pending, ""
        return self._rewrite(ready)

    def passage_index(self, new_id: int) -> int:
        """The 0-based passage index behind a renumbered citation id."""
        for old, new in self.order.items():
            if new == new_id:
                return old - 1
        raise KeyError(new_id)

    def _rewrite(self, text: str) -> str:
        return _GROUP.sub(self._group, text)

    def _group(self, match: re.Match[str]) -> str:
        ids: list[int] = []
        for raw in re.findall(r"\d+", match.group(2)):
            number = int(raw)
            if not 1 <= number <= self.passage_count:
                self.invalid.append(number)
                continue
            new = self.order.setdefault(number, len(self.order) + 1)
            if new not in ids:
                ids.append(new)
        if not ids:
            return ""
        return match.group(1) + "".join(f"[{n}]" for n in ids)
