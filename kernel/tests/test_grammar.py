"""Shared grammar: the language a document follows, money in the locale's form, the shapes of typed facts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel.grammar import document_language, money, pain_shape, proper_nouns, value_shape


@pytest.mark.parametrize(
    ("language", "voice", "expected"),
    [
        ("en-GB", "", "en-GB"),
        ("en-US", "", "en-US"),
        ("en", "Concrete numbers. British spelling.", "en-GB"),
        ("en", "Write in British English, please.", "en-GB"),
        ("en", "Friendly.", "en"),
        ("", "", "en"),
    ],
)
def test_document_language_follows_the_brief_or_its_voice_notes(language, voice, expected):
    assert document_language(language, voice) == expected


def test_money_is_written_as_the_locale_writes_it():
    assert money(Decimal("48000"), "GBP", "en-GB") == "£48,000"
    assert money(Decimal("1234.5"), "usd", "en-US") == "$1,234.50"
    assert money(Decimal("120000"), "EUR", "en") == "€120,000"


@pytest.mark.parametrize(
    ("pain", "shape"),
    [
        ("No time to get to the gym", "no"),
        ("Loses motivation after two weeks", "predicate"),
        ("Worried about picking the wrong fund", "adjective"),
        ("Month-end close takes 8 to 12 working days", "clause"),
    ],
)
def test_pain_shapes(pain, shape):
    assert pain_shape(pain) == shape


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        ("Close the books in 4 working days", "imperative"),
        ("Works with the data you already collect", "predicate"),
        ("Every $1 you give provides 3 meals", "clause"),
        ("Fresh sourdough every Saturday", "noun"),
    ],
)
def test_value_shapes(value, shape):
    assert value_shape(value) == shape


def test_proper_nouns_are_names_and_words_capitalised_mid_sentence():
    found = proper_nouns(names=["Tallyfold Close", "Ireland"], texts=["Connects to Xero and Sage", "Rated #1"])
    assert {"Tallyfold Close", "Ireland", "Xero", "Sage"} <= found
    assert "Connects" not in found and "Tallyfold" not in found
