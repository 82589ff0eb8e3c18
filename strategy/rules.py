"""Rule-based strategy generation from a brief, and the invariants every strategy must obey.

Pure functions: the same brief, version, revision requests and passed-in id and time give the
same strategy.
Everything the strategy says about the client comes from the brief; the only numbers it adds
are the documented benchmarks below, used when the brief gives no target of its own.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
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

if TYPE_CHECKING:
    from onboarding.domain import Brief, Goal

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

# How well each channel serves each goal type (1 = weak, 5 = strong). A channel's weight is the
# sum over the brief's goal types; budget shares are the weights scaled to 100.
WEIGHTS = {
    #              linkedin  x  instagram facebook email blog google_ads
    "awareness": (3, 3, 4, 4, 1, 2, 3),
    "engagement": (3, 4, 5, 4, 2, 2, 1),
    "traffic": (3, 2, 2, 3, 3, 4, 5),
    "leads": (5, 2, 2, 3, 4, 3, 5),
    "sales": (2, 1, 3, 4, 4, 2, 5),
    "retention": (2, 2, 3, 3, 5, 3, 1),
}
WEIGHT_COLUMNS = ("linkedin", "x", "instagram", "facebook", "email", "blog", "google_ads")

# Budget shares are given to one decimal place and always add up to exactly 100.
SHARE_PLACES = 1

CHANNEL_TACTICS = {
    "linkedin": ("Thought-leadership posts built on the value propositions", "Proof-point posts citing the evidence"),
    "x": ("Short takes on the audience's pains", "Replies in conversations the audience already has"),
    "instagram": ("Visual posts showing the product in use", "Captions that open with the value proposition"),
    "facebook": ("Community posts that invite comments", "Proof-point posts with a clear call to action"),
    "email": ("Weekly newsletter: one pain, one value proposition, one call to action",),
    "blog": ("One article a week answering a pain of the audience",),
    "google_ads": ("One search campaign; a responsive search ad per ad group, refreshed weekly",),
}

# --- KPIs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricRule:
    """A KPI a goal type is measured by, and how its target is derived when the brief sets none."""

    metric: str
    unit: str  # "currency" means the brief's budget currency
    aliases: tuple[str, ...]  # goal units that name this metric


GOAL_METRICS = {
    "awareness": (
        MetricRule("reach", "people", ("reach", "people", "persons", "users", "accounts")),
        MetricRule("impressions", "impressions", ("impressions", "impression", "views")),
    ),
    "engagement": (MetricRule("engagement rate", "%", ("engagement rate", "%", "percent", "engagements")),),
    "traffic": (
        MetricRule("sessions", "sessions", ("sessions", "visits", "visitors")),
        MetricRule("clicks", "clicks", ("clicks", "click")),
    ),
    "leads": (
        MetricRule("leads", "leads", ("leads", "lead", "signups", "sign-ups", "demos", "contacts")),
        MetricRule("cost per lead", "currency", ("cpl", "cost per lead")),
    ),
    "sales": (
        MetricRule("conversions", "conversions", ("conversions", "orders", "sales", "purchases")),
        MetricRule("revenue", "currency", ("revenue", "turnover")),
    ),
    "retention": (
        MetricRule("repeat purchase rate", "%", ("repeat purchase rate", "repeat purchases", "repeat purchase", "%")),
        MetricRule("churn rate", "%", ("churn", "churn rate")),
    ),
}

# Benchmarks used only when the brief sets no target (documented in every KPI's rationale).
# Paid results come from the budget share of the goal type (the budget split evenly over the
# brief's goal types); organic results accrue per channel and week of the campaign.
CPM = Decimal("10")  # currency per 1,000 paid impressions
FREQUENCY = Decimal("3")  # impressions per person reached
CPC = Decimal("1.50")  # currency per paid click
SESSIONS_PER_CLICK = Decimal("0.8")
CPL = Decimal("50")  # currency per paid lead
CPA = Decimal("100")  # currency per paid conversion
ROAS = Decimal("3")  # revenue per unit of spend
ORGANIC_PER_CHANNEL_WEEK = {
    "impressions": Decimal("1000"),
    "clicks": Decimal("50"),
    "leads": Decimal("2"),
    "conversions": Decimal("1"),
}
BENCHMARK_RATES = {
    "engagement rate": Decimal("3.0"),
    "repeat purchase rate": Decimal("25.0"),
    "churn rate": Decimal("5.0"),  # a ceiling: churn at or below this
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


def _weights(brief: Brief, channels: Sequence[str], factors: Mapping[str, Fraction]) -> list[tuple[Fraction, str]]:
    """Each channel's budget weight and why: the goal-type fit, times its revision factor."""
    goal_types = [t for t in _goal_types(brief) if t in WEIGHTS]
    weights = []
    for channel in channels:
        column = WEIGHT_COLUMNS.index(channel)
        base = sum((WEIGHTS[t][column] for t in goal_types), 0) or 1
        factor = factors.get(channel, Fraction(1))
        parts = ", ".join(f"{t} {WEIGHTS[t][column]}" for t in goal_types) or "no goal type: 1"
        reason = f"weight {base} ({parts})"
        if factor != 1:
            reason += f" x{float(factor):.3g} from revision requests"
        weights.append((base * factor, reason))
    return weights


def budget_shares(brief: Brief, channels: Sequence[str], factors: Mapping[str, Fraction]) -> dict[str, Decimal]:
    """The budget share of each channel, with per-channel weight factors: the hook through which
    revision requests (strategy.revisions.revise_plan) shift budget towards or away from a channel."""
    weights = [w for w, _ in _weights(brief, channels, factors)]
    return dict(zip(channels, largest_remainder_shares(weights), strict=True))


def _channel_plans(brief: Brief, channels: Sequence[str], factors: Mapping[str, Fraction]) -> tuple[ChannelPlan, ...]:
    goal_types = [t for t in _goal_types(brief) if t in WEIGHTS]
    shares = budget_shares(brief, channels, factors)
    plans = []
    for channel, (_weight, reason) in zip(channels, _weights(brief, channels, factors), strict=True):
        plans.append(
            ChannelPlan(
                channel=channel,
                budget_share=shares[channel],
                tactics=_tactics(brief, channel, goal_types),
                cadence=_cadence(channel),
                asset_types=CHANNEL_CATALOGUE[channel].asset_types,
                rationale=reason,
            )
        )
    return tuple(plans)


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


def _count(value: Decimal) -> Decimal:
    return max(value.quantize(Decimal(1), rounding=ROUND_HALF_UP), Decimal(1))


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class _Context:
    budget_per_goal_type: Decimal | None
    currency: str
    channel_weeks: Decimal
    weeks: Decimal
    channel_count: int


def _paid_plus_organic(ctx: _Context, organic_key: str, cost: Decimal, cost_name: str) -> tuple[Decimal, str]:
    """Paid results bought with the goal type's budget share, plus organic results per channel-week."""
    organic_rate = ORGANIC_PER_CHANNEL_WEEK[organic_key]
    value = organic_rate * ctx.channel_weeks
    why = f"{organic_rate} organic per channel-week x {ctx.channel_count} channel(s) x {ctx.weeks} weeks"
    if ctx.budget_per_goal_type is not None:
        value += ctx.budget_per_goal_type / cost
        why = f"{_money(ctx.budget_per_goal_type)} {ctx.currency} / {cost} {cost_name} + {why}"
    return value, why


def _derived(rule: MetricRule, ctx: _Context, explicit: dict[str, Decimal]) -> tuple[Decimal, str] | None:
    """The benchmark target of a metric and how it was reached; None when the brief lacks the inputs."""
    metric = rule.metric
    if metric in BENCHMARK_RATES:
        return BENCHMARK_RATES[metric], f"benchmark {metric} {BENCHMARK_RATES[metric]}%"
    if metric in ("impressions", "reach"):
        impressions, why = _paid_plus_organic(ctx, "impressions", CPM / 1000, "per impression (CPM 10)")
        if metric == "impressions":
            return _count(impressions), why
        return _count(impressions / FREQUENCY), f"impressions ({why}) / frequency {FREQUENCY}"
    if metric in ("clicks", "sessions"):
        clicks, why = _paid_plus_organic(ctx, "clicks", CPC, "CPC")
        if metric == "clicks":
            return _count(clicks), why
        return _count(clicks * SESSIONS_PER_CLICK), f"{SESSIONS_PER_CLICK} sessions per click x clicks ({why})"
    if metric == "leads":
        return _rounded(_paid_plus_organic(ctx, "leads", CPL, "CPL"))
    if metric == "conversions":
        return _rounded(_paid_plus_organic(ctx, "conversions", CPA, "CPA"))
    paid = ctx.budget_per_goal_type
    if paid is None or not ctx.currency:
        return None  # money targets need a budget and its currency
    if metric == "cost per lead":
        leads = explicit.get("leads") or _count(_paid_plus_organic(ctx, "leads", CPL, "CPL")[0])
        if leads <= 0:
            return None
        return _money(paid / leads), f"{_money(paid)} {ctx.currency} / {leads} leads target"
    if metric == "revenue":
        return _money(paid * ROAS), f"{_money(paid)} {ctx.currency} x {ROAS} return on ad spend"
    return None


def _rounded(derived: tuple[Decimal, str]) -> tuple[Decimal, str]:
    return _count(derived[0]), derived[1]


def _match_metric(goal: Goal, rules: Sequence[MetricRule], currency: str) -> MetricRule:
    unit = goal.unit.strip().lower()
    for rule in rules:
        if unit in rule.aliases:
            return rule
    for rule in rules:
        if rule.unit == "currency" and unit and unit in {currency.lower(), "€", "$", "£", "eur", "usd", "gbp"}:
            return rule
    return rules[0]


def _context(brief: Brief) -> _Context:
    goal_types = [t for t in _goal_types(brief) if t in GOAL_METRICS]
    amount = brief.budget.amount
    weeks = Decimal(brief.timeline.days) / 7
    weeks = weeks.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _Context(
        budget_per_goal_type=amount / len(goal_types) if amount is not None and goal_types else None,
        currency=brief.budget.currency,
        channel_weeks=weeks * len(brief.channels),
        weeks=weeks,
        channel_count=len(brief.channels),
    )


def _kpis(brief: Brief) -> tuple[KPI, ...]:
    start, end = brief.timeline.start, brief.timeline.end
    goal_types = [t for t in _goal_types(brief) if t in GOAL_METRICS]
    ctx = _context(brief)
    kpis = []
    for goal_type in goal_types:
        rules = GOAL_METRICS[goal_type]
        explicit: dict[str, Decimal] = {}
        for goal in brief.goals:
            if goal.type != goal_type or goal.target is None:
                continue
            rule = _match_metric(goal, rules, ctx.currency)
            explicit.setdefault(rule.metric, goal.target)
            kpis.append(
                KPI(
                    metric=rule.metric,
                    target=goal.target,
                    unit=goal.unit or _unit(rule, ctx),
                    timeframe_start=start,
                    timeframe_end=end,
                    goal_type=goal_type,
                    rationale=f"target set by the brief: {goal.description}",
                )
            )
        for rule in rules:
            if rule.metric in explicit:
                continue
            derived = _derived(rule, ctx, explicit)
            if derived is None:
                continue
            target, why = derived
            kpis.append(
                KPI(
                    metric=rule.metric,
                    target=target,
                    unit=_unit(rule, ctx),
                    timeframe_start=start,
                    timeframe_end=end,
                    goal_type=goal_type,
                    rationale=f"derived by rule: {why}",
                )
            )
    return tuple(kpis)


def _added_kpi(brief: Brief, kpis: Sequence[KPI], metric: str) -> KPI | None:
    """The KPI a revision request adds, derived by its rule like any other; None when the brief
    gives no basis for a target (a money metric without a budget)."""
    goal_type, rule = next((t, r) for t, rules in GOAL_METRICS.items() for r in rules if r.metric == metric)
    ctx = _context(brief)
    derived = _derived(rule, ctx, {k.metric: k.target for k in kpis})
    if derived is None:
        return None
    target, why = derived
    return KPI(
        metric=metric,
        target=target,
        unit=_unit(rule, ctx),
        timeframe_start=brief.timeline.start,
        timeframe_end=brief.timeline.end,
        goal_type=goal_type,
        rationale=f"added at the reviewer's request; derived by rule: {why}",
    )


def _unit(rule: MetricRule, ctx: _Context) -> str:
    return ctx.currency if rule.unit == "currency" else rule.unit


def _milestones(brief: Brief, channels: Sequence[str]) -> tuple[Milestone, ...]:
    """Kick-off on the timeline's start, Launch on `timeline.launch` (the start when none), each key
    date inside the timeline, the mid-campaign review and the wrap-up."""
    start, end = brief.timeline.start, brief.timeline.end
    launch = brief.timeline.first_publish_day
    if not start <= launch <= end:
        launch = start
    review = launch + timedelta(days=(end - launch).days // 2)
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
        shares=lambda channels, factors: budget_shares(brief, channels, factors),
    )
    brief = dataclasses.replace(brief, channels=tuple(revision.channels))
    plans = _channel_plans(brief, brief.channels, revision.factors)
    pillars = revision.pillars
    calendar = build_calendar(plans=plans, inputs=calendar_inputs(brief), pillars=pillars)
    plans = calendar.plans  # with the number of assets each commits to
    kpis, kpi_changes, kpis_not_applied = revisions.revise_kpis(
        requests, _kpis(brief), lambda metric: _added_kpi(brief, _kpis(brief), metric)
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
    total = Decimal(0)
    for i, plan in enumerate(plans):
        share = plan.budget_share
        if not isinstance(share, Decimal) or not share.is_finite():
            violations.append(f"channel_plans[{i}].budget_share: {share!r} is not a finite decimal")
            continue
        total += share
        if share < 0 or share > 100:
            violations.append(f"channel_plans[{i}].budget_share: {share} is outside 0-100")
        if share.as_tuple().exponent < -2:  # type: ignore[operator]
            violations.append(f"channel_plans[{i}].budget_share: {share} has more than 2 decimal places")
        if plan.cadence.posts < 1 or plan.cadence.period not in ("day", "week"):
            violations.append(f"channel_plans[{i}].cadence: {plan.cadence} is not a posting cadence")
        if not plan.asset_types:
            violations.append(f"channel_plans[{i}].asset_types: there is none")
    if total != 100:
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
    return violations
