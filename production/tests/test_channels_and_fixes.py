"""Shared channel data and the mechanical fixes: X weighting, word-boundary trims, the swap map, the schedule rule."""

from __future__ import annotations

import pytest

from kernel.channels import CHANNEL_LIMITS, LIMITS_VERSION, hashtags_in, measure, x_weighted_length
from production.content_fixes import BrandRules, apply_preferred_terms, finish, trim_at_word


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("hello", 5),
        ("東京", 4),  # CJK weighs 2
        ("👍🏽", 2),  # an emoji with a skin tone is one emoji
        ("👨‍👩‍👧", 2),  # a ZWJ family sequence is one emoji
        ("🇫🇷", 2),  # a flag pair is one emoji
        ("Zoë — café", 10),  # Latin-1 and general punctuation weigh 1
        ("see https://zoecafe.fr/a/very/long/path/that/keeps/going?x=1", 4 + 23),  # any URL counts 23
        ("a www.zoecafe.fr b", 4 + 23),
    ],
)
def test_x_weighted_length(text, weight):
    """X's weighting: most Latin text 1, CJK and emoji 2, every URL 23."""
    assert x_weighted_length(text) == weight


def test_limits_are_versioned_data():
    """Limits carry a version and the reference values."""
    assert LIMITS_VERSION
    assert CHANNEL_LIMITS["x"].fields["body"].hard == 280
    assert CHANNEL_LIMITS["x"].fields["body"].unit == "weighted"
    assert CHANNEL_LIMITS["instagram"].max_hashtags == 5
    assert CHANNEL_LIMITS["google_ads"].fields["headlines"].hard == 30
    assert CHANNEL_LIMITS["google_ads"].min_distinct["headlines"] == 5
    assert CHANNEL_LIMITS["blog"].fields["body"].soft_min == 300


def test_measure_and_hashtags():
    """Words and hashtags are counted the way QC and generation both read them."""
    assert measure("It’s a well-known, tried idea.", "words") == 5
    assert hashtags_in("#One two #Two_3 x#no #") == ["#One", "#Two_3"]


def test_trim_at_word_never_cuts_a_word():
    """Trimming stops at a word boundary, drops dangling punctuation and marks the cut."""
    # given
    text = "Fresh pastries, baked before dawn, delivered to your desk"
    # when
    trimmed = trim_at_word(text, 30)
    # then
    assert trimmed == "Fresh pastries, baked before…"
    assert len(trimmed) <= 30
    assert trim_at_word(text, 200) == text
    assert trim_at_word("Supercalifragilistic", 10) == ""


def test_preferred_terms_keep_case_and_word_boundaries():
    """The swap map replaces whole words in any case, keeping the case shape, and reports what it did."""
    text, applied = apply_preferred_terms(
        "Utilize it. UTILIZE it. utilize it. utilizer stays.", [("utilize", "use"), ("absent", "x")]
    )
    assert text == "Use it. USE it. use it. utilizer stays."
    assert applied == ["utilize -> use"]


def test_finish_cuts_hashtags_puts_disclosure_first_and_adds_disclaimers():
    """Finishing an Instagram caption cuts hashtags to 5, starts with the disclosure and ends with the disclaimer."""
    # given
    rules = BrandRules(preferred_terms=(), disclaimers=("Prices include VAT.",), sponsored=True)
    fields = {"hook": "#ad Fresh every morning.", "value": "", "cta": "Order today", "link": "https://zoecafe.fr"}
    fields["hashtags"] = ["#A", "#B", "#a", "C", "#D", "#E", "#F"]
    # when
    done = finish(channel="instagram", asset_type="instagram_caption", title="t", fields=fields, rules=rules)
    # then
    assert done.body.startswith("Ad: Fresh every morning.")
    assert done.body.count("#ad") == 0
    assert done.fields["hashtags"] == ["#A", "#B", "#C", "#D", "#E"]
    assert done.body.endswith("Prices include VAT.")
    assert "hashtags.deduplicated" in done.fixes
    assert "hashtags.cut: 6 -> 5 (the instagram maximum is 5)" in done.fixes


def test_finish_trims_rsa_fields_to_their_limits():
    """Over-long RSA headlines, descriptions and paths are trimmed at word boundaries; duplicates go."""
    # given
    fields = {
        "headlines": ["Crème Box delivered to your office desk", "Fresh", "Fresh"],
        "descriptions": ["A" * 10 + " " + "word " * 30],
        "path1": "breakfast-boxes-paris",
        "path2": "",
        "final_url": "https://zoecafe.fr",
    }
    # when
    done = finish(channel="google_ads", asset_type="google_ads_rsa", title="t", fields=fields, rules=BrandRules())
    # then
    assert all(len(h) <= 30 for h in done.fields["headlines"])
    assert done.fields["headlines"][1:] == ["Fresh"]
    assert all(len(d) <= 90 for d in done.fields["descriptions"])
    assert len(done.fields["path1"]) <= 15
    assert any(f.startswith("length.trimmed: headlines") for f in done.fixes)
