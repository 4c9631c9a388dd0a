"""Generated notes-style training groups for the reading model: short facts and near misses.

Natural QA sets are prose. Notes are not: ``key: value`` lines, list items, table rows and
FAQs, where the answer is a line of three words and the line beside it names the same thing
for another person, floor or version. Each generated document holds facts about several
entities; a question asks one attribute of one entity. The answering line is the positive;
the same attribute of the other entities, the entity's other attributes, and an FAQ's
question line are negatives. A question about an entity the document does not hold has no
positive at all: this is what teaches the reader to find nothing.

Everything comes from the word lists below and a seeded random generator: no document of
any evaluation set is used. See ``eval/READER_SOURCE.md``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from eval.reader_words import (
    FAQ_TOPICS,
    FEATURES,
    FIRST,
    LAST,
    MONTHS,
    ORDINAL_WORDS,
    ORDINALS,
    PERSON_FACTS,
    PLACE_FACTS,
    PLACES,
    PRODUCTS,
    ROLES,
    SERVICES,
    TEAMS,
)


@dataclass(frozen=True)
class Group:
    """One training question with its candidate texts and labels (1: answers it)."""

    question: str
    texts: tuple[str, ...]
    labels: tuple[int, ...]
    source: str


def _value(kind: str, rng: random.Random) -> str:
    match kind:
        case "phone":
            return f"555-{rng.randint(100, 999):03d}{rng.randint(0, 9)}"
        case "code4":
            return f"{rng.randint(1000, 9999)}"
        case "email":
            return f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}@example.org"
        case "room":
            return f"room {rng.randint(1, 6)}{rng.randint(0, 4)}{rng.randint(1, 9)}"
        case "desk" | "badge":
            return f"{rng.choice('ABCDEF')}-{rng.randint(10, 999)}"
        case "spot":
            return f"P{rng.randint(1, 3)}-{rng.randint(1, 80)}"
        case "ext":
            return f"{rng.randint(2000, 4999)}"
        case "date":
            return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2018, 2026)}"
        case "person":
            return f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        case "team":
            return rng.choice(TEAMS)
        case "hours":
            start, end = rng.randint(6, 10), rng.randint(16, 22)
            return f"{start}:00 to {end}:00"
    raise ValueError(kind)


def _person_line(name: str, said: str, value: str, rng: random.Random) -> str:
    first = name.split()[0]
    return rng.choice(
        (
            f"{name}, {said}: {value}",
            f"- {name} ({said}): {value}",
            f"{first}'s {said} is {value}.",
            f"{said.capitalize()} for {name}: {value}",
            f"| {name} | {said} | {value} |",
            f"* {first} {name.split()[1]}: {said} {value}",
        )
    )


def _person_question(name: str, asked: str, rng: random.Random) -> str:
    first = name.split()[0]
    return rng.choice(
        (
            f"What is {first}'s {asked}?",
            f"What is the {asked} of {name}?",
            f"{name}'s {asked}?",
            f"Can you tell me {first}'s {asked}?",
            f"Which {asked} does {name} have?",
        )
    )


def people_group(rng: random.Random, answerable: bool) -> Group:
    people = rng.sample([f"{f} {surname}" for f in FIRST for surname in LAST[:6]], 6)
    facts = rng.sample(PERSON_FACTS, 4)
    held, absent = people[:5], people[5]
    texts, labels = [], []
    target = rng.choice(held)
    asked, said, kind = rng.choice(facts)
    # "What is the locker code?": the one line giving a locker code answers, whoever's it is
    unnamed = answerable and rng.random() < 0.25
    for person in held:
        for a, s, k in facts:
            shared = a == asked and not unnamed
            if person == target or (a != asked and rng.random() < 0.45) or shared:
                texts.append(_person_line(person, s, _value(k, rng), rng))
                labels.append(int(answerable and person == target and a == asked))
    if unnamed:
        question = rng.choice((f"What is the {asked}?", f"What's the {asked}?", f"The {asked}?"))
        return Group(question, tuple(texts), tuple(labels), "notes-people")
    who = target if answerable else absent
    if not answerable and rng.random() < 0.5:
        # the asked attribute is not there for anyone: a near miss on the attribute
        missing = rng.choice([f for f in PERSON_FACTS if f not in facts])
        asked = missing[0]
        who = target
    return Group(_person_question(who, asked, rng), tuple(texts), tuple(labels), "notes-people")


def _floor(floor: int, rng: random.Random) -> str:
    """A floor as "3rd" or as "third", so that either answers the other."""
    return rng.choice((ORDINALS, ORDINAL_WORDS))[floor]


def roles_group(rng: random.Random, answerable: bool) -> Group:
    role = rng.choice(ROLES)
    floors = rng.sample(range(len(ORDINALS)), rng.randint(2, 4))
    texts, labels = [], []
    people = rng.sample([f"{f} {s}" for f in FIRST for s in LAST], len(floors))
    asked_floor = rng.choice(floors)
    for floor, person in zip(floors, people, strict=True):
        at = _floor(floor, rng)
        line = rng.choice(
            (
                f"{role.capitalize()}, {at} floor: {person}",
                f"- {at.capitalize()} floor {role}: {person}",
                f"The {role} for the {at} floor is {person}.",
                f"| {at} floor | {role} | {person} |",
            )
        )
        texts.append(line)
        labels.append(int(answerable and floor == asked_floor))
    if not answerable:
        asked_floor = rng.choice([f for f in range(len(ORDINALS)) if f not in floors])
    at = _floor(asked_floor, rng)
    question = rng.choice(
        (
            f"Who is the {role} on the {at} floor?",
            f"Who is the {at} floor {role}?",
            f"Which person is {role} for the {at} floor?",
        )
    )
    return Group(question, tuple(texts), tuple(labels), "notes-roles")


def contacts_group(rng: random.Random, answerable: bool) -> Group:
    """A contacts list keyed by service ("Plumber: Dan Reyes, 555-0142"): asked who or which
    number; a service the list does not hold has no answer."""
    services = rng.sample(SERVICES, 5)
    held, absent = services[:4], services[4]
    target = rng.choice(held)
    texts, labels = [], []
    for service in held:
        person, phone = _value("person", rng), _value("phone", rng)
        texts.append(
            rng.choice(
                (
                    f"{service.capitalize()}: {person}, {phone}",
                    f"- {service.capitalize()} - {person} ({phone})",
                    f"{service.capitalize()}: {phone} (ask for {person.split()[0]})",
                    f"| {service} | {person} | {phone} |",
                    f"Our {service} is {person}, on {phone}.",
                )
            )
        )
        labels.append(int(answerable and service == target))
    asked = target if answerable else absent
    question = rng.choice(
        (
            f"What's the {asked}'s phone number?",
            f"What is the phone number of the {asked}?",
            f"How do I reach the {asked}?",
            f"Who is the {asked}?",
            f"Who is our {asked}?",
        )
    )
    return Group(question, tuple(texts), tuple(labels), "notes-contacts")


def places_group(rng: random.Random, answerable: bool) -> Group:
    places = rng.sample(PLACES, 4)
    asked, said, kind = rng.choice(PLACE_FACTS)
    texts, labels = [], []
    target = rng.choice(places[:3])
    for place in places[:3]:
        value = _value(kind, rng)
        texts.append(
            rng.choice(
                (
                    f"{place.capitalize()} {said}: {value}",
                    f"- {place.capitalize()}: {said} {value}",
                    f"The {said} of the {place} is {value}.",
                )
            )
        )
        labels.append(int(answerable and place == target))
    place = target if answerable else places[3]
    question = rng.choice(
        (f"What is the {asked} of the {place}?", f"What are the {place}'s {asked}?")
        if kind == "hours"
        else (f"What is the {asked} for the {place}?", f"{place.capitalize()} {asked}?")
    )
    return Group(question, tuple(texts), tuple(labels), "notes-places")


def releases_group(rng: random.Random, answerable: bool) -> Group:
    product = rng.choice(PRODUCTS)
    major = rng.randint(1, 9)
    count = rng.randint(2, 4)
    minors = list(range(count))
    texts, labels = [], []
    target = rng.choice(minors)
    wants_date = rng.random() < 0.5
    for minor in minors:
        date = _value("date", rng)
        feature = rng.choice(FEATURES)
        texts.append(
            rng.choice(
                (
                    f"| {product} {major}.{minor} | {date} | {feature} |",
                    f"- {product} {major}.{minor} ships on {date} with {feature}.",
                    f"Release {major}.{minor}: {date} ({feature})",
                )
            )
        )
        labels.append(int(answerable and minor == target))
    asked = target if answerable else count + rng.randint(0, 2)
    question = (
        rng.choice(
            (
                f"When does release {major}.{asked} ship?",
                f"What is the release date of {product} {major}.{asked}?",
            )
        )
        if wants_date
        else f"Which feature comes with {product} {major}.{asked}?"
    )
    return Group(question, tuple(texts), tuple(labels), "notes-releases")


def faq_group(rng: random.Random, answerable: bool) -> Group:
    topics = rng.sample(FAQ_TOPICS, 4)
    texts, labels = [], []
    target = rng.randrange(3)
    for k, (topic, answer) in enumerate(topics[:3]):
        texts.append(rng.choice((f"How do I {topic}?", f"Q: How can I {topic}?")))
        labels.append(0)  # an FAQ's question never answers itself
        texts.append(answer if rng.random() < 0.6 else f"A: {answer}")
        labels.append(int(answerable and k == target))
    topic = topics[target][0] if answerable else topics[3][0]
    question = rng.choice((f"How do I {topic}?", f"How can one {topic}?", f"Can I {topic}?"))
    return Group(question, tuple(texts), tuple(labels), "notes-faq")


MAKERS = (people_group, roles_group, contacts_group, places_group, releases_group, faq_group)


def notes_groups(count: int, seed: int, unanswerable_share: float = 0.3) -> list[Group]:
    """``count`` generated groups, about ``unanswerable_share`` of them with no positive."""
    rng = random.Random(seed)
    groups = []
    for _ in range(count):
        make = rng.choice(MAKERS)
        groups.append(make(rng, rng.random() >= unanswerable_share))
    return groups
