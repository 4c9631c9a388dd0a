"""Who said what: attribution cues in sentences, and the speaker a question asks about.

A quote often runs over several sentences and names its speaker only after the last one
("... sit back. Instead, ... with others,” Starmer told the press."); a question such as
"What did Zelensky say in his speech?" asks for words the documents attribute to Zelensky, and a
sentence that merely mentions him does not answer it.
"""

from __future__ import annotations

import re

from rag.answering.lexical import name_found, named_terms

ATTRIBUTION = re.compile(
    r"\b(?:said|say|says|saying|told|tell|tells|added|stated|states|wrote|writes|argued|"
    r"insisted|warned|noted|explained|according to|announced|declared|stressed|emphasi[sz]ed|"
    r"claimed|promised|remarked|admitted|replied|urged)\b",
    re.I,
)
NEAR = 4  # words between a speaker's name and the verb of saying
SUBJECT_WORDS = 6  # a name this early in a unit is its subject
_WORD = re.compile(r"[\w’'-]+")
OPEN_QUOTE = "“"
CLOSE_QUOTE = "”"
QUOTE = re.compile(r"[“\"]")
_ASKS_WORDS = re.compile(
    r"^\s*what\s+(?:did|does|has|had|do|have|will|would)\s+(.+?)\s+"
    r"(?:say|said|tell|told|state|announce|declare|claim|promise|warn|argue|stress|write)\b",
    re.I,
)
_LINKING = {"the", "and", "of", "de", "von", "der", "van", "da"}


def asked_speakers(question: str) -> set[str]:
    """The names (lower case) of whoever a question asks the words of ("What did Zelensky say
    in his speech?" -> ``{"zelensky"}``); empty when it asks for no one's words, or names them
    by a description ("the Polish leader", whose sentences may say only "Tusk")."""
    match = _ASKS_WORDS.search(question)
    if match is None:
        return set()
    words = [w for w in match.group(1).split() if w.lower() not in _LINKING]
    if not words or not all(w[:1].isupper() for w in words):
        return set()
    return named_terms("_ " + match.group(1))


def reports_words_of(speakers: set[str], text: str) -> bool:
    """``text`` reports words of one of ``speakers``: the name is the subject of a verb of
    saying (at most ``NEAR`` words before it, or starting the sentence) or follows one ("said
    Macron", "according to Meloni"). A name that is only mentioned ("Zelensky's trip") is not."""
    words = _WORD.findall(text)
    verbs = [i for i, w in enumerate(words) if ATTRIBUTION.fullmatch(w) or w.lower() == "according"]
    if not verbs:
        return False
    for i, word in enumerate(words):
        if not any(name_found(s, word) for s in speakers) or word.endswith(("’s", "'s")):
            continue
        if i < SUBJECT_WORDS or any(0 < v - i <= NEAR or 0 < i - v <= NEAR - 1 for v in verbs):
            return True
    return False


def opens_quote(sentence: str) -> bool:
    """The sentence opens a quote it does not close (the quote runs on)."""
    return sentence.rfind(OPEN_QUOTE) > sentence.rfind(CLOSE_QUOTE)


def speaker_unreported(question: str, texts: list[str]) -> bool:
    """The question asks for someone's words and none of ``texts`` reports words of theirs."""
    speakers = asked_speakers(question)
    return bool(speakers) and not any(reports_words_of(speakers, t) for t in texts)


_YES_NO = re.compile(
    r"^\s*(?:did|does|do|has|have|had|is|was|were|are|will|would|can|could)\s", re.I
)
_CAPITALISED = re.compile(r"\b[A-Z][\w’'-]*")


def asked_subject(question: str) -> str | None:
    """The named subject of a yes/no question ("Did Macron rule it out?" -> ``macron``)."""
    if not _YES_NO.match(question):
        return None
    rest = question.split(maxsplit=1)[1] if len(question.split()) > 1 else ""
    match = _CAPITALISED.search(rest.split("(")[0])
    if match is None or match.group(0).lower() in {"i", "the", "a", "an"}:
        return None
    return match.group(0).lower().split("’")[0].split("'")[0]


def about_subject(question: str, texts: list[str]) -> list[bool] | None:
    """Which texts can settle a yes/no question about a named subject: those naming it (a
    sentence about someone else does not say what this one did). None when the question has
    no named subject or no text names it."""
    subject = asked_subject(question)
    if subject is None:
        return None
    mask = [name_found(subject, t) for t in texts]
    return mask if any(mask) else None
