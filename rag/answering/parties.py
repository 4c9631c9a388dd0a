"""The parties a question asks about together ("What did Lavrov and the Russian Foreign
Ministry say?"): an answer quotes a sentence on each (:func:`rag.answering.selection.compose`)."""

from __future__ import annotations

import re

from rag.answering.lexical import named_terms


def asked_parties(question: str) -> list[set[str]]:
    """The names of each party a question joins with "and", when it joins several named ones
    ("Lavrov and the Russian Foreign Ministry" -> ``[{"lavrov"}, {"russian", "foreign",
    "ministry"}]``); empty otherwise."""
    parts = [named_terms("_ " + part) for part in re.split(r"\s+and\s+|,\s+", question)]
    parties = [p for p in parts if p]
    return parties if len(parties) > 1 else []


def names_all(names: set[str], text: str) -> bool:
    """``text`` holds every one of ``names`` as a word, give or take an ending of up to three
    letters (stricter than :func:`rag.answering.lexical.name_found`: the Foreign Ministry is not its Minister)."""
    return all(
        re.search(r"(?<![\w-])" + re.escape(n) + r"[a-z]{0,3}(?![\w-])", text, re.I) for n in names
    )
