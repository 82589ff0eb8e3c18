"""Folding and term matching: look-alikes, invisible characters and compatibility forms cannot hide a term."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from kernel.text import _FORMAT_CHARS, TermHit, find_terms, fold, folded_matches


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("FREE", "free"),
        ("fr\u0435e", "free"),  # Cyrillic small ie
        ("\u0421\u041e\u0420\u0415", "cope"),  # Cyrillic capitals С О Р Е
        ("\u039d\u039fVA", "nova"),  # Greek capitals Ν Ο
        ("g\u03bfod", "good"),  # Greek small omicron
        ("fr\u200bee", "free"),  # zero-width space
        ("fr\u200c\u200dee", "free"),  # zero-width non-joiner and joiner
        ("fr\u2060ee\ufeff", "free"),  # word joiner, byte-order mark
        ("fr\u00adee", "free"),  # soft hyphen
        ("\uff46\uff52\uff45\uff45", "free"),  # full-width letters
        ("\ufb01ne", "fine"),  # the "fi" ligature
        ("\U0001d41f\U0001d42b\U0001d41e\U0001d41e", "free"),  # mathematical bold
        ("Stra\u00dfe", "strasse"),  # case folding, not lower-casing
        ("cafe\u0301", "caf\u00e9"),  # a combining accent composes (NFKC)
    ],
)
def test_fold_undoes_disguises(written, folded):
    """Each disguise folds to the plain, case-folded word."""
    # when / then
    assert fold(written) == folded


def test_fold_keeps_accents_and_other_scripts():
    """Folding does not strip accents or rewrite words of other scripts that merely contain look-alikes."""
    # when / then
    assert fold("Zoë Café") == "zoë café"
    assert fold("日本語のテキスト") == "日本語のテキスト"


def test_format_character_class_matches_unicode_category_cf():
    """The invisible characters removed are exactly Unicode's format characters (category Cf)."""
    # given
    expected = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}

    # when
    matched = {chr(c) for c in range(sys.maxunicode + 1) if _FORMAT_CHARS.match(chr(c))}

    # then
    assert matched == expected


def test_find_terms_is_whole_word_and_case_insensitive():
    """ "CHEAP" is found; "cheapest" and "cheapskate" are other words."""
    # given
    text = "Not CHEAP. The cheapest? A cheapskate's cheap-looking box."

    # when
    hits = find_terms(text, ["cheap"])

    # then
    assert [(h.matched, h.start) for h in hits] == [("CHEAP", 4), ("cheap", text.index("cheap-"))]
    assert all(h.term == "cheap" for h in hits)


def test_find_terms_reports_offsets_in_the_original_text():
    """A hit disguised with a Cyrillic letter and a zero-width space is quoted as written."""
    # given
    text = "Start your fr\u0435\u200be trial today: fr\u00adee for 30 days."

    # when
    hits = find_terms(text, ["free"])

    # then
    assert hits == [
        TermHit(term="free", start=11, end=16, matched="fr\u0435\u200be"),
        TermHit(term="free", start=text.index("fr\u00ad"), end=text.index("fr\u00ad") + 5, matched="fr\u00adee"),
    ]
    assert all(text[h.start : h.end] == h.matched for h in hits)


def test_find_terms_through_full_width_letters_and_ligatures():
    """Compatibility forms expand when folded; the hit still spans exactly the characters written."""
    # given
    text = "Get \uff46\uff52\uff45\uff45 shipping and a pro\ufb01t."

    # when
    hits = find_terms(text, ["free", "profit"])

    # then
    assert [(h.term, h.matched) for h in hits] == [("free", "\uff46\uff52\uff45\uff45"), ("profit", "pro\ufb01t")]


def test_offsets_stay_right_after_a_character_that_expands():
    """After "ß" (two letters when folded) and a decomposed accent, later hits still map to their place."""
    # given
    text = "Gro\u00dfe Cafe\u0301 deals: totally free."

    # when
    [hit] = find_terms(text, ["free"])

    # then
    assert hit.matched == "free"
    assert text[hit.start : hit.end] == "free"


def test_multi_word_and_hyphenated_terms_match_any_spacing():
    """ "lose weight fast" spans line breaks; "game-changer" matches spaced, hyphenated and closed forms."""
    # given
    text = "Lose  weight\nfast! A game changer, a game-changer, a gamechanger."

    # when
    hits = find_terms(text, ["lose weight fast", "game-changer"])

    # then
    assert [h.matched for h in hits] == ["Lose  weight\nfast", "game changer", "game-changer", "gamechanger"]


def test_longest_term_wins_where_two_start_together():
    """ "no risk" is reported once as the longer term, not again as "no"."""
    # given
    text = "Invest with no risk."

    # when
    hits = find_terms(text, ["no", "no risk"])

    # then
    assert [(h.term, h.matched) for h in hits] == [("no risk", "no risk")]


def test_allowed_phrase_shields_the_term_inside_it():
    """ "luxury" inside "Small Luxury Hotels of the World" is allowed; alone it is a hit."""
    # given
    text = "A member of Small Luxury Hotels of the World. Pure luxury, every night."

    # when
    hits = find_terms(text, ["luxury"], allowed_phrases=["Small Luxury Hotels of the World"])
    unshielded = find_terms(text, ["luxury"])

    # then
    assert [(h.matched, h.start) for h in hits] == [("luxury", text.index("luxury"))]
    assert len(unshielded) == 2


def test_allowed_phrase_is_matched_after_folding_too():
    """The allowed phrase shields its words even when written with a look-alike letter."""
    # given
    text = "Small Lux\u0443ry Hotels of the World"

    # when / then
    assert find_terms(text, ["luxury"], allowed_phrases=["Small Luxury Hotels of the World"]) == []


def test_terms_with_symbols_and_disguised_terms():
    """Terms such as "#1" and "100%" match whole; a term written with a look-alike still finds the plain word."""
    # given
    text = "Rated #1, 100% natural, and free."

    # when
    hits = find_terms(text, ["#1", "100%", "fr\u0435e"])

    # then
    assert [(h.term, h.matched) for h in hits] == [("#1", "#1"), ("100%", "100%"), ("fr\u0435e", "free")]


def test_no_terms_no_text_no_hits():
    """Empty inputs and blank terms find nothing."""
    # when / then
    assert find_terms("", ["free"]) == []
    assert find_terms("free", []) == []
    assert find_terms("free", ["  ", "-"]) == []


def test_folded_matches_locates_a_pattern_in_the_original_text():
    """A pattern written for folded text finds a disguised claim and reports where it is written."""
    # given
    import re

    text = "Returns are GUAR\u0410NTEED\u200b!"
    pattern = re.compile(r"guaranteed")

    # when
    [(match, start, end)] = list(folded_matches(pattern, text))

    # then
    assert match.group() == "guaranteed"
    assert text[start:end] == "GUAR\u0410NTEED"
