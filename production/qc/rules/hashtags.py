"""Hashtags: no more than the channel allows."""

from __future__ import annotations

from kernel import channels
from production.domain import QCIssue, Severity
from production.qc.rules.base import Context, Rule, issue, register

HASHTAG_CAPPED = frozenset(c for c, limits in channels.CHANNEL_LIMITS.items() if limits.max_hashtags is not None)


def located_hashtags(ctx: Context) -> list[tuple[str, int, int, str]]:
    """(field, start, end, tag) of each distinct hashtag of the draft, in reading order; a `hashtags`
    item without "#" counts as the tag it names."""
    seen: set[str] = set()
    located: list[tuple[str, int, int, str]] = []
    for field in ctx.copy_fields():
        found = [(m.start(), m.end(), m.group()) for m in channels.HASHTAG.finditer(field.text)]
        if field.key == "hashtags" and not found and field.text.strip():
            tag = field.text.strip()
            found = [(0, len(field.text), tag if tag.startswith("#") else f"#{tag}")]
        for start, end, tag in found:
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
