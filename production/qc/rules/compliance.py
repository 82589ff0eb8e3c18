"""Compliance: mandatory disclaimers, disclosure on sponsored and paid assets only, no placeholders,
and no offer promoted after it ends."""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date
from typing import TYPE_CHECKING

from kernel import channels
from production.domain import QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    allowed_domains,
    clean_terms,
    domain_allowed,
    domain_of,
    end_of,
    issue,
    load_data,
    quote,
    register,
    tokens,
    urls,
)
from production.qc.rules.words import FUNCTION_WORDS, Sequences, is_number

if TYPE_CHECKING:
    from onboarding.domain import Brief

_DATA = load_data("compliance")
# Alternatives in order of preference: "[TBD: price]" is one placeholder, not also "TBD".
PLACEHOLDER = re.compile("|".join(f"(?:{p})" for p in _DATA["placeholders"]))
PLACEHOLDER_MARKS = ("{", "[", "TODO", "TBD", "TBC", "FIXME", "XXX")
EXAMPLE_DOMAINS = tuple(_DATA["example_domains"])
DISCLOSURE = re.compile(_DATA["disclosure"])
DISCLOSURE_LABEL = re.compile(_DATA["disclosure_label"])
DISCLOSURE_HASHTAG = re.compile(_DATA["disclosure_hashtag"])
_LINE = re.compile(r"[^\n]+")
DISCLOSURE_HEAD_LINES = _DATA["disclosure_head_lines"]
DISCLOSURE_HEAD_CHARS = _DATA["disclosure_head_chars"]
OFFER_NGRAM = _DATA["offer_ngram"]
OFFER_CONTENT_WORDS = _DATA["offer_content_words"]


@register("disclaimer.mandatory", Severity.CRITICAL, "compliance", "Carries each of the brief's disclaimers verbatim.")
def check_disclaimers(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    disclaimers = clean_terms(ctx.brief.brand.disclaimers)
    if not disclaimers:
        return None
    texts = [" ".join(f.text.split()) for f in ctx.texts]
    field, at = end_of(ctx, "footer", "body")
    issues = []
    for disclaimer in disclaimers:
        wanted = " ".join(disclaimer.split())
        if not any(wanted in text for text in texts):
            issues.append(
                issue(rule, field, at, at, f"The mandatory disclaimer {quote(disclaimer)} is missing.", disclaimer)
            )
    return issues


def _opening(body: str) -> str:
    return "\n".join(body.splitlines()[:DISCLOSURE_HEAD_LINES])[:DISCLOSURE_HEAD_CHARS]


@register(
    "disclosure.sponsored",
    Severity.CRITICAL,
    "compliance",
    'Sponsored social posts say "#ad" or "Ad" up front.',
    channels=channels.SOCIAL_CHANNELS,
)
def check_sponsored_disclosure(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if not ctx.brief.sponsored:
        return None
    body = ctx.draft.body or ""
    if DISCLOSURE.search(_opening(body)):
        return []
    later = DISCLOSURE.search(body)
    if later:
        message = f"The disclosure {quote(later.group())} comes too late: sponsored posts say so up front."
        start, end = later.start(), later.end()
    else:
        message = 'A sponsored post must say "#ad" or "Ad" up front.'
        start = end = 0
    return [issue(rule, "body", start, end, message, 'Start the post with "Ad:" or "#ad".')]


@register(
    "disclosure.unpaid",
    Severity.MAJOR,
    "compliance",
    'No "Ad:" or "#ad" on an asset that is neither sponsored nor on a paid channel.',
)
def check_unpaid_disclosure(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if ctx.brief.sponsored or ctx.draft.channel in channels.PAID_CHANNELS:
        return None
    issues = []
    for field in ctx.copy_fields():
        for start, end in _disclosures(field.text):
            words = field.text[start:end]
            issues.append(
                issue(
                    rule,
                    field.name,
                    start,
                    end,
                    f"{quote(words)} marks an organic {channels.label(ctx.draft.channel)} asset as an ad; "
                    "the brief is not sponsored.",
                    "Remove the disclosure: it belongs on paid or sponsored assets only.",
                )
            )
    return issues


def _disclosures(text: str) -> list[tuple[int, int]]:
    """(start, end) of each disclosure: a label opening a line, or a disclosure hashtag."""
    found = []
    for line in _LINE.finditer(text):
        label = DISCLOSURE_LABEL.match(text, line.start(), line.end())
        if label is not None:
            words = label.group().strip(" \t>*_[")
            start = label.start() + label.group().index(words)
            found.append((start, start + len(words)))
    if "#" in text:
        found += [m.span() for m in DISCLOSURE_HASHTAG.finditer(text)]
    return sorted(found)


@register(
    "placeholder", Severity.CRITICAL, "compliance", "No template placeholders, TODOs, lorem ipsum or example links."
)
def check_placeholders(rule: Rule, ctx: Context) -> list[QCIssue]:
    allowed = allowed_domains(ctx.brief)
    issues = []
    text = ctx.doc.text
    # The pattern is slow to scan; it can only match where one of these is written.
    candidates = any(mark in text for mark in PLACEHOLDER_MARKS) or "lorem" in ctx.doc.folded
    for field, start, end in ctx.doc.search(PLACEHOLDER, folded=False) if candidates else ():
        issues.append(
            issue(
                rule,
                field.name,
                start,
                end,
                f"{quote(field.text[start:end])} is a placeholder.",
                "Replace it with the real text.",
            )
        )
    for field in ctx.texts:
        for start, end, url in urls(field):
            host = domain_of(url)
            if domain_allowed(host, EXAMPLE_DOMAINS) and not domain_allowed(host, allowed):
                issues.append(
                    issue(
                        rule,
                        field.name,
                        start,
                        end,
                        f"{quote(url)} is a placeholder link ({host}).",
                        "Link to the client's real page.",
                    )
                )
    return issues


# --- offers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferWords:
    """The word sequences that say "this is the offer": only the offer has them among the brief's facts."""

    expires: date | None
    sequences: Sequences


def _other_facts(brief: Brief) -> list[str]:
    product = brief.product
    return [
        brief.client.name,
        product.name,
        product.description,
        product.category,
        *product.value_propositions,
        *product.proof_points,
        *brief.audience.pains,
        *brief.audience.phrases,
        *brief.audience.testimonials,
    ]


def offer_words(brief: Brief) -> OfferWords:
    offer = tokens(brief.product.offer)
    shared = {
        words[i : i + size]
        for fact in _other_facts(brief)
        for words in (tokens(fact),)
        for size in (2, OFFER_NGRAM)
        for i in range(len(words) - size + 1)
    }
    sequences = set()
    for i in range(len(offer)):
        triple = offer[i : i + OFFER_NGRAM]
        if len(triple) == OFFER_NGRAM and sum(w not in FUNCTION_WORDS for w in triple) >= OFFER_CONTENT_WORDS:
            sequences.add(triple)
        pair = offer[i : i + 2]
        if len(pair) == 2 and any(is_number(w) for w in pair) and not all(w in FUNCTION_WORDS for w in pair):
            sequences.add(pair)
    return OfferWords(expires=brief.product.offer_expires, sequences=Sequences(sequences - shared))


def _local_day(ctx: Context) -> date:
    scheduled = ctx.draft.scheduled_at
    if scheduled.tzinfo is None:
        scheduled = scheduled.replace(tzinfo=UTC)
    try:
        zone = zoneinfo.ZoneInfo(ctx.brief.client.timezone) if ctx.brief.client.timezone else UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return scheduled.astimezone(zone).date()


@register(
    "offer.expired",
    Severity.CRITICAL,
    "compliance",
    "No asset scheduled after the offer ends mentions the offer.",
)
def check_expired_offer(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if ctx.brief.product.offer_expires is None or not ctx.brief.product.offer.strip():
        return None
    words = ctx.facts.get(offer_words)
    day = _local_day(ctx)
    if day <= ctx.brief.product.offer_expires:
        return []
    ended = ctx.brief.product.offer_expires
    when = f"scheduled for {day.isoformat()}, after the offer ended on {ended.isoformat()}"
    issues = []
    for field in ctx.copy_fields():
        if field.key == "offer" and field.text.strip():
            spans = [(0, len(field.text))]
        else:
            spans = words.sequences.find(field.text)
        if not spans:
            continue
        # One issue per field, from the first mention of the offer to the last.
        start, end = spans[0][0], spans[-1][1]
        issues.append(
            issue(
                rule,
                field.name,
                start,
                end,
                f"{quote(field.text[start:end])} promotes the offer; this asset is {when}.",
                "Drop the offer from this asset or schedule it before the offer ends.",
            )
        )
    return issues
