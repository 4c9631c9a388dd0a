"""The kind of answer a question expects (a person, a date, a place, a number) and whether a
sentence holds one that the question does not already name.

Plain rules: spaCy's English models are separate downloads (not pinnable PyPI wheels), and
the few question words that carry a type are easy to read off.
"""

from __future__ import annotations

import re
from typing import Literal

AnswerType = Literal["person", "date", "place", "number", "money", "name", "none"]

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = re.compile(
    rf"\b(?:(?:1[0-9]|20)\d\d(?:s)?|(?:{_MONTHS})\.?\s+\d{{1,2}}|\d{{1,2}}\s+(?:{_MONTHS})\b|"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|yesterday|today|tomorrow|"
    r"(?:last|next|this|that|the following|the previous)\s+(?:week|month|year|day|night|"
    r"spring|summer|autumn|fall|winter|weekend)|\d+\s+(?:days?|weeks?|months?|years?)\s+"
    r"(?:ago|later|after|before|earlier)|(?:early|mid|late)[- ](?:\d|[a-z]+)|century|"
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|in the (?:morning|evening|afternoon)|decade)",
    re.I,
)
_NUMBER = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|dozens?|half|"
    r"third|quarter|twice|double|triple|several)\b|%",
    re.I,
)
# a sum of money: a currency sign or word, or a number of millions ("a year" is not money)
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\b\d[\d,.]*\s*(?:million|billion|trillion|bn|mn)\b|\b(?:dollars?|euros?|"
    r"pounds? sterling|yen|yuan|rupees?|roubles?|rubles?|francs?|usd|eur|gbp)\b",
    re.I,
)
_COUNT = re.compile(r"\bhow many\b", re.I)  # a count: a year such as 2022 does not answer it
_YEAR = re.compile(r"^(?:1[5-9]|20)\d\d$")
_PLACE_CUE = re.compile(
    r"\b(?:in|at|from|to|near|across|outside|inside|within|into)\s+(?:the\s+)?"
    r"((?:[A-Z][\w’'-]+)(?:\s+[A-Z][\w’'-]+)*)"
)
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w’'-]+(?:\s+(?:von der|van|de|da|[A-Z][\w’'-]+))*")
_NAME_ANYWHERE = re.compile(r"\b[A-Z][\w’'-]+(?:\s+(?:von der|van|de|da|[A-Z][\w’'-]+))*")

_WHO = re.compile(r"^\s*(?:who|whom|whose)\b|\bwhich (?:leader|person|people|official|minister|"
                  r"president|author|scientist|researchers?|company|organi[sz]ation|group|"
                  r"politician|man|woman)\b", re.I)  # fmt: skip
_WHEN = re.compile(r"^\s*when\b|\b(?:what|which) (?:year|date|day|month|time|decade|century)\b|"
                   r"\bhow long ago\b|\bsince when\b", re.I)  # fmt: skip
_WHERE = re.compile(r"^\s*where\b|\b(?:what|which|in which) (?:city|country|countries|place|"
                    r"region|state|town|location|continent|capital)\b", re.I)  # fmt: skip
_HOW_MANY = re.compile(r"\bhow (?:many|much|long|old|far|big|large|often|tall)\b|"
                       r"\b(?:what|which) (?:number|percentage|proportion|share|rate|amount|"
                       r"size|length|range|dose|ratio|fraction|price|cost)\b", re.I)  # fmt: skip
_HOW_MUCH_MONEY = re.compile(r"\bhow much (?:money|funding|aid|cash)\b|\bhow much (?:\w+ ){0,6}"
                             r"(?:cost|costs|pay|paid|spend|spent|pledge|pledged|raise|raised|"
                             r"invest|invested|donate|donated|worth|owe|owed)\b|\b(?:what|which) "
                             r"(?:price|cost|sum|budget)\b", re.I)  # fmt: skip
_WHICH_NAME = re.compile(r"\b(?:which|what) (?:newspaper|magazine|agency|party|country|village|"
                         r"countries|body|institution|virus|drug|vaccine|species|"
                         r"organi[sz]ation|company)\b", re.I)  # fmt: skip


def expected_type(question: str) -> AnswerType:
    """The answer type the question's words ask for; ``none`` for what/why/how questions."""
    if _HOW_MUCH_MONEY.search(question):
        return "money"
    if _HOW_MANY.search(question):
        return "number"
    if _WHEN.search(question):
        return "date"
    if _WHERE.search(question):
        return "place"
    if _WHO.search(question):
        return "person"
    if _WHICH_NAME.search(question):
        return "name"
    return "none"


def holds_type(answer_type: AnswerType, text: str, question: str) -> bool:
    """Whether ``text`` holds something of ``answer_type`` that ``question`` does not name."""
    if answer_type == "none":
        return False
    asked = question.lower()
    if answer_type == "date":
        return any(m.group(0).lower() not in asked for m in _DATE.finditer(text))
    if answer_type == "money":
        return any(m.group(0).lower() not in asked for m in _MONEY.finditer(text))
    if answer_type == "number":
        return any(
            m.group(0).lower() not in asked
            and not (_COUNT.search(asked) and _YEAR.match(m.group(0)))
            for m in _NUMBER.finditer(text)
        )
    if answer_type == "place":
        return any(_new_name(m.group(1), asked) for m in _PLACE_CUE.finditer(text))
    # person, name: a capitalised name the question does not contain (sentence-initial words
    # count only when another capitalised word follows, as in "Mark Rutte said")
    for match in _NAME_ANYWHERE.finditer(text):
        name = match.group(0)
        at_start = match.start() == 0 or text[: match.start()].rstrip()[-1:] in ".!?“\"'‘"
        if at_start and " " not in name:
            continue
        if _new_name(name, asked):
            return True
    return False


def _new_name(name: str, asked: str) -> bool:
    words = [w for w in name.split() if len(w) > 1]
    return bool(words) and not all(w.lower()[:5] in asked for w in words)
