"""Hashtags: no more than the channel allows, and only the brand's own (never made up from the product name)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel import channels
from production.domain import QCIssue, Severity
from production.qc.rules.base import Context, Rule, issue, quote, register, tokens

if TYPE_CHECKING:
    from onboarding.domain import Brief

HASHTAG_CAPPED = frozenset(c for c, limits in channels.CHANNEL_LIMITS.items() if limits.max_hashtags is not None)


def located_hashtags(ctx: Context) -> list[tuple[str, int, int, str]]:
    """(field, start, end, tag) of each distinct hashtag of the draft, in reading order; a `hashtags`
    item without "#" counts as the tag it names."""
    seen: set[str] = set()
    located: list[tuple[str, int, int, str]] = []
    for field in ctx.copy_fields():
        found = (
            [(m.start(), m.end(), m.group()) for m in channels.HASHTAG.finditer(field.text)]
            if "#" in field.text
            else []
        )
        if field.key == "hashtags" and not found and field.text.strip():
            tag = field.text.strip()
            found = [(0, len(field.text), tag if tag.startswith("#") else f"#{tag}")]
        for start, end, tag in found:
            # "#1" is a rank, not a hashtag: platforms link only tags with a letter.
            if not any(c.isalpha() for c in tag):
                continue
            if tag.casefold() not in seen:
                seen.add(tag.casefold())
                located.append((field.name, start, end, tag))
    return located


@register(
    "hashtags.count", Severity.MAJOR, "format", "No more hashtags than the channel allows.", channels=HASHTAG_CAPPED
)
def check_hashtag_count(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    limits = channels.CHANNEL_LIMITS.get(ctx.draft.channel)
    if limits is None or limits.max_hashtags is None:
        return None
    located = located_hashtags(ctx)
    most = limits.max_hashtags
    if len(located) <= most:
        return []
    name, start, end, _tag = located[most]
    extra = ", ".join(tag for *_, tag in located[most:])
    return [
        issue(
            rule,
            name,
            start,
            end,
            f"{len(located)} hashtags; {ctx.draft.channel} allows {most} (over the limit: {extra}).",
            f"Remove {extra}.",
        )
    ]


def _tag_key(text: str) -> str:
    return "".join(tokens(text))


def product_tag_keys(brief: Brief) -> frozenset[str]:
    """Hashtags one could make of the product name: all of it, or two or more of its words in a row."""
    words = tokens(brief.product.name)
    return frozenset("".join(words[i:j]) for i in range(len(words)) for j in range(i + 2, len(words) + 1)) | (
        {"".join(words)} if words else set()
    )


@register(
    "hashtags.invented",
    Severity.MAJOR,
    "format",
    "Hashtags are the brand's own; none is made up from the product name.",
    channels=channels.SOCIAL_CHANNELS,
)
def check_invented_hashtags(rule: Rule, ctx: Context) -> list[QCIssue]:
    own = {_tag_key(t) for t in ctx.brief.brand.hashtags if _tag_key(t)}
    made_up = ctx.facts.get(product_tag_keys)
    issues = []
    for name, start, end, tag in located_hashtags(ctx):
        key = _tag_key(tag)
        if own and key not in own:
            message = f"{quote(tag)} is not one of the brand's hashtags ({', '.join(ctx.brief.brand.hashtags)})."
        elif not own and (key in made_up or any(k in key for k in made_up if len(k) >= 6)):
            message = f"{quote(tag)} is made up from the product name; the brand gave no hashtags."
        else:
            continue
        issues.append(issue(rule, name, start, end, message, f"Remove {tag}: use the brand's own hashtags or none."))
    return issues
