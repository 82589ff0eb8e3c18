"""Brand terms and scope: banned terms (after Unicode folding, so look-alikes and invisible
characters cannot hide them), preferred wording, the brand or product named, nothing excluded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kernel.text import find_terms
from production.domain import QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    around,
    clean_terms,
    in_url,
    issue,
    match_case,
    presence_key,
    quote,
    register,
)

if TYPE_CHECKING:
    from onboarding.domain import Brief


@dataclass(frozen=True)
class BrandTerms:
    banned: tuple[str, ...]
    allowed: tuple[str, ...]
    swaps: dict[str, str]
    exclusions: tuple[str, ...]
    names: tuple[str, ...]


def brand_terms(brief: Brief) -> BrandTerms:
    return BrandTerms(
        banned=tuple(clean_terms(brief.brand.banned_terms)),
        allowed=tuple(clean_terms(brief.brand.allowed_phrases)),
        swaps={presence_key(p.avoid): p.use for p in brief.brand.preferred_terms},
        exclusions=tuple(clean_terms(brief.scope.exclusions)),
        names=tuple(clean_terms([brief.client.name, brief.product.name])),
    )


@register("terms.banned", Severity.CRITICAL, "terms", "None of the brand's banned terms (whole words, any disguise).")
def check_banned_terms(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    terms = ctx.facts.get(brand_terms)
    if not terms.banned:
        return None
    issues = []
    for field, hit in ctx.doc.find_terms(terms.banned, allowed_phrases=terms.allowed):
        swap = terms.swaps.get(presence_key(hit.term))
        if hit.matched.casefold() == hit.term.casefold():
            what = f"{quote(hit.matched)} is a banned term for this brand"
        elif hit.matched.isascii():
            what = f"{quote(hit.matched)} is the banned term {quote(hit.term)}"
        else:
            what = (
                f"{quote(hit.matched)} is the banned term {quote(hit.term)}, "
                "written with look-alike or invisible characters"
            )
        issues.append(
            issue(
                rule,
                field.name,
                hit.start,
                hit.end,
                f"{what} ({quote(around(field.text, hit.start, hit.end))}).",
                match_case(swap, hit.matched) if swap else "Remove or rephrase it.",
            )
        )
    return issues


@register("terms.preferred", Severity.MINOR, "terms", "The brand's preferred wording instead of the terms it avoids.")
def check_preferred_terms(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    swaps = {p.avoid.strip(): p.use for p in ctx.brief.brand.preferred_terms if p.avoid.strip()}
    if not swaps:
        return None
    by_key = {presence_key(avoid): use for avoid, use in swaps.items()}
    issues = []
    for field, hit in ctx.doc.find_terms(tuple(swaps)):
        if not field.is_copy or in_url(field, hit.start, hit.end):
            continue
        use = by_key[presence_key(hit.term)]
        # "month end" -> "month-end": the preferred spelling is not a hit for the avoided one.
        if presence_key(hit.matched) == presence_key(use):
            continue
        issues.append(
            issue(
                rule,
                field.name,
                hit.start,
                hit.end,
                f"Prefer {quote(use)} over {quote(hit.matched)}.",
                match_case(use, hit.matched),
            )
        )
    return issues


@register("terms.required", Severity.MAJOR, "terms", "Names the brand or the product.")
def check_required_terms(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    names = ctx.facts.get(brand_terms).names
    if not names:
        return None
    # Most drafts name the brand as the brief spells it; accents are only ignored when they do not.
    if any(True for _ in ctx.doc.find_terms(names)):
        return []
    if find_terms(presence_key(ctx.doc.text), tuple(presence_key(n) for n in names)):
        return []
    return [
        issue(
            rule,
            "body",
            0,
            0,
            f"Neither {' nor '.join(quote(n) for n in names)} is named.",
            f"Name {names[-1]}.",
        )
    ]


@register("scope.exclusions", Severity.CRITICAL, "terms", "Nothing the brief excludes (topics, channels, competitors).")
def check_exclusions(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    exclusions = ctx.facts.get(brand_terms).exclusions
    if not exclusions:
        return None
    issues = []
    for exclusion in exclusions:
        if presence_key(exclusion) == presence_key(ctx.draft.channel):
            issues.append(
                issue(
                    rule,
                    "channel",
                    0,
                    len(ctx.draft.channel),
                    f"The {ctx.draft.channel} channel is excluded from the scope of this brief.",
                    "Drop this asset.",
                )
            )
    for field, hit in ctx.doc.find_terms(exclusions, allowed_phrases=ctx.facts.get(brand_terms).allowed):
        issues.append(
            issue(
                rule,
                field.name,
                hit.start,
                hit.end,
                f"{quote(hit.matched)} is excluded from the scope of this brief "
                f"({quote(around(field.text, hit.start, hit.end))}).",
                "Remove it.",
            )
        )
    return issues
