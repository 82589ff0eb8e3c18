"""Rule-based strategy generation and the strategy invariants (pure, no database)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid
from decimal import Decimal
from fractions import Fraction

import pytest

from kernel.codec import to_primitive
from kernel.errors import PermanentStepError
from strategy.benchmarks import benchmark_table
from strategy.domain import KPI, Milestone, RevisionKind, RevisionRequest
from strategy.kpis import about
from strategy.rules import (
    StrategyInvariantError,
    build_strategy,
    check_invariants,
    largest_remainder_shares,
)
from strategy.tests.briefs import budget, goal, timeline
from tests.factories import CHANNELS, make_brief

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
STRATEGY_ID = uuid.UUID(int=42)


def build(brief, **kwargs):
    kwargs.setdefault("version", 1)
    return build_strategy(brief, strategy_id=STRATEGY_ID, now=NOW, **kwargs)


def plan_of(strategy, channel):
    return next(p for p in strategy.channel_plans if p.channel == channel)


@pytest.mark.parametrize("count", range(1, len(CHANNELS) + 1))
@pytest.mark.parametrize(
    "goal_types",
    [("awareness",), ("leads", "sales"), ("engagement", "traffic", "retention"), ("awareness", "sales", "retention")],
)
def test_invariants_hold_for_every_channel_count_and_goal_mix(count, goal_types):
    """From 1 to 7 channels and any goal mix, shares add to exactly 100 and nothing is violated."""
    # given
    brief = make_brief(
        channels=CHANNELS[:count],
        goals=tuple(goal(t, description=f"{t} goal") for t in goal_types),
    )
    # when
    strategy = build(brief)
    # then
    assert check_invariants(strategy) == []
    shares = [p.budget_share for p in strategy.channel_plans]
    assert sum(shares) == Decimal(100)
    assert all(s.as_tuple().exponent == -1 for s in shares)
    assert [p.channel for p in strategy.channel_plans] == list(CHANNELS[:count])


def test_one_channel_gets_the_whole_budget():
    """A single channel takes 100.0%."""
    strategy = build(make_brief(channels=("linkedin",)))
    assert [str(p.budget_share) for p in strategy.channel_plans] == ["100.0"]


def test_largest_remainder_rounding_sums_to_exactly_100():
    """Thirds and sevenths round to one decimal and still add up to exactly 100, ties to the earlier item."""
    thirds = largest_remainder_shares([Fraction(1)] * 3)
    sevenths = largest_remainder_shares([Fraction(1)] * 7)
    assert [str(s) for s in thirds] == ["33.4", "33.3", "33.3"]
    assert sum(sevenths) == 100
    assert [str(s) for s in sevenths] == ["14.3", "14.3", "14.3", "14.3", "14.3", "14.3", "14.2"]
    assert [str(s) for s in largest_remainder_shares([Fraction(3), Fraction(1)], places=2)] == ["75.00", "25.00"]


def test_channel_plans_carry_cadence_and_asset_types_per_channel():
    """Each channel gets its posting cadence and the asset types production writes for it."""
    # given
    strategy = build(make_brief(channels=CHANNELS))
    # when
    plans = {p.channel: (str(p.cadence), p.asset_types) for p in strategy.channel_plans}
    # then
    assert plans == {
        "linkedin": ("4 per week", ("linkedin_post",)),
        "x": ("3 per day", ("x_post",)),
        "instagram": ("1 per day", ("instagram_caption",)),
        "facebook": ("4 per week", ("facebook_post",)),
        "email": ("1 per week", ("email",)),
        "blog": ("1 per week", ("blog_article",)),
        "google_ads": ("1 per week", ("google_ads_rsa",)),
    }
    assert all(p.tactics for p in strategy.channel_plans)


def test_goal_types_weigh_channels():
    """A leads goal favours LinkedIn over Instagram; an engagement goal the other way round."""
    leads = build(make_brief(channels=("linkedin", "instagram"), goals=(goal("leads", description="demos"),)))
    engagement = build(make_brief(channels=("linkedin", "instagram"), goals=(goal("engagement", description="talk"),)))
    assert plan_of(leads, "linkedin").budget_share > plan_of(leads, "instagram").budget_share
    assert plan_of(engagement, "linkedin").budget_share < plan_of(engagement, "instagram").budget_share


@pytest.mark.parametrize(
    ("goal_type", "expected"),
    [
        ("awareness", [("impressions", "impressions"), ("reach", "people")]),
        ("engagement", [("engagement rate", "%")]),
        ("traffic", [("sessions", "sessions"), ("clicks", "clicks")]),
        ("leads", [("leads", "leads"), ("cost per lead", "EUR")]),
        ("sales", [("conversions", "conversions")]),
        ("retention", [("retention rate", "%")]),
    ],
)
def test_each_goal_type_gets_its_kpis_complete_and_inside_the_timeline(goal_type, expected):
    """Goal types map to their KPIs, each with a derived target, a unit, the campaign as timeframe,
    a source, the mid-campaign review date and the benchmark rows it came from."""
    # given
    brief = make_brief(goals=(goal(goal_type, description="the goal"),))
    # when
    strategy = build(brief)
    # then
    review = next(m.date for m in strategy.milestones if m.name == "Mid-campaign review")
    assert [(k.metric, k.unit) for k in strategy.kpis] == expected
    for kpi in strategy.kpis:
        assert kpi.goal_type == goal_type
        assert kpi.target > 0
        assert (kpi.timeframe_start, kpi.timeframe_end) == (brief.timeline.start, brief.timeline.end)
        assert kpi.source and kpi.review_date == review and kpi.baseline is None
        assert kpi.derivation["benchmarks"] and kpi.derivation["formula"]
        assert kpi.rationale.startswith("About ") or kpi.rationale.startswith("Roughly ")


def test_the_brief_s_own_target_and_unit_win_over_the_rules():
    """A goal's target and unit are used as given, on the metric the unit names."""
    # given
    brief = make_brief(
        goals=(
            goal("leads", description="Book 120 demos", target=Decimal("120"), unit="demos"),
            goal("sales", description="Sell 30k", target=Decimal("30000"), unit="EUR"),
        )
    )
    # when
    kpis = {k.metric: k for k in build(brief).kpis}
    # then
    assert (kpis["leads"].target, kpis["leads"].unit) == (Decimal("120"), "demos")
    assert kpis["leads"].rationale.startswith("The brief's own target of 120 demos; ")
    assert kpis["leads"].derivation["formula"] == "the brief's own target"
    assert kpis["leads"].derivation["goal"] == "Book 120 demos"
    assert (kpis["revenue"].target, kpis["revenue"].unit) == (Decimal("30000"), "EUR")
    assert kpis["revenue"].rationale.startswith("The brief's own target of €30,000; ")
    # conversions are forecast from the benchmarks, not taken from a goal
    assert kpis["conversions"].derivation["formula"] != "the brief's own target"


def test_derived_targets_follow_budget_and_timeline():
    """Without a target, a bigger budget gives bigger derived targets; the organic part follows the
    posts the calendar commits to (capped by production), not the cadence."""
    goals = (goal("awareness", description="be known"),)
    small = make_brief(goals=goals, budget=budget(Decimal("1000"), "EUR"))
    big = make_brief(goals=goals, budget=budget(Decimal("10000"), "EUR"))
    longer = make_brief(
        goals=goals, budget=budget(Decimal("1000"), "EUR"), timeline=timeline(dt.date(2027, 1, 4), dt.date(2027, 6, 30))
    )

    def impressions(brief):
        return next(k.target for k in build(brief).kpis if k.metric == "impressions")

    assert impressions(small) < impressions(big)
    # Instagram is the only paid channel: 1,000 EUR at the EUR Instagram CPM, plus the posts the
    # calendar commits to at the organic impressions per post (e-mail has no list size, so none)
    table = benchmark_table()
    cpm = table.lookup("cpm", channel="instagram", currency="EUR", segment="*").value
    per_post = table.lookup("organic_impressions_per_post", channel="instagram", currency="EUR", segment="*").value
    for brief in (small, longer):
        posts = next(p.assets_planned for p in build(brief).channel_plans if p.channel == "instagram")
        assert impressions(brief) == about(Decimal(1000) / cpm * 1000 + posts * per_post)
    # a longer campaign plans at least as many posts, so at least as many impressions
    assert impressions(small) <= impressions(longer)


def test_money_kpis_need_a_budget():
    """Without a budget, cost per lead and revenue are left out rather than invented."""
    brief = make_brief(goals=(goal("leads", description="demos"), goal("sales", description="sell")), budget=budget())
    metrics = [k.metric for k in build(brief).kpis]
    assert metrics == ["leads", "conversions"]


def test_milestones_are_placed_inside_the_timeline():
    """Kick-off on the start, Launch on timeline.launch (the start when the brief has none), review and
    wrap-up inside the campaign, even a one-day one."""
    # given
    long_brief = make_brief()
    launched = make_brief(timeline=dataclasses.replace(long_brief.timeline, launch=dt.date(2027, 1, 13)))
    one_day = make_brief(timeline=timeline(dt.date(2027, 3, 1), dt.date(2027, 3, 1)))
    # when
    long_milestones = build(long_brief).milestones
    launched_milestones = build(launched).milestones
    short_milestones = build(one_day).milestones
    # then
    assert [(m.name, m.date) for m in long_milestones] == [
        ("Kick-off", dt.date(2027, 1, 4)),
        ("Launch", dt.date(2027, 1, 4)),
        ("Mid-campaign review", dt.date(2027, 1, 31)),
        ("Wrap-up report", dt.date(2027, 2, 28)),
    ]
    assert [(m.name, m.date) for m in launched_milestones] == [
        ("Kick-off", dt.date(2027, 1, 4)),
        ("Launch", dt.date(2027, 1, 13)),
        ("Mid-campaign review", dt.date(2027, 2, 5)),
        ("Wrap-up report", dt.date(2027, 2, 28)),
    ]
    assert {m.date for m in short_milestones} == {dt.date(2027, 3, 1)}


def test_generation_is_deterministic():
    """The same brief, version and revision requests give byte-identical strategies."""
    brief = make_brief(channels=CHANNELS, goals=(goal("leads", "demos"), goal("awareness", "known")))
    requests = [RevisionRequest(RevisionKind.SHIFT_BUDGET, channel="linkedin", direction="towards")]
    first = build(brief, version=3, requests=requests, notes=["too generic"])
    second = build(brief, version=3, requests=requests, notes=["too generic"])
    assert first == second
    assert json.dumps(to_primitive(first)) == json.dumps(to_primitive(second))


def test_check_invariants_lists_every_violation():
    """Shares off 100, incomplete KPIs and dates outside the timeline are each reported."""
    # given
    good = build(make_brief(channels=("instagram", "facebook")))
    plans = (
        dataclasses.replace(good.channel_plans[0], budget_share=Decimal("60.0")),
        dataclasses.replace(good.channel_plans[1], budget_share=Decimal("39.95")),
    )
    bad = dataclasses.replace(
        good,
        channel_plans=plans,
        kpis=(
            KPI(
                metric="",
                target=Decimal("1"),
                unit="",
                timeframe_start=good.timeline_start,
                timeframe_end=good.timeline_end,
            ),
            KPI(
                metric="reach",
                target=None,
                unit="people",
                timeframe_start=good.timeline_start,
                timeframe_end=good.timeline_end + dt.timedelta(days=1),
            ),
        ),
        milestones=(Milestone("Launch", good.timeline_start - dt.timedelta(days=1)),),
    )
    # when
    violations = check_invariants(bad)
    # then
    assert violations == [
        "channel_plans: budget shares sum to 99.95, not exactly 100",
        "kpis[0].metric: missing",
        "kpis[0].unit: missing",
        "kpis[1].target: missing",
        "kpis[1].timeframe: 2027-01-04 to 2027-03-01 is outside the timeline 2027-01-04 to 2027-02-28",
        "milestones[0].date: 2027-01-03 is outside the timeline 2027-01-04 to 2027-02-28",
    ]


def test_shares_with_more_than_two_decimals_are_refused():
    """A share must have at most 2 decimal places, even if the sum is 100."""
    good = build(make_brief(channels=("instagram", "facebook")))
    plans = (
        dataclasses.replace(good.channel_plans[0], budget_share=Decimal("50.005")),
        dataclasses.replace(good.channel_plans[1], budget_share=Decimal("49.995")),
    )
    violations = check_invariants(dataclasses.replace(good, channel_plans=plans))
    assert violations == [
        "channel_plans[0].budget_share: 50.005 has more than 2 decimal places",
        "channel_plans[1].budget_share: 49.995 has more than 2 decimal places",
    ]


def test_generation_refuses_a_brief_it_cannot_plan_and_lists_every_problem():
    """Unknown channels and goal types, or nothing to plan, raise StrategyInvariantError (a permanent step error)."""
    # given
    odd = make_brief(channels=("tiktok", "email"), goals=(goal("fame", description="be famous"),))
    empty = make_brief(channels=(), goals=())
    # when
    with pytest.raises(StrategyInvariantError) as odd_error:
        build(odd)
    with pytest.raises(PermanentStepError) as empty_error:
        build(empty)
    # then
    assert odd_error.value.violations == [
        "goals[0].type: no KPI rule for goal type 'fame'",
        "channels[0]: no plan rule for channel 'tiktok'",
    ]
    assert empty_error.value.violations == [
        "channel_plans: there is none",
        "kpis: there is none",
    ]
