"""Answer units and answer types: the selection rules, one by one, without models."""

from __future__ import annotations

import numpy as np
import pytest

from rag.answering.answer_type import expected_type, holds_type
from rag.answering.attribution import about_subject, asked_speakers, speaker_unreported
from rag.answering.lexical import missing_names, name_found
from rag.answering.parties import asked_parties
from rag.answering.polarity import contradicts
from rag.answering.selection import compose
from rag.answering.units import Unit, answer_units
from rag.models import Passage


def passage(text: str, non_prose: tuple[tuple[int, int], ...] | None = None) -> Passage:
    return Passage("c1", "d1", "/docs/a.txt", text, 0.5, 0, len(text), None, non_prose, rank=1)


def test_a_sentence_starting_with_a_pronoun_is_quoted_with_the_one_naming_its_subject() -> None:
    text = (
        "Emmanuel Macron spoke to Le Figaro after the summit in London. "
        "He proposed a temporary month-long truce in the air and on the seas."
    )
    units = answer_units([passage(text)])
    truce = next(u for u in units if "truce" in u.text)
    assert truce.text == text and truce.joined
    assert truce.main.startswith("He proposed")


def test_an_unattributed_quote_is_quoted_with_the_sentence_naming_the_speaker() -> None:
    text = (
        "“Not every nation will feel able to contribute, but that cannot mean we sit back.” "
        "Starmer said at the press conference that others must intensify planning."
    )
    (first, *_) = answer_units([passage(text)])
    assert "Starmer" in first.text and first.main.startswith("“Not every nation")


def test_one_word_fragments_and_marked_non_prose_are_never_units() -> None:
    text = (
        "Chief Financial Officer\n\nRevenue\n\nShort line here.\n\n"
        "The company reported revenue of $81.8 billion for the quarter."
    )
    marked = ((0, 23),)  # as ingestion marks the signature line
    units = answer_units([passage(text, marked)])
    assert [u.text for u in units] == [
        "Short line here.",  # a line of its own of two words or more is a fact
        "The company reported revenue of $81.8 billion for the quarter.",
    ]


def test_a_bold_faq_question_is_never_a_unit_and_never_joins_its_answer() -> None:
    text = "**How do I reset my badge?**\nTake your badge to the front desk on floor 1."
    units = answer_units([passage(text)])
    assert [u.text for u in units] == ["Take your badge to the front desk on floor 1."]


def test_store_without_marks_is_marked_at_answer_time() -> None:
    text = "Apple Inc.\n\n/s/ Luca Maestri\n\nTim Cook is the Chief Executive Officer of Apple Inc. and a director."
    units = answer_units([passage(text, None)])
    assert "/s/ Luca Maestri" not in [u.text for u in units]  # a signature, marked when answering
    assert [u.text for u in units][-1] == (
        "Tim Cook is the Chief Executive Officer of Apple Inc. and a director."
    )


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Who said that not every nation will feel able to contribute?", "person"),
        ("Which leader ruled out sending soldiers?", "person"),
        ("When was the summit held?", "date"),
        ("In what year did Merkel make the admission?", "date"),
        ("Where was the emergency summit held?", "place"),
        ("How many troops did Germany promise?", "number"),
        ("How long is the genome of the virus?", "number"),
        ("What did Meloni say?", "none"),
    ],
)
def test_expected_answer_type_comes_from_the_question_words(question: str, kind: str) -> None:
    assert expected_type(question) == kind


def test_holds_type_wants_something_the_question_does_not_name() -> None:
    question = "Who said that not every nation will feel able to contribute?"
    assert not holds_type("person", "Not every nation will feel able to contribute.", question)
    assert holds_type("person", "Keir Starmer said not every nation will contribute.", question)
    when = "When did Angela Merkel make her admission?"
    assert holds_type("date", "Merkel admitted in 2022 that the deal bought time.", when)
    assert not holds_type("date", "Angela Merkel admitted that the deal bought time.", when)
    where = "Where was the emergency summit held?"
    assert holds_type("place", "Leaders met at an emergency summit in London on Sunday.", where)
    assert holds_type("number", "The genome is 29,903 nucleotides long.", "How long is it?")


def test_a_quote_running_over_sentences_is_quoted_through_its_attribution() -> None:
    text = (
        "“Not every nation will feel able to contribute, but that cannot mean we sit back. "
        "Instead, those willing will intensify planning now with real urgency. "
        "The UK is prepared to back this with boots on the ground,” Starmer told the press. "
        "“A second quote that nobody attributes runs on here. And it ends unattributed.” "
        "The summit ended late in the evening after long talks."
    )
    first, *rest = answer_units([passage(text)])
    assert first.main.startswith("“Not every nation") and first.joined
    assert first.text.endswith("Starmer told the press.")
    unattributed = next(u for u in rest if u.main.startswith("“A second quote"))
    assert not unattributed.joined


def test_a_question_for_someones_words_needs_a_sentence_reporting_theirs() -> None:
    texts = [
        "After Vladimir Zelensky’s trip to Washington, Starmer emphasized the need to act.",
        "Italian Prime Minister Giorgia Meloni stated that no plan for troops existed.",
        "“There will be no troops in the coming weeks,” Macron said in an interview.",
    ]
    question = "What did Zelensky say in his speech at the summit?"
    assert asked_speakers(question) == {"zelensky"}
    assert speaker_unreported(question, texts)  # only mentioned, never reported speaking
    assert not speaker_unreported("What did Meloni say?", texts)  # the subject of "stated"
    assert not speaker_unreported("What did Macron say about troops?", texts)  # "..., Macron said"
    assert not speaker_unreported("What did the leaders agree on?", texts)  # nobody's words


def test_a_name_matches_its_adjective_but_not_a_word_it_hides_in() -> None:
    text = "The presence of Italian troops in Ukraine has never been on the agenda, Meloni said."
    assert missing_names("Did Italy agree to send troops to Ukrainian soil?", text) == set()
    assert missing_names("What did Biden say?", "They abide by the rules.") == {"biden"}
    britain = "France and Britain pushed the idea of deploying troops."
    assert missing_names("What did the British prime minister offer?", britain) == set()
    assert missing_names("What did the Polish prime minister offer?", britain) == {"polish"}


def test_only_names_count_not_first_words_of_later_sentences_or_parts_of_a_form_code() -> None:
    text = "Apple's Form 10-Q: net sales rose; foreign exchange rates cut them in each period."
    asked = "What was the impact of exchange rates on Apple in these 10-Qs? List each period."
    assert missing_names(asked, text) == set()  # not "list", not "qs" of "10-Qs"
    assert missing_names("Did Mr. Macron say it? Please quote him.", text) == {"mr", "macron"}


def test_a_yes_no_question_about_someone_is_settled_only_by_sentences_naming_them() -> None:
    texts = [
        "Trudeau did not rule out deploying troops to Ukraine.",
        "“There will be no European troops on Ukrainian soil,” Macron said.",
    ]
    assert about_subject("Did Macron rule it out (European troops in Ukraine)?", texts) == [
        False,
        True,
    ]
    assert about_subject("Did Scholz rule it out?", texts) is None  # nobody to prefer
    assert about_subject("Who ruled it out?", texts) is None  # not a yes/no question


def test_a_sum_of_money_is_asked_for_by_how_much_money_and_a_year_is_not_one() -> None:
    question = "How much money did the EU pledge to Ukraine at the summit?"
    assert expected_type(question) == "money"
    assert expected_type("How much did the new hospital cost?") == "money"
    assert expected_type("How much virus was shed after ten days?") == "number"
    assert not holds_type("money", "Merkel admitted in 2022 that the deal bought time.", question)
    assert holds_type("money", "The EU pledged €800 billion for defence.", question)
    assert holds_type("money", "Canada gave 50 million dollars.", question)


def test_a_year_does_not_answer_how_many() -> None:
    question = "How many troops did Germany promise to send to Ukraine?"
    assert not holds_type("number", "Merkel admitted in 2022 that the deal bought time.", question)
    assert holds_type("number", "Germany promised to send 5,000 troops.", question)
    assert holds_type("number", "The truce began in 2022.", "How long ago did the truce begin?")


def test_a_country_is_found_by_its_other_names() -> None:
    assert name_found("british", "The UK is prepared to back this with boots on the ground.")
    assert name_found("russia", "Moscow has strongly opposed the deployment of foreign troops.")
    assert name_found("canada", "Ottawa has looked at the ways it can best help.")
    assert not name_found("british", "Macron proposed a truce in the air.")
    assert name_found("american", "The US said it would not send troops.")
    assert not name_found("american", "Leaders told us nothing.")  # a short form in capitals only
    assert (
        missing_names("What did the British prime minister offer?", "The UK is prepared.") == set()
    )


def test_a_sentence_negating_what_a_wh_question_asks_contradicts_it() -> None:
    question = "Which leader ruled out sending European soldiers to Ukraine in the near future?"
    assert contradicts(
        question, "Trudeau did not rule out potentially deploying troops to Ukraine."
    )
    assert not contradicts(
        question, "“There will be no European troops on Ukrainian soil,” Macron said."
    )
    assert not contradicts(question, "Moscow has repeatedly ruled out temporary ceasefires.")
    # a yes/no question is answered by either polarity
    assert not contradicts(
        "Did Trudeau rule out deploying troops?", "Trudeau did not rule out troops."
    )
    # and a negated question is contradicted by a plain statement
    assert contradicts("Who did not attend the summit?", "Tusk attended the summit in London.")


def test_a_question_about_two_named_parties_quotes_a_sentence_on_each() -> None:
    question = "What did Lavrov and the Russian Foreign Ministry say about the troop idea?"
    assert asked_parties(question) == [{"lavrov"}, {"russian", "foreign", "ministry"}]
    assert asked_parties("When was the summit held and where?") == []
    texts = [
        "Russian Foreign Minister Sergey Lavrov said the idea is meant to fuel the conflict.",
        "Moscow has strongly opposed the deployment of unauthorized foreign troops to Ukraine.",
        "The Russian Foreign Ministry also accused the EU and UK of embarking on militarism.",
    ]
    units = [Unit(0, 100 * k, 100 * k + len(t), t, t) for k, t in enumerate(texts)]
    probs = np.array([0.9, 0.5, 0.3])
    assert compose(units, probs, 0.8, 3, question) == [0, 2]  # the Minister is not the Ministry
    assert compose(units, probs, 0.8, 3, "What did Lavrov say about the troop idea?") == [0]
    assert compose(units, np.array([0.9, 0.5, 0.1]), 0.8, 3, question) == [0]  # too unlikely
