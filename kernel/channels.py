"""The shared channel vocabulary: names, labels, aliases, asset types, families and limits.

Every context reads channels from here (intake aliases, strategy labels, the writer's limits, QC,
package labels), so one channel is spelt one way everywhere. Limits drift (Instagram went from 30
hashtags to 5), so they live here as versioned data with a version string that every QC result
records. Sources: the reference notes on channel limits (docs/architecture.md lists them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal


@dataclass(frozen=True)
class Channel:
    """One channel a brief may plan: how it is named, written and measured."""

    name: str
    label: str
    # Spellings an intake or a reviewer's note may use, compared after `alias_key` folding.
    aliases: tuple[str, ...]
    # The asset types written for it; the first is the default.
    asset_types: tuple[str, ...]
    # How the channel is described in a deliverable ("12 LinkedIn posts", "a monthly newsletter"):
    # regular-expression fragments, matched as whole words, case-insensitively.
    keywords: tuple[str, ...]
    social: bool = False
    # Paid placement: every asset on it is an ad (disclosure and utm_medium follow).
    paid: bool = False
    # utm_source of links in its copy ("newsletter" for e-mail, "google" for search ads).
    utm_source: str = ""


CHANNEL_CATALOGUE: MappingProxyType[str, Channel] = MappingProxyType(
    {
        c.name: c
        for c in (
            Channel(
                "linkedin", "LinkedIn", ("linkedin", "linked in"), ("linkedin_post",), (r"linked\s?in",), social=True
            ),
            Channel(
                "x",
                "X",
                ("x", "twitter", "x twitter", "twitter x", "tweet", "tweets"),
                ("x_post",),
                (r"tweets?", r"twitter", r"x\s+(?:posts?|threads?|updates?)", r"posts?\s+(?:on|for)\s+x"),
                social=True,
            ),
            Channel(
                "instagram",
                "Instagram",
                ("instagram", "ig", "insta"),
                ("instagram_caption",),
                (r"instagram", r"insta", r"ig", r"reels?"),
                social=True,
            ),
            Channel("facebook", "Facebook", ("facebook", "fb"), ("facebook_post",), (r"facebook", r"fb"), social=True),
            Channel(
                "email",
                "E-mail",
                ("email", "e-mail", "emails", "newsletter", "newsletters", "email newsletter"),
                ("email",),
                (r"e-?mails?", r"newsletters?", r"mailings?", r"e-?blasts?", r"edms?"),
                utm_source="newsletter",
            ),
            Channel("blog", "Blog", ("blog", "blogs"), ("blog_article",), (r"blogs?", r"blog\s?posts?", r"articles?")),
            Channel(
                "google_ads",
                "Google Ads",
                ("google ads", "google_ads", "adwords", "google adwords"),
                ("google_ads_rsa",),
                (
                    r"google\s+ads?",
                    r"adwords",
                    r"search\s+ads?",
                    r"ppc",
                    r"sem",
                    r"paid\s+search",
                    r"responsive\s+search\s+ads?",
                    r"rsas?",
                ),
                utm_source="google",
                paid=True,
            ),
        )
    }
)
CHANNELS: tuple[str, ...] = tuple(CHANNEL_CATALOGUE)
SOCIAL_CHANNELS = frozenset(name for name, c in CHANNEL_CATALOGUE.items() if c.social)
PAID_CHANNELS = frozenset(name for name, c in CHANNEL_CATALOGUE.items() if c.paid)

# The structure an asset type is written in: social post, e-mail, blog article, responsive search ad.
ASSET_FAMILIES: MappingProxyType[str, str] = MappingProxyType(
    {
        "x_post": "social",
        "linkedin_post": "social",
        "instagram_caption": "social",
        "facebook_post": "social",
        "email": "email",
        "blog_article": "blog",
        "google_ads_rsa": "rsa",
    }
)
_CHANNEL_FAMILIES = {"email": "email", "blog": "blog", "google_ads": "rsa"}


def alias_key(text: str) -> str:
    """How aliases are compared: case-folded, letters and digits only ("Google-Ads" -> "googleads")."""
    return re.sub(r"[^a-z0-9]", "", text.casefold())


_ALIASES: dict[str, str] = {alias_key(a): c.name for c in CHANNEL_CATALOGUE.values() for a in (c.name, *c.aliases)}


def channel_for(text: str) -> str | None:
    """The channel a name or alias means ("Twitter" -> "x"), or None."""
    return _ALIASES.get(alias_key(text))


def label(channel: str) -> str:
    """How people read a channel's name ("E-mail", "Google Ads"); unknown names are title-cased."""
    known = CHANNEL_CATALOGUE.get(channel)
    return known.label if known else channel.replace("_", " ").title()


def default_asset_type(channel: str) -> str:
    known = CHANNEL_CATALOGUE.get(channel)
    return known.asset_types[0] if known else f"{channel}_post"


def family_of(channel: str, asset_type: str) -> str:
    """social, email, blog or rsa: the structure an asset type is written in."""
    return ASSET_FAMILIES.get(asset_type) or _CHANNEL_FAMILIES.get(channel, "social")


LIMITS_VERSION = "channel-limits-2025.1"

Unit = Literal["chars", "weighted", "words"]


@dataclass(frozen=True)
class FieldLimit:
    """Length rules of one field: `hard` (platform rejects or truncates), `soft` (warn above),
    `soft_min` (warn below). `unit` says what is counted: characters, X-weighted characters, words."""

    hard: int | None = None
    soft: int | None = None
    soft_min: int | None = None
    unit: Unit = "chars"


@dataclass(frozen=True)
class ChannelLimits:
    channel: str
    fields: MappingProxyType[str, FieldLimit]
    # Hashtags per asset the platform accepts (None: no platform maximum).
    max_hashtags: int | None = None
    # For list fields: (minimum, maximum) number of items, and the minimum number of distinct items.
    counts: MappingProxyType[str, tuple[int, int]] = field(default_factory=lambda: MappingProxyType({}))
    min_distinct: MappingProxyType[str, int] = field(default_factory=lambda: MappingProxyType({}))


def _limits(
    channel: str,
    fields: dict[str, FieldLimit],
    *,
    max_hashtags: int | None = None,
    counts: dict[str, tuple[int, int]] | None = None,
    min_distinct: dict[str, int] | None = None,
) -> ChannelLimits:
    return ChannelLimits(
        channel=channel,
        fields=MappingProxyType(fields),
        max_hashtags=max_hashtags,
        counts=MappingProxyType(counts or {}),
        min_distinct=MappingProxyType(min_distinct or {}),
    )


CHANNEL_LIMITS: MappingProxyType[str, ChannelLimits] = MappingProxyType(
    {
        "x": _limits("x", {"body": FieldLimit(hard=280, unit="weighted")}),
        "linkedin": _limits(
            "linkedin",
            {"body": FieldLimit(hard=3000, soft=210), "title": FieldLimit(hard=400)},
        ),
        "instagram": _limits("instagram", {"body": FieldLimit(hard=2200, soft=125)}, max_hashtags=5),
        "facebook": _limits("facebook", {"body": FieldLimit(hard=63206)}),
        "email": _limits(
            "email",
            {
                "subject": FieldLimit(soft=60, soft_min=30),
                "preheader": FieldLimit(soft=80, soft_min=40),
            },
        ),
        "blog": _limits(
            "blog",
            {
                "meta_description": FieldLimit(soft=156, soft_min=120),
                "body": FieldLimit(soft_min=300, unit="words"),
            },
        ),
        "google_ads": _limits(
            "google_ads",
            {
                "headlines": FieldLimit(hard=30),
                "descriptions": FieldLimit(hard=90),
                "path1": FieldLimit(hard=15),
                "path2": FieldLimit(hard=15),
            },
            counts={"headlines": (3, 15), "descriptions": (2, 4)},
            min_distinct={"headlines": 5},
        ),
    }
)


# X counts every URL as 23 characters, whatever its length (t.co wrapping).
X_URL_WEIGHT = 23
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"]+", re.IGNORECASE)
# twitter-text v3: these code point ranges weigh 1, everything else 2 (weights 100/200, scale 100).
_X_LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_ZWJ = 0x200D
_EMOJI_MODIFIERS = frozenset(range(0x1F3FB, 0x1F400)) | {0xFE0E, 0xFE0F, 0x20E3}


def _is_emoji_start(code: int) -> bool:
    return (
        0x1F000 <= code <= 0x1FAFF
        or 0x2600 <= code <= 0x27BF
        or 0x2300 <= code <= 0x23FF
        or 0x2B00 <= code <= 0x2BFF
        or code in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D)
    )


def _char_weight(code: int) -> int:
    return 1 if any(lo <= code <= hi for lo, hi in _X_LIGHT_RANGES) else 2


def x_weighted_length(text: str) -> int:
    """The length X counts for `text`: URLs 23, CJK and emoji 2, most Latin text 1 (NFC first)."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in _URL.finditer(text):
        total += _weigh_plain(text[position : match.start()]) + X_URL_WEIGHT
        position = match.end()
    return total + _weigh_plain(text[position:])


# Characters that weigh 1 and start no emoji: text made only of these weighs its length.
_LIGHT_ONLY = re.compile("[\x00-\xa8\xaa-\xad\xaf-\u10ff\u2000-\u200d\u2010-\u201f\u2032-\u2037]*")


def _weigh_plain(text: str) -> int:
    if _LIGHT_ONLY.fullmatch(text):
        return len(text)
    total = 0
    index = 0
    while index < len(text):
        code = ord(text[index])
        if _is_emoji_start(code) or (0x1F1E6 <= code <= 0x1F1FF):
            # One emoji sequence (modifiers, ZWJ joins, flag pairs, keycaps) weighs 2 in all.
            index = _end_of_emoji(text, index)
            total += 2
            continue
        total += _char_weight(code)
        index += 1
    return total


def _end_of_emoji(text: str, index: int) -> int:
    code = ord(text[index])
    index += 1
    if 0x1F1E6 <= code <= 0x1F1FF and index < len(text) and 0x1F1E6 <= ord(text[index]) <= 0x1F1FF:
        return index + 1  # a regional-indicator flag pair
    while index < len(text):
        nxt = ord(text[index])
        if nxt in _EMOJI_MODIFIERS or 0xE0020 <= nxt <= 0xE007F:
            index += 1
        elif nxt == _ZWJ and index + 1 < len(text):
            index += 2
        else:
            break
    return index


def measure(text: str, unit: Unit) -> int:
    """The length of `text` in `unit` (characters, X-weighted characters or words)."""
    if unit == "weighted":
        return x_weighted_length(text)
    if unit == "words":
        return len(WORD.findall(text))
    return len(text)


WORD = re.compile(r"[^\W_][\w'’-]*", re.UNICODE)
HASHTAG = re.compile(r"(?<![\w#])#[^\W_][\w]*", re.UNICODE)


def hashtags_in(text: str) -> list[str]:
    """Hashtags in order of appearance (duplicates kept, so counts match what a platform sees)."""
    return HASHTAG.findall(text)
