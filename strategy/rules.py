"""Rule-based strategy generation from a brief, and the invariants every strategy must obey.

Pure functions: the same brief, version, revision requests and passed-in id and time give the
same strategy.
Everything the strategy says about the client comes from the brief; the only numbers it adds
come from the versioned benchmark table (strategy/data/benchmarks.yaml, read by strategy/kpis.py),
used when the brief gives no target of its own and to check the targets it does give.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING
from uuid import UUID

from kernel.channels import CHANNEL_CATALOGUE, default_asset_type
from kernel.channels import label as channel_label
from kernel.errors import PermanentStepError
from kernel.grammar import document_language
from strategy import narrative, revisions
from strategy.calendar import CalendarInputs, build_calendar, calendar_violations
from strategy.domain import (
    KPI,
    Cadence,
    ChannelPlan,
    Milestone,
    RevisionRequest,
    Strategy,
    StrategyStatus,
)
from strategy.kpis import GOAL_METRICS, build_kpis, forecast_channel, market_of, money
from strategy.roles import (
    PAID,
    budget_shares,
    effort_for,
    largest_remainder_shares,  # noqa: F401 - part of this module's interface (tests, revision)
    purpose_for,
    rationale_for,
    roles_for,
)

if TYPE_CHECKING:
    from onboarding.domain import Brief

GENERATOR = "rules-v1"

INVARIANTS_BROKEN = "The strategy breaks its invariants"


class StrategyInvariantError(PermanentStepError):
    """Generation produced (or was asked for) a strategy that breaks the rules; lists every violation."""

    code = "strategy_invalid"

    def __init__(self, violations: Sequence[str]) -> None:
        self.violations = list(violations)
        super().__init__(f"{INVARIANTS_BROKEN}: " + "; ".join(self.violations))


# --- Channels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CadenceRange:
    """Posting cadence per channel: the usual rate and the range review notes may move it within."""

    low: int
    usual: int
    high: int
    period: str


# LinkedIn 3-5 a week, X several a day, Instagram 1-2 a day, Facebook 3-5 a week, email and blog
# once a week, Google Ads one campaign refreshed with one responsive search ad a week.
CADENCES = {
    "linkedin": CadenceRange(3, 4, 5, "week"),
    "x": CadenceRange(2, 3, 5, "day"),
    "instagram": CadenceRange(1, 1, 2, "day"),
    "facebook": CadenceRange(3, 4, 5, "week"),
    "email": CadenceRange(1, 1, 1, "week"),
    "blog": CadenceRange(1, 1, 1, "week"),
    "google_ads": CadenceRange(1, 1, 1, "week"),
}

CHANNEL_TACTICS = {
    "linkedin": ("Thought-leadership posts built on the value propositions", "Proof-point posts citing the evidence"),
    "x": ("Short takes on the audience's pains", "Replies in conversations the audience already has"),
    "instagram": ("Visual posts showing the product in use", "Captions that open with the value proposition"),
    "facebook": ("Community posts that invite comments", "Proof-point posts with a clear call to action"),
    "email": ("Weekly newsletter: one pain, one value proposition, one call to action",),
    "blog": ("One article a week answering a pain of the audience",),
    "google_ads": ("One search campaign; a responsive search ad per ad group, refreshed weekly",),
}

# --- Cadence --------------------------------------------------------------------------------


def _cadence(channel: str) -> Cadence:
    rng = CADENCES[channel]
    return Cadence(posts=rng.usual, period=rng.period)


# --- Building -------------------------------------------------------------------------------


def _goal_types(brief: Brief) -> list[str]:
    seen: list[str] = []
    for goal in brief.goals:
        if goal.type not in seen:
            seen.append(goal.type)
    return seen


def channel_plans(
    brief: Brief,
    *,
    channels: Sequence[str] | None = None,
    weight_factors: Mapping[str, Fraction] | None = None,
) -> tuple[ChannelPlan, ...]:
    """The plan of each channel (the brief's, or `channels`): its role and purpose, its share of the
    media budget (paid channels only, scaled by `weight_factors`), cadence, tactics, the production
    effort of an unpaid channel, the benchmark rows behind its numbers and a sentence saying why."""
    return explained(brief, _plans(brief, channels, weight_factors), weight_factors)


def _plans(
    brief: Brief, channels: Sequence[str] | None, weight_factors: Mapping[str, Fraction] | None
) -> tuple[ChannelPlan, ...]:
    """Each channel's role, purpose, budget share, cadence and tactics: the plan before the calendar
    counts its assets and `explained` adds what the numbers rest on."""
    channels = list(brief.channels if channels is None else channels)
    factors = dict(weight_factors or {})
    goal_types = [t for t in _goal_types(brief) if t in GOAL_METRICS]
    roles = roles_for(brief, channels)
    shares = budget_shares(brief, channels, roles, factors)
    return tuple(
        ChannelPlan(
            channel=channel,
            budget_share=shares[channel],
            tactics=_tactics(brief, channel, goal_types),
            cadence=_cadence(channel),
            asset_types=CHANNEL_CATALOGUE[channel].asset_types,
            role=roles[channel],
            purpose=purpose_for(channel, brief),
        )
        for channel in channels
    )


def explained(
    brief: Brief, plans: Sequence[ChannelPlan], weight_factors: Mapping[str, Fraction] | None = None
) -> tuple[ChannelPlan, ...]:
    """Each plan with what its numbers rest on: the production effort of an unpaid channel, the
    benchmark rows and the sentence saying why, from the assets the plan commits to (the calendar's
    count once set, else cadence x active weeks)."""
    factors = dict(weight_factors or {})
    market = market_of(brief)
    result = []
    for plan in plans:
        fc = forecast_channel(plan, market)
        result.append(
            dataclasses.replace(
                plan,
                effort=effort_for(plan.channel, plan.role, fc.posts, plan.cadence),
                benchmarks=fc.benchmark_ids,
                rationale=rationale_for(brief, plan, fc, market, Fraction(factors.get(plan.channel, 1))),
            )
        )
    return tuple(result)


def _tactics(brief: Brief, channel: str, goal_types: Sequence[str]) -> tuple[str, ...]:
    label = channel_label(channel)
    product = brief.product
    offer = product.offer.strip()
    by_goal = {
        "awareness": f"Reach {brief.audience.description} on {label} with content on {product.name}",
        "engagement": "Invite replies and shares with questions in the audience's own words",
        "traffic": f"Link each {default_asset_type(channel)} to {product.url or 'the product page'}",
        "leads": f"Capture leads with the offer: {offer}" if offer else "Call to action to get in touch",
        "sales": f"Drive purchases with the offer: {offer}" if offer else f"Call to action to buy {product.name}",
        "retention": "Keep existing customers close: tips, proof points and reminders",
    }
    return tuple(dict.fromkeys(CHANNEL_TACTICS[channel] + tuple(by_goal[t] for t in goal_types)))


def _review_date(brief: Brief) -> date:
    """The mid-campaign review, halfway from launch to the end: every KPI is compared with its target
    then (and again at the wrap-up)."""
    start, end = brief.timeline.start, brief.timeline.end
    launch = brief.timeline.first_publish_day
    if not start <= launch <= end:
        launch = start
    return launch + timedelta(days=(end - launch).days // 2)


def _added_kpi(brief: Brief, plans: Sequence[ChannelPlan], metric: str) -> KPI | None:
    """The KPI a revision request adds, derived from the benchmarks like any other (as if the brief
    had a goal of its type); None when the brief gives no basis for a target."""
    goal_type = next((t for t, metrics in GOAL_METRICS.items() if metric in metrics), None)
    if goal_type is None or not brief.goals:
        return None
    # A Goal of the brief's own type (strategy never imports onboarding at run time).
    asked = dataclasses.replace(
        brief.goals[0],
        type=goal_type,
        description=f"{metric}, added at the reviewer's request",
        target=None,
        unit=metric,
    )
    with_goal = dataclasses.replace(brief, goals=(*brief.goals, asked))
    derived = build_kpis(with_goal, plans, review_date=_review_date(brief))
    return next((k for k in derived if k.metric == metric), None)


def _milestones(brief: Brief, channels: Sequence[str]) -> tuple[Milestone, ...]:
    """Kick-off on the timeline's start, Launch on `timeline.launch` (the start when none), each key
    date inside the timeline, the mid-campaign review and the wrap-up."""
    start, end = brief.timeline.start, brief.timeline.end
    launch = brief.timeline.first_publish_day
    if not start <= launch <= end:
        launch = start
    review = _review_date(brief)
    labels = ", ".join(channel_label(c) for c in channels)
    key_dates = tuple(
        Milestone(k.label.strip(), k.date, "Key date: the calendar publishes content for it on the channels that fit.")
        for k in sorted(brief.timeline.key_dates, key=lambda k: (k.date, k.label))
        if start <= k.date <= end and k.label.strip()
    )
    milestones = (
        Milestone("Kick-off", start, f"Confirm the plan, KPIs and channels with {brief.client.name}."),
        Milestone("Launch", launch, f"Content starts going out on {labels}; nothing is published before this day."),
        *key_dates,
        Milestone("Mid-campaign review", review, "Compare each KPI with its target; rebalance channels if needed."),
        Milestone("Wrap-up report", end, "Report results against every KPI and list the lessons learned."),
    )
    return tuple(sorted(milestones, key=lambda m: m.date))  # stable: same-day milestones keep this order


def calendar_inputs(brief: Brief) -> CalendarInputs:
    """What the asset calendar reads from the brief."""
    timeline = brief.timeline
    return CalendarInputs(
        start=timeline.start,
        end=timeline.end,
        launch=timeline.launch,
        timezone=brief.client.timezone,
        product_kind=brief.product.kind,
        key_dates=tuple((k.date, k.label) for k in timeline.key_dates),
        offer_expires=brief.product.offer_expires,
        hashtags=tuple(brief.brand.hashtags),
        seed=brief.fingerprint or str(brief.id),
        language=document_language(brief.language, brief.brand.voice_notes),
    )


def _input_problems(brief: Brief) -> list[str]:
    problems = []
    for i, goal in enumerate(brief.goals):
        if goal.type not in GOAL_METRICS:
            problems.append(f"goals[{i}].type: no KPI rule for goal type {goal.type!r}")
    for i, channel in enumerate(brief.channels):
        if channel not in CADENCES:
            problems.append(f"channels[{i}]: no plan rule for channel {channel!r}")
    if len(set(brief.channels)) != len(brief.channels):
        problems.append("channels: a channel is listed twice")
    if brief.timeline.end < brief.timeline.start:
        problems.append("timeline: the end is before the start")
    return problems


def build_strategy(
    brief: Brief,
    *,
    strategy_id: UUID,
    version: int,
    now: datetime,
    requests: Sequence[RevisionRequest] = (),
    notes: Sequence[str] = (),
) -> Strategy:
    """Build a draft strategy for `brief` by rule; raise StrategyInvariantError rather than return a bad one.

    `requests` are the standing revision requests of rejected versions, applied in order; `notes`
    their free text, which no rule applies (kept as `unapplied_notes` for the reviewer).
    """
    problems = _input_problems(brief)
    if problems:
        raise StrategyInvariantError(problems)
    revision = revisions.revise_plan(
        requests,
        channels=brief.channels,
        pillars=narrative.build_pillars(narrative.Reading(brief)),
        shares=lambda channels, factors: budget_shares(brief, channels, roles_for(brief, channels), factors),
    )
    brief = dataclasses.replace(brief, channels=tuple(revision.channels))
    plans = _plans(brief, brief.channels, revision.factors)
    pillars = revision.pillars
    calendar = build_calendar(plans=plans, inputs=calendar_inputs(brief), pillars=pillars)
    # With the number of assets each commits to: effort, rationale and KPIs forecast from them.
    plans = explained(brief, calendar.plans, revision.factors)
    kpis, kpi_changes, kpis_not_applied = revisions.revise_kpis(
        requests,
        build_kpis(brief, plans, review_date=_review_date(brief)),
        lambda metric: _added_kpi(brief, plans, metric),
    )
    story = narrative.write(brief, plans, kpis, pillars)
    strategy = Strategy(
        id=strategy_id,
        brief_id=brief.id,
        version=version,
        status=StrategyStatus.DRAFT,
        executive_summary=story.executive_summary,
        positioning=story.positioning,
        kpis=kpis,
        channel_plans=plans,
        milestones=_milestones(brief, brief.channels),
        timeline_start=brief.timeline.start,
        timeline_end=brief.timeline.end,
        created_at=now,
        generator=GENERATOR,
        pillars=pillars,
        calendar=calendar.assets,
        insight=story.insight,
        core_message=story.core_message,
        risks=story.risks,
        compliance=story.compliance,
        tone=revision.tone,
        changes=(*revision.changes, *kpi_changes),
        unapplied_notes=revisions.dedupe([*notes, *revision.not_applied, *kpis_not_applied]),
    )
    violations = check_invariants(strategy) + calendar_violations(strategy, first_day=brief.timeline.first_publish_day)
    violations += narrative.banned_term_violations(strategy, brief.brand.banned_terms, brief.brand.allowed_phrases)
    if violations:
        raise StrategyInvariantError(violations)
    return strategy


# --- Invariants -----------------------------------------------------------------------------


def _inside(day: date, strategy: Strategy) -> bool:
    return strategy.timeline_start <= day <= strategy.timeline_end


def check_invariants(strategy: Strategy) -> list[str]:
    """Every rule the strategy breaks, one message each (empty when it is sound)."""
    violations: list[str] = []
    if strategy.version < 1:
        violations.append(f"version: must be 1 or more, not {strategy.version}")
    if strategy.timeline_end < strategy.timeline_start:
        violations.append("timeline: the end is before the start")
    violations += _channel_violations(strategy)
    violations += _kpi_violations(strategy)
    if not strategy.milestones:
        violations.append("milestones: there is none")
    for i, milestone in enumerate(strategy.milestones):
        if not milestone.name.strip():
            violations.append(f"milestones[{i}].name: missing")
        if not _inside(milestone.date, strategy):
            violations.append(
                f"milestones[{i}].date: {milestone.date} is outside the timeline "
                f"{strategy.timeline_start} to {strategy.timeline_end}"
            )
    return violations


def _channel_violations(strategy: Strategy) -> list[str]:
    violations = []
    plans = strategy.channel_plans
    if not plans:
        return ["channel_plans: there is none"]
    channels = [p.channel for p in plans]
    if len(set(channels)) != len(channels):
        violations.append("channel_plans: a channel is planned twice")
    for i, plan in enumerate(plans):
        share = plan.budget_share
        if not isinstance(share, Decimal) or not share.is_finite():
            violations.append(f"channel_plans[{i}].budget_share: {share!r} is not a finite decimal")
            continue
        if share < 0 or share > 100:
            violations.append(f"channel_plans[{i}].budget_share: {share} is outside 0-100")
        if share.as_tuple().exponent < -2:  # type: ignore[operator]
            violations.append(f"channel_plans[{i}].budget_share: {share} has more than 2 decimal places")
        if plan.cadence.posts < 1 or plan.cadence.period not in ("day", "week"):
            violations.append(f"channel_plans[{i}].cadence: {plan.cadence} is not a posting cadence")
        if not plan.asset_types:
            violations.append(f"channel_plans[{i}].asset_types: there is none")
    violations += _share_violations(plans)
    return violations


def _share_violations(plans: Sequence[ChannelPlan]) -> list[str]:
    """Media budget goes to paid channels only: their shares sum to exactly 100, the others' are 0.

    A plan without a role (an older version) counts as paid; a plan with no paid channel at all
    (e-mail and blog only) spends no media budget, so every share is 0.
    """
    violations = []
    paid = [p for p in plans if p.role in (PAID, "")]
    for i, plan in enumerate(plans):
        if plan.role not in (PAID, "") and isinstance(plan.budget_share, Decimal) and plan.budget_share != 0:
            violations.append(
                f"channel_plans[{i}].budget_share: {plan.channel} is {plan.role} and takes {plan.budget_share}% "
                "of the media budget; only paid channels take media budget"
            )
    total = sum((p.budget_share for p in paid if isinstance(p.budget_share, Decimal)), Decimal(0))
    if paid and total != 100:
        violations.append(f"channel_plans: budget shares sum to {total}, not exactly 100")
    return violations


def _kpi_violations(strategy: Strategy) -> list[str]:
    if not strategy.kpis:
        return ["kpis: there is none"]
    violations = []
    for i, kpi in enumerate(strategy.kpis):
        if not kpi.metric.strip():
            violations.append(f"kpis[{i}].metric: missing")
        if kpi.target is None or not isinstance(kpi.target, Decimal) or not kpi.target.is_finite():
            violations.append(f"kpis[{i}].target: missing")
        elif kpi.target < 0:
            violations.append(f"kpis[{i}].target: {kpi.target} is negative")
        if not kpi.unit.strip():
            violations.append(f"kpis[{i}].unit: missing")
        if kpi.timeframe_start is None or kpi.timeframe_end is None:
            violations.append(f"kpis[{i}].timeframe: missing")
            continue
        if kpi.timeframe_end < kpi.timeframe_start:
            violations.append(f"kpis[{i}].timeframe: the end is before the start")
        if not (_inside(kpi.timeframe_start, strategy) and _inside(kpi.timeframe_end, strategy)):
            violations.append(
                f"kpis[{i}].timeframe: {kpi.timeframe_start} to {kpi.timeframe_end} is outside the timeline "
                f"{strategy.timeline_start} to {strategy.timeline_end}"
            )
    if not violations:
        violations += _consistency_violations(strategy.kpis)
    return violations


def _figure(value: Decimal) -> str:
    return f"{value.normalize():,f}" if value == value.to_integral_value() else f"{value:,}"


def _consistency_violations(kpis: Sequence[KPI]) -> list[str]:
    """The numbers must hold together: reach and clicks within impressions, every explicit target
    within the spend the budget allows and under the ceiling of what feeds it, and revenue or
    donations equal to the conversions or gifts times their average value."""
    by_metric = {k.metric: k for k in kpis}
    violations = []

    def at_most(small: str, large: str, verb: str) -> None:
        a, b = by_metric.get(small), by_metric.get(large)
        if a is not None and b is not None and a.target > b.target:
            violations.append(f"{small} {_figure(a.target)} {verb} {large} {_figure(b.target)}")

    at_most("reach", "impressions", "exceeds")
    at_most("clicks", "impressions", "exceed")
    for kpi in kpis:
        d = kpi.derivation or {}
        if "implied_spend" in d and d.get("budget") not in (None, ""):
            implied, budget = Decimal(d["implied_spend"]), Decimal(d["budget"])
            stretch = Decimal(d.get("stretch", "1"))
            if implied > budget * stretch:
                currency = d.get("currency", "")
                allowance = (
                    f" (even with results {_figure((stretch - 1) * 100)}% better than the benchmarks)"
                    if stretch > 1
                    else ""
                )
                subject = d.get("subject") or f"{kpi.metric} {_figure(kpi.target)}"
                violations.append(
                    f"{subject} implies a media spend of {money(implied, currency)}, "
                    f"above the budget of {money(budget, currency)}{allowance}"
                )
        if "ceiling" in d and kpi.target > Decimal(d["ceiling"]):
            violations.append(
                f"{kpi.metric} {_figure(kpi.target)} exceeds {d.get('ceiling_metric', 'its ceiling')} "
                f"{_figure(Decimal(d['ceiling']))}"
            )
    for value_metric, count_metric in (("revenue", "conversions"), ("donations", "gifts")):
        value, count = by_metric.get(value_metric), by_metric.get(count_metric)
        if value is None or count is None:
            continue
        average = (value.derivation or {}).get("inputs", {}).get("price") or (value.derivation or {}).get(
            "inputs", {}
        ).get("average_gift")
        if not average:
            continue
        expected = count.target * Decimal(average)
        if abs(value.target - expected) > value.target / 100 + Decimal(average):
            violations.append(
                f"{value_metric} {_figure(value.target)} does not match {count_metric} {_figure(count.target)} "
                f"at {_figure(Decimal(average))} each ({_figure(expected)})"
            )
    return violations
