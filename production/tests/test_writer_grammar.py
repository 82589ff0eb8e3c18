"""The writer's grammar: facts turned into sentences by rule, voices read from the brief, banks loaded once."""

from __future__ import annotations

import pytest

from production.writer import bank
from production.writer.facts import Fact, Pain, Quote, Value, category_phrase, is_praise, lower_first
from production.writer.grammar import british, join_list, uncontracted, with_article
from production.writer.voice import voice_of

PROPER = frozenset({"Tallyfold Close", "Saturday", "Oregon"})


def _pain(text: str) -> Pain:
    return Pain.of(Fact(text, "audience.pains[0]"), PROPER)


@pytest.mark.parametrize(
    ("pain", "question", "you", "when"),
    [
        (
            "No time to get to the gym",
            "No time to get to the gym?",
            "You have no time to get to the gym.",
            "you have no time to get to the gym",
        ),
        (
            "Loses motivation after two weeks",
            "Do you lose motivation after two weeks?",
            "You lose motivation after two weeks.",
            "you lose motivation after two weeks",
        ),
        (
            "Worried about picking the wrong fund",
            "Worried about picking the wrong fund?",
            "You are worried about picking the wrong fund.",
            "you are worried about picking the wrong fund",
        ),
        (
            "The Saturday line is out the door by 9 am",
            "Is the Saturday line out the door by 9 am?",
            None,
            "the Saturday line is out the door by 9 am",
        ),
        ("Month-end close takes 8 to 12 working days", None, None, "month-end close takes 8 to 12 working days"),
        (
            "Investing feels complicated and full of jargon",
            None,
            None,
            "investing feels complicated and full of jargon",
        ),
        ("Scrolls in bed until 1 am", "Do you scroll in bed until 1 am?", "You scroll in bed until 1 am.", None),
    ],
)
def test_a_pain_becomes_a_question_or_a_you_sentence_by_rule(pain, question, you, when):
    """Each shape of pain gives the sentences it can; a clause is never forced into a broken question."""
    shaped = _pain(pain)
    assert shaped.question() == question
    assert shaped.you() == you
    if when is not None:
        assert shaped.when() == when


@pytest.mark.parametrize(
    ("value", "shape", "can", "noun"),
    [
        (
            "Close the books in 4 working days instead of 10",
            "imperative",
            "close the books in 4 working days instead of 10",
            None,
        ),
        (
            "Fresh sourdough every Saturday without the queue",
            "noun",
            None,
            "fresh sourdough every Saturday without the queue",
        ),
        (
            "10-minute workouts you can do in a living room",
            "noun",
            None,
            "10-minute workouts you can do in a living room",
        ),
        ("Works with OpenTelemetry data you already collect", "predicate", None, None),
        ("Your data stays in the EU", "clause", None, None),
    ],
)
def test_a_value_proposition_is_promised_in_the_form_its_shape_allows(value, shape, can, noun):
    shaped = Value.of(Fact(value, "product.value_propositions[0]"), PROPER)
    assert (shaped.shape, shaped.can(), shaped.noun()) == (shape, can, noun)
    if shape == "predicate":
        assert shaped.pred() == "works with OpenTelemetry data you already collect"
        assert shaped.fragment() is None


def test_names_and_acronyms_keep_their_capitals():
    assert lower_first("Tallyfold Close matches every night", PROPER) == "Tallyfold Close matches every night"
    assert lower_first("SOC 2 report on request", PROPER) == "SOC 2 report on request"
    assert lower_first("A plan that adapts", PROPER) == "a plan that adapts"
    assert lower_first("Saturday queues", PROPER) == "Saturday queues"


def test_praise_is_told_from_complaints():
    """ "Worth the wait" is praise; "I don't want another fee" and a question are not."""
    assert is_praise("worth the wait")
    assert is_praise("my favourite Saturday ritual")
    assert not is_praise("I don't want another fee")
    assert not is_praise("is it worth it for small amounts?")
    assert Quote(Fact("worth the wait", "x"), praise=True).quoted == "“Worth the wait.”"


def test_articles_lists_and_categories_come_from_the_libraries():
    """inflect picks "an" by sound; Babel joins lists per locale; mass nouns take no article."""
    assert with_article("ISA") == "an ISA"
    assert with_article("hour-long class") == "an hour-long class"
    assert with_article("user guide") == "a user guide"
    assert join_list(["bread", "pastry", "coffee"], "en-GB") == "bread, pastry and coffee"
    assert join_list(["bread", "pastry", "coffee"], "en-US") == "bread, pastry, and coffee"
    assert category_phrase("month-end close software") == "month-end close software"
    assert category_phrase("boutique hotel in Lisbon") == "a boutique hotel in Lisbon"


def test_our_wording_follows_locale_and_register():
    """British spelling and formal expansions apply to the writer's own words."""
    assert british("Organize your favorite program") == "Organise your favourite programme"
    assert (
        uncontracted("You'll see it's simple, and we'd show you") == "You will see it is simple, and we would show you"
    )


@pytest.mark.parametrize(
    ("tone", "notes", "register", "flags"),
    [
        ("warm, neighborly, a little playful", "short sentences, sensory words", "warm", {"short"}),
        (
            "calm, clear, reassuring",
            "Balance every benefit with its risk. No urgency tactics.",
            "formal",
            {"no_urgency"},
        ),
        ("technical, precise, no hype", "commands and numbers. No exclamation marks.", "plain", {"no_hype"}),
        ("playful, cheeky", "", "playful", set()),
        ("", "", "plain", set()),
    ],
)
def test_voice_is_read_from_tone_and_notes(tone, notes, register, flags):
    voice = voice_of(tone, notes)
    assert voice.register == register
    assert flags <= voice.flags


def test_phrase_banks_load_once_and_are_well_formed():
    """Every part parses; every slot a phrasing names exists; the banks are read once per process."""
    from production.writer.core import _SLOTS

    banks = bank.banks()
    assert bank.banks() is banks
    assert len(banks) > 60
    for name, phrasings in banks.items():
        for phrasing in phrasings:
            for slot, _form in phrasing.slots:
                assert slot in _SLOTS, (name, phrasing.text)
            assert phrasing.text.count("[") == phrasing.text.count("]"), (name, phrasing.text)


def test_every_call_to_action_of_a_kind_starts_with_a_verb_the_kind_takes():
    """The bank's calls to action per kind use only the kernel's verbs for that kind (or general ones)."""
    from kernel.vocabulary import GENERAL_VERBS, KIND_VERBS

    for kind, verbs in KIND_VERBS.items():
        allowed = {*verbs, *GENERAL_VERBS}
        for phrasing in bank.part(f"cta.{kind}"):
            for start in _openings(phrasing.text.lower()):
                assert any(start == v or start.startswith(f"{v} ") for v in allowed), (kind, phrasing.text)


def _openings(text: str) -> list[str]:
    """The ways a phrasing can start: each option of a leading [a|b] group, with the rest after it."""
    if not text.startswith("["):
        return [text]
    group, rest = text[1:].split("]", 1)
    return [f"{option}{rest}" for option in group.split("|")]
