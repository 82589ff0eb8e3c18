"""Length rules: the platforms' hard limits and the visible or recommended lengths (the channel
limits of the shared kernel, the same numbers the writer composes to)."""

from __future__ import annotations

from collections.abc import Callable

from kernel import channels
from production.domain import QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    TextField,
    issue,
    list_items,
    listed_hashtags,
    presence_key,
    register,
)

_UNIT_NAMES = {"chars": "characters", "weighted": "weighted characters", "words": "words"}


def _channels_where(predicate: Callable[[channels.ChannelLimits], bool]) -> frozenset[str]:
    return frozenset(c for c, limits in channels.CHANNEL_LIMITS.items() if predicate(limits))


HARD_LIMITED = _channels_where(lambda lim: bool(lim.counts) or any(f.hard is not None for f in lim.fields.values()))
SOFT_LIMITED = _channels_where(
    lambda lim: bool(lim.min_distinct) or any(f.soft is not None or f.soft_min is not None for f in lim.fields.values())
)


def _limited(ctx: Context, key: str) -> list[TextField]:
    return [f for f in ctx.texts if f.key == key]


def _published(ctx: Context, field: TextField) -> str:
    """What the platform counts: a social post's body plus the listed hashtags it does not yet hold."""
    if field.name != "body" or ctx.draft.channel not in channels.SOCIAL_CHANNELS:
        return field.text
    present = {t.casefold() for t in channels.hashtags_in(field.text)} if "#" in field.text else set()
    missing = [t for t in listed_hashtags(ctx.draft) if t.casefold() not in present]
    return f"{field.text}\n\n{' '.join(missing)}" if missing else field.text


def fitting_prefix(text: str, limit: int, unit: channels.Unit) -> int:
    """The length of the longest prefix of `text` that stays within `limit`."""
    if unit == "chars":
        return min(len(text), limit)
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if channels.measure(text[:middle], unit) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


@register(
    "length.hard",
    Severity.CRITICAL,
    "format",
    "Within the platform's hard length and item limits.",
    channels=HARD_LIMITED,
)
def check_length_hard(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    limits = channels.CHANNEL_LIMITS.get(ctx.draft.channel)
    if limits is None:
        return None
    issues = []
    for key, limit in sorted(limits.fields.items()):
        if limit.hard is None:
            continue
        for field in _limited(ctx, key):
            counted = _published(ctx, field)
            size = channels.measure(counted, limit.unit)
            if size > limit.hard:
                unit = _UNIT_NAMES[limit.unit]
                start = min(fitting_prefix(counted, limit.hard, limit.unit), len(field.text))
                over = field.text[start:]
                issues.append(
                    issue(
                        rule,
                        field.name,
                        start,
                        len(field.text),
                        f"{field.name} is {size} {unit} long; {ctx.draft.channel} accepts {limit.hard}"
                        + (f" (over the limit: '{over.strip()}')." if over.strip() else "."),
                        f"Cut it to {limit.hard} {unit} or fewer.",
                    )
                )
    for key, (fewest, most) in sorted(limits.counts.items()):
        count = len(list_items(ctx.draft, key))
        if not fewest <= count <= most:
            issues.append(
                issue(
                    rule,
                    key,
                    0,
                    0,
                    f"{key} has {count} items; {ctx.draft.channel} needs {fewest} to {most}.",
                    f"Give {fewest} to {most} {key}.",
                )
            )
    return issues


@register("length.soft", Severity.MINOR, "format", "Within the visible or recommended length.", channels=SOFT_LIMITED)
def check_length_soft(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    limits = channels.CHANNEL_LIMITS.get(ctx.draft.channel)
    if limits is None:
        return None
    issues = []
    for key, limit in sorted(limits.fields.items()):
        for field in _limited(ctx, key):
            unit = _UNIT_NAMES[limit.unit]
            size = channels.measure(field.text, limit.unit)
            if limit.soft is not None and size > limit.soft:
                issues.append(
                    issue(
                        rule,
                        field.name,
                        fitting_prefix(field.text, limit.soft, limit.unit),
                        len(field.text),
                        f"{field.name} is {size} {unit} long; over {limit.soft} is cut off or read less.",
                        f"Keep it to {limit.soft} {unit}.",
                    )
                )
            if limit.soft_min is not None and size < limit.soft_min:
                issues.append(
                    issue(
                        rule,
                        field.name,
                        0,
                        len(field.text),
                        f"{field.name} is {size} {unit} long; aim for at least {limit.soft_min}.",
                        f"Extend it to {limit.soft_min} {unit} or more.",
                    )
                )
    for key, minimum in sorted(limits.min_distinct.items()):
        distinct = {presence_key(i) for i in list_items(ctx.draft, key)}
        if len(distinct) < minimum:
            issues.append(
                issue(
                    rule,
                    key,
                    0,
                    0,
                    f"{key} has {len(distinct)} distinct items; give at least {minimum}.",
                    f"Write {minimum - len(distinct)} more distinct {key}.",
                )
            )
    return issues
