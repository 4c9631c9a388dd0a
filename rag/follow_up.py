"""Follow-up questions in a conversation: recognised from their words, resolved against the
previous turn.

A question is a follow-up when it points back: a pronoun with nothing in the question to refer
to ("Did he rule it out?"), or an ellipsis ("And Meloni?", "What about Italy?", "and what did
Meloni say?"). Anything else stands alone, however short: "What did Meloni say?" asked after a
Macron question is about Meloni, not Macron.

Resolution is plain text rewriting, so the result can be shown to the user and retrieved with:
a personal pronoun becomes the person or thing the previous turn was about, a thing pronoun
("it", "that") gets the previous question's topic added, and an ellipsis takes the previous
question with its subject swapped for the new one.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_NAME = re.compile(r"(?:[A-Z][\w’'-]*)(?:\s+(?:(?:von|van|der|de|la|le|da)\s+)*[A-Z][\w’'-]*)*")
_PERSON_PRONOUNS = {"he", "she", "him", "her", "they", "them"}
_POSSESSIVES = {"his", "her", "their", "hers", "theirs"}
_THING_PRONOUNS = {"it", "its", "this", "that", "these", "those"}
_ELLIPSIS_START = re.compile(
    r"^(?:and|also|then|so|but|same|what about|how about|and what about|as for)\b", re.I
)
_WH = {"who", "whom", "whose", "what", "when", "where", "which", "why", "how"}
_AUX = {"did", "does", "do", "is", "are", "was", "were", "has", "have", "had", "can", "could",
        "will", "would", "should", "may", "might", "must"}  # fmt: skip
# Capitalised words that are not names when they start a question or a sentence.
_NOT_NAMES = _WH | _AUX | {"and", "also", "then", "so", "but", "the", "a", "an", "in", "on", "i",
                           "what's", "who's", "he", "she", "it", "they", "this", "that", "there",
                           "according", "tell", "please", "same", "as", "about", "how"}  # fmt: skip
_TOPIC_LEAD = re.compile(r"\b(?:about|on|of|regarding|over|for)\s+(.+)$", re.I)
_STOP = {"say", "said", "says", "tell", "told", "think", "thought", "mention", "mentioned",
         "the", "a", "an", "of", "to", "in", "on", "at", "about", "for", "and", "or", "with"}  # fmt: skip


def standalone_question(question: str, history: list[tuple[str, str]]) -> str:
    """``question`` rewritten to stand alone given ``history`` (``(question, answer)`` turns,
    oldest first); unchanged when it is not a follow-up or there is nothing to resolve it with."""
    question = " ".join(question.split())
    if not history or not question:
        return question
    previous_q, previous_a = history[-1]
    previous_q = " ".join(previous_q.split())
    words = [w.lower() for w in _WORD.findall(question)]
    own_names = names(question)
    if _is_ellipsis(question, words, own_names):
        return _swap_subject(question, own_names, previous_q)
    pointing = [w for w in words if w in _PERSON_PRONOUNS | _POSSESSIVES | _THING_PRONOUNS]
    if not pointing or _refers_inside(words, own_names):
        return question
    referent = _referent(previous_q, _strip_citations(previous_a))
    resolved = question
    if referent and any(w in _PERSON_PRONOUNS | _POSSESSIVES for w in pointing):
        resolved = _replace_person_pronouns(resolved, referent)
    if any(w in _THING_PRONOUNS for w in pointing):
        topic = _topic(previous_q, referent, exclude=question)
        if topic and topic.lower() not in resolved.lower():
            resolved = f"{resolved.rstrip('?. ')} ({topic})?"
    return resolved


def is_follow_up(question: str, history: list[tuple[str, str]]) -> bool:
    return bool(history) and standalone_question(question, history) != " ".join(question.split())


def names(text: str) -> list[str]:
    """Capitalised word runs that look like names, in order (question words left out)."""
    found: list[str] = []
    for match in _NAME.finditer(text):
        parts = match.group(0).split()
        while parts and parts[0].lower().strip("’'") in _NOT_NAMES:
            parts = parts[1:]
        name = " ".join(parts).rstrip("’'s").rstrip("’'")
        if name and name not in found:
            found.append(name)
    return found


def _is_ellipsis(question: str, words: list[str], own_names: list[str]) -> bool:
    if _ELLIPSIS_START.match(question):
        return True
    # a fragment without a verb: "Meloni?", "In which newspaper?", "When?"
    return (
        len(words) <= 4
        and not set(words) & _AUX
        and not any(w.endswith("ed") for w in words)
        and question.endswith("?")
    )


def _refers_inside(words: list[str], own_names: list[str]) -> bool:
    """A pronoun after a name in the same question refers to that name ("Did Macron say he
    would...?"), so the question needs nothing from earlier turns."""
    if not own_names:
        return False
    first_name = own_names[0].split()[0].lower()
    first_pronoun = next(
        (i for i, w in enumerate(words) if w in _PERSON_PRONOUNS | _POSSESSIVES | _THING_PRONOUNS),
        len(words),
    )
    return first_name in words[:first_pronoun]


def _swap_subject(question: str, own_names: list[str], previous_q: str) -> str:
    """ "And Meloni?" after "What did Macron say about troops?" -> "What did Meloni say about
    troops?"; without a name to swap in, the previous question is kept as context."""
    previous_names = names(previous_q)
    body = _ELLIPSIS_START.sub("", question).strip(" ,?")
    if own_names and previous_names:
        new, old = own_names[0], previous_names[0]
        full_question = bool(set(w.lower() for w in _WORD.findall(body)) & _WH)
        if full_question:
            # "and what did Meloni say?" keeps its own wording and borrows the topic
            topic = _topic(previous_q, old)
            text = body[0].upper() + body[1:]
            if topic and topic.lower() not in text.lower():
                return f"{text.rstrip('?. ')} about {topic}?"
            return f"{text.rstrip('?. ')}?"
        return previous_q.replace(old, new, 1)
    if not body:
        return previous_q
    return f"{previous_q.rstrip('?. ')}: {body}?"


def _replace_person_pronouns(question: str, referent: str) -> str:
    def sub(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if lower in _POSSESSIVES:
            return f"{referent}’s"
        return referent

    pattern = r"\b(?:" + "|".join(sorted(_PERSON_PRONOUNS | _POSSESSIVES)) + r")\b"
    return re.sub(pattern, sub, question, flags=re.I)


def _topic(previous_q: str, referent: str, exclude: str = "") -> str:
    """What the previous question was about: the words after "about/on/of", else its content
    words without the question words, the referent and the words of ``exclude``."""
    text = previous_q.rstrip("?. ")
    match = _TOPIC_LEAD.search(text)
    if match:
        return match.group(1).strip()
    skip = {w.lower() for w in referent.split() + _WORD.findall(exclude)} | _WH | _AUX | _STOP
    return " ".join(w for w in _WORD.findall(text) if w.lower() not in skip)


_ATTRIBUTION = re.compile(
    r"(?:(" + _NAME.pattern + r")\s+(?:said|says|told|added|argued|proposed|admitted|stated|"
    r"warned|insisted)\b|\b(?:said|says|according to)\s+(" + _NAME.pattern + r"))"
)


def _speakers(answer: str) -> list[str]:
    """Who the previous answer quotes ("..., Macron said"), else the names in it."""
    quoted = [m.group(1) or m.group(2) for m in _ATTRIBUTION.finditer(answer)]
    return [n for n in names(" ".join(quoted))] or names(answer)


def _referent(previous_q: str, previous_a: str) -> str:
    """Whom a pronoun points back to: the name the previous question asked about or, when it
    asked *who*, the person its answer named."""
    asked = names(previous_q)
    if (
        previous_q.lower().startswith(("who ", "whom ", "which leader", "which person"))
        or not asked
    ):
        in_answer = [n for n in _speakers(previous_a) if n not in asked and n not in previous_q]
        if in_answer:
            return in_answer[0]
    return asked[0] if asked else ""


def _strip_citations(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text)
