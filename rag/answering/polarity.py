"""Whether a sentence says the opposite of what a question asks: "Which leader ruled out
sending troops?" is not answered by "Trudeau did not rule out deploying troops". A yes/no
question ("Did Trudeau rule it out?") is answered by either, so never contradicted."""

from __future__ import annotations

import re

from rag.answering.lexical import STOPWORDS, stem

_WORD = re.compile(r"[A-Za-z]+(?:n[’']t)?")
_NEGATION = re.compile(r"^(?:not|never|neither|nor|cannot|\w+n[’']t)$", re.I)
_YES_NO = re.compile(
    r"^\s*(?:did|does|do|has|have|had|is|was|were|are|will|would|can|could|should)\s", re.I
)
REACH = 2  # words after a negation that it negates ("did not rule", "not yet ruled")


def negated_terms(text: str) -> tuple[set[str], set[str]]:
    """(stems of content words under a verb negation, stems of the others) in ``text``."""
    words = _WORD.findall(text)
    negated: set[str] = set()
    plain: set[str] = set()
    since = REACH + 1  # words since the last negation
    for word in words:
        if _NEGATION.match(word):
            since = 0
            continue
        since += 1
        if word.lower() in STOPWORDS:
            continue
        root = stem(word)
        root = root[:-1] if len(root) > 3 and root.endswith("e") else root  # rule, ruled
        (negated if since <= REACH else plain).add(root)
    return negated, plain


def contradicts(question: str, text: str) -> bool:
    """``text`` negates a word the question asks without negation, or states plainly a word
    the question negates."""
    if _YES_NO.match(question):
        return False
    asked_negated, asked_plain = negated_terms(question)
    negated, plain = negated_terms(text)
    return bool((asked_plain - asked_negated) & (negated - plain)) or bool(
        (asked_negated - asked_plain) & (plain - negated)
    )
