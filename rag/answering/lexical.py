"""Content-word overlap between a question and a sentence, with light stemming."""

from __future__ import annotations

import re

from rag.answering.country_names import other_names

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not of off on once only or other our ours out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself s t don t say said says tell told
    according did does mention mentioned article document""".split()
)


def stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    word = word.split("'")[0]
    for suffix in ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]  # admitted -> admitt -> admit
            return word
    return word


def content_terms(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if w.lower() not in STOPWORDS}


def overlap(question_terms: set[str], sentence: str) -> float:
    """Share of the question's content terms found in the sentence (0..1)."""
    if not question_terms:
        return 0.0
    return len(question_terms & content_terms(sentence)) / len(question_terms)


_NAME = re.compile(r"(?<![\w-])(?:[A-Z][\w’'-]*|\d[\d.,]*)")  # not "Qs" of "10-Qs"
_SENTENCE_END = re.compile(r"(?<=[?!])\s+|(?<=[a-z]{3}\.)\s+")  # not after "Mr."


def named_terms(question: str) -> set[str]:
    """Capitalised words and numbers: names the answer must mention. The first word of each
    of the question's sentences is capitalised as any first word is ("... each period? List
    them separately."), so it is not one."""
    rest = " ".join(
        part.split(maxsplit=1)[1] for part in _SENTENCE_END.split(question.strip())
        if len(part.split(maxsplit=1)) > 1
    )  # fmt: skip
    return {
        m.group(0).lower().split("’")[0].split("'")[0].rstrip(".,")
        for m in _NAME.finditer(rest)
        if m.group(0).lower() not in STOPWORDS
    } - {""}


def missing_names(question: str, text: str) -> set[str]:
    """Names from the question that appear nowhere in ``text`` (see :func:`name_found`)."""
    return {name for name in named_terms(question) if not name_found(name, text)}


_CAPITALISED = re.compile(r"\b[A-Z][a-z]+")


def name_found(name: str, text: str) -> bool:
    """``text`` names ``name`` (lower case), or a form of it with another ending: a word
    starts with the name's first five letters (all but the last of a shorter name's; four
    letters or fewer match whole), or a capitalised word shares all but its last three letters
    (four at least). Italy, Italian; China, Chinese; British, Britain; but Biden, abide. A
    country is also found by its other names (British: the UK; Russia: Moscow)."""
    if _form_found(name, text):
        return True
    return any(_whole_name_found(other, text) for other in other_names(name))


def _whole_name_found(name: str, text: str) -> bool:
    """``name`` as whole words ("UK", "Moscow"); a short form only in capitals ("US", not "us")."""
    if len(name.replace(".", "")) <= 3:
        return re.search(r"(?<![\w.])" + re.escape(name.upper()) + r"(?![\w])", text) is not None
    return re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", text, re.I) is not None


def _form_found(name: str, text: str) -> bool:
    lowered = text.lower()
    size = 5 if len(name) > 5 else max(4, len(name) - 1)
    if re.search(r"(?<![a-z0-9])" + re.escape(name[:size]), lowered):
        return True
    stem = max(4, len(name) - 3)
    if len(name) <= stem or not name.isalpha():
        return False
    return any(w.lower()[:stem] == name[:stem] for w in _CAPITALISED.findall(text))
