"""Scope coverage at package time: every deliverable and planned channel has an asset, no exclusion appears."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from delivery.domain import ScopeGap
from kernel.channels import CHANNEL_CATALOGUE

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from production.domain import Draft
    from strategy.domain import Strategy

_CHANNEL_PATTERNS = {
    name: re.compile(r"(?<!\w)(?:" + "|".join(channel.keywords) + r")(?!\w)", re.IGNORECASE)
    for name, channel in CHANNEL_CATALOGUE.items()
}


def channels_named_in(phrase: str) -> tuple[str, ...]:
    """The channels a deliverable or exclusion phrase names, in the catalogue's order."""
    return tuple(channel for channel, pattern in _CHANNEL_PATTERNS.items() if pattern.search(phrase))


def term_pattern(term: str) -> re.Pattern[str]:
    """A case-insensitive whole-word match of `term` (the term itself may hold spaces or punctuation)."""
    return re.compile(r"(?<!\w)" + re.escape(term.strip()) + r"(?!\w)", re.IGNORECASE)


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _words(text: str) -> set[str]:
    """Lower-case singular words, numbers dropped ("12 Case studies" -> {"case", "study"})."""
    return {_singular(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if not w.isdigit()}


# Words that say nothing about what a deliverable is, ignored when matching it to assets directly.
_FILLER = _words(
    "a an and the of for on in to per with by each every one two three four five six seven eight nine ten "
    "weekly monthly daily copy copies content piece pieces set sets series item items asset assets"
)


# What every package holds besides the assets: a deliverable naming one of these is the package's own file.
PACKAGE_DELIVERABLE_WORDS = {
    "calendar": "calendar.csv and calendar.ics",
    "schedule": "calendar.csv and calendar.ics",
    "strategy": "strategy.md and strategy.html",
    "plan": "strategy.md and strategy.html",
}


def _matches_directly(deliverable: str, drafts: Sequence[Draft]) -> bool:
    """A deliverable no channel keyword explains still counts when the package's own files cover it
    ("Launch content calendar") or an asset's type or title names all of it ("case study")."""
    wanted = _words(deliverable) - _FILLER
    if wanted & PACKAGE_DELIVERABLE_WORDS.keys():
        return True
    return bool(wanted) and any(
        wanted <= _words(f"{draft.asset_type.replace('_', ' ')} {draft.title}") for draft in drafts
    )


def asset_texts(draft: Draft) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of text in an asset: title, body and each structured field."""
    yield "title", draft.title
    yield "body", draft.body
    for name in sorted(draft.fields):
        yield from _flatten(name, draft.fields[name])


def _flatten(where: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key in sorted(value):
            yield from _flatten(f"{where}.{key}", value[key])
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _flatten(f"{where}[{i}]", item)


def coverage_gaps(*, brief: Brief, strategy: Strategy, drafts: Sequence[Draft]) -> tuple[str, ...]:
    """Every way the drafts fall short of the brief's scope, in a stable order (empty when covered)."""
    produced = {d.channel for d in drafts}
    gaps: list[str] = []
    for deliverable in brief.scope.deliverables:
        channels = channels_named_in(deliverable)
        if not channels:
            if not _matches_directly(deliverable, drafts):
                gaps.append(f"unrecognized deliverable {deliverable!r} (no asset matches it)")
            continue
        missing = [c for c in channels if c not in produced]
        if missing:
            gaps.append(f"deliverable {deliverable!r} has no {', '.join(missing)} asset")
    for plan in strategy.channel_plans:
        if plan.channel not in produced:
            gaps.append(f"planned channel {plan.channel!r} has no asset")
    gaps.extend(_exclusion_hits(brief.scope.exclusions, drafts))
    return tuple(gaps)


def _exclusion_hits(exclusions: Iterable[str], drafts: Sequence[Draft]) -> Iterator[str]:
    ordered = sorted(drafts, key=lambda d: d.key)
    for exclusion in exclusions:
        if not exclusion.strip():
            continue
        pattern = term_pattern(exclusion)
        for draft in ordered:
            places = [where for where, text in asset_texts(draft) if pattern.search(text)]
            if places:
                yield f"excluded {exclusion!r} appears in {draft.key} ({', '.join(places)})"
        # An exclusion that is nothing but a channel's name ("Facebook") excludes the channel itself.
        excluded_channels = channels_named_in(exclusion)
        if len(excluded_channels) == 1 and _CHANNEL_PATTERNS[excluded_channels[0]].fullmatch(exclusion.strip()):
            for draft in ordered:
                if draft.channel == excluded_channels[0]:
                    yield f"excluded channel {exclusion!r} has asset {draft.key}"


def check_coverage(*, brief: Brief, strategy: Strategy, drafts: Sequence[Draft]) -> None:
    """Raise ScopeGap naming every missing deliverable, missing channel and exclusion hit."""
    gaps = coverage_gaps(brief=brief, strategy=strategy, drafts=drafts)
    if gaps:
        raise ScopeGap(gaps)
