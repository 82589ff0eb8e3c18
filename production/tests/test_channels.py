"""Shared channel data: X weighting, versioned limits, words and hashtags as QC and the writer count them."""

from __future__ import annotations

import pytest

from kernel.channels import CHANNEL_LIMITS, LIMITS_VERSION, hashtags_in, measure, x_weighted_length


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
