"""Channel roles and the media budget split: which channels are paid, owned or earned, what each
is for, how the budget is shared over the paid ones, and the sentence that says so to the client.

The roles, purposes and goal weights are data (`data/channel_roles.yaml`). Only paid channels take
media budget; their shares sum to exactly 100, owned and earned channels take 0 and are given a
production effort instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from kernel.channels import SOCIAL_CHANNELS
from kernel.channels import label as channel_label
from strategy.benchmarks import channel_roles
from strategy.domain import Cadence, ChannelPlan
from strategy.kpis import ChannelForecast, Market, about, count_text, money, percent_text, search_phrase

if TYPE_CHECKING:
    from onboarding.domain import Brief

PAID, OWNED, EARNED = "paid", "owned", "earned"
# Budget shares are given to one decimal place and always add up to exactly 100.
SHARE_PLACES = 1
ZERO_SHARE = Decimal(0).scaleb(-SHARE_PLACES)


def largest_remainder_shares(weights: Sequence[Fraction], *, places: int = SHARE_PLACES) -> list[Decimal]:
    """Split 100 in proportion to `weights`, rounded to `places` decimals, summing to exactly 100.

    Hamilton's method: every share gets its rounded-down value, then the units left over go to
    the largest remainders; equal remainders go to the earlier position, so the result is stable.
    """
    total = sum(weights, Fraction(0))
    if not weights or total <= 0:
        return []
    units = 100 * 10**places
    exact = [w * units / total for w in weights]
    floors = [int(e) for e in exact]
    left = units - sum(floors)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [Decimal(n).scaleb(-places) for n in floors]


def goal_types(brief: Brief) -> list[str]:
    return list(dict.fromkeys(g.type for g in brief.goals))


def goal_weight(channel: str, types: Sequence[str]) -> int:
    """How well `channel` serves the brief's goal types: the sum of its weights (at least 1)."""
    weights = channel_roles().channels[channel].weights
    return sum((weights.get(t, 0) for t in types), 0) or 1


def _serves(channel: str, types: Sequence[str]) -> bool:
    weights = channel_roles().channels[channel].weights
    return any(weights.get(t, 0) >= channel_roles().serves_from for t in types)


def roles_for(brief: Brief, channels: Sequence[str]) -> dict[str, str]:
    """Each channel's role: Google Ads is paid; a social channel is paid when the brief has a media
    budget and the channel serves its goals (when none does, the strongest one carries the budget);
    e-mail and the blog are owned."""
    data = channel_roles().channels
    types = goal_types(brief)
    has_budget = brief.budget.amount is not None and brief.budget.amount > 0
    roles = {}
    for channel in channels:
        role = data[channel]
        if role.role_with_budget == role.role_without_budget or (has_budget and _serves(channel, types)):
            roles[channel] = role.role_with_budget
        else:
            roles[channel] = role.role_without_budget
    if has_budget and PAID not in roles.values():
        social = [c for c in channels if c in SOCIAL_CHANNELS and data[c].role_with_budget == PAID]
        if social:
            best = max(social, key=lambda c: (goal_weight(c, types), -channels.index(c)))
            roles[best] = PAID
    return roles


def purpose_for(channel: str, brief: Brief) -> str:
    """What the channel is for here: the first of its strengths that the brief's goals call for."""
    data = channel_roles()
    wanted = {data.goal_purposes[t] for t in goal_types(brief) if t in data.goal_purposes}
    purposes = data.channels[channel].purposes
    return next((p for p in purposes if p in wanted), purposes[0])


def budget_shares(
    brief: Brief,
    channels: Sequence[str],
    roles: Mapping[str, str],
    weight_factors: Mapping[str, Fraction] | None = None,
) -> dict[str, Decimal]:
    """Each channel's share of the media budget: paid channels by goal weight (times the reviewer's
    factor, if any), summing to exactly 100; owned and earned channels 0.0."""
    factors = weight_factors or {}
    types = goal_types(brief)
    paid = [c for c in channels if roles[c] == PAID]
    weights = [Fraction(goal_weight(c, types)) * Fraction(factors.get(c, 1)) for c in paid]
    shares = dict(zip(paid, largest_remainder_shares(weights), strict=True)) if paid else {}
    return {c: shares.get(c, ZERO_SHARE) for c in channels}


def effort_for(channel: str, role: str, posts: int, cadence: Cadence) -> str:
    """The production effort an owned or earned channel takes instead of media money."""
    if role == PAID:
        return ""
    template = channel_roles().channels[channel].effort
    return template.format(count=posts, cadence=str(cadence)) if template else ""


def _cash(amount: Decimal, market: Market) -> str:
    return money(amount, market.currency, language=market.language)


def rationale_for(
    brief: Brief, plan: ChannelPlan, fc: ChannelForecast, market: Market, factor: Fraction = Fraction(1)
) -> str:
    """What the channel does in this plan, for whom and for how much, in a sentence a client reads."""
    label = "The blog" if plan.channel == "blog" else channel_label(plan.channel)
    purpose = plan.purpose
    if plan.role == PAID:
        opening = f"{label} is paid media here, for {purpose}"
        if market.budget is None:
            text = (
                f"{opening}: it takes {plan.budget_share.normalize():f}% of the media budget once one is agreed "
                "(the brief sets none), and the ads are written and ready to run."
            )
        else:
            spend = _cash(about(fc.spend), market)
            if plan.channel == "google_ads":
                cpc = fc.cost_per_click()
                bought = (
                    f"about {count_text(fc.paid_clicks)} clicks from {search_phrase(brief)} "
                    f"at roughly {_cash(cpc, market)} each"
                    if cpc
                    else "search clicks"
                )
            else:
                cpm = fc.spend / fc.paid_impressions * 1000 if fc.paid_impressions > 0 else None
                bought = (
                    f"about {count_text(fc.paid_impressions)} impressions at roughly "
                    f"{_cash(_whole(cpm), market)} per thousand and about {count_text(fc.paid_clicks)} clicks"
                    if cpm
                    else "promoted posts"
                )
            text = f"{opening}: {plan.budget_share.normalize():f}% of the media budget (about {spend}) buys {bought}."
        if factor > 1:
            text += " Its share was raised at the reviewer's request."
        elif factor < 1:
            text += " Its share was lowered at the reviewer's request."
        return text
    opening = f"{label} is {plan.role}, for {purpose}, with no media spend"
    if plan.channel == "email":
        open_rate = fc.benchmarks.get("open_rate")
        click_rate = fc.benchmarks.get("click_rate")
        rates = (
            f"; e-mails in this sector are opened by about {percent_text(open_rate.value)} and clicked by about "
            f"{percent_text(click_rate.value)} of recipients"
            if open_rate and click_rate
            else ""
        )
        return f"{opening}: {fc.posts} e-mails to the existing list over the campaign{rates}."
    if plan.channel == "blog":
        return (
            f"{opening}: {fc.posts} articles, expected to bring about {count_text(fc.sessions)} visits from "
            "search and shares over the campaign."
        )
    return (
        f"{opening}: {fc.posts} posts, expected to earn about {count_text(fc.organic_impressions)} impressions "
        "from followers and shares."
    )


def _whole(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP) if value >= 10 else value.quantize(Decimal("0.01"))
