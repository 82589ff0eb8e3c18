"""KPIs derived from the benchmark table and the brief's own targets, the invariants that keep the
numbers together, and channel roles with media budget for paid channels only."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from strategy.benchmarks import benchmark_table
from strategy.kpis import price_of
from strategy.rules import StrategyInvariantError, build_strategy, channel_plans, check_invariants
from strategy.tests.briefs import budget, goal, product
from tests.factories import example_brief, make_brief

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parents[2]
BRIEF_PATHS = sorted((ROOT / "examples" / "briefs").glob("*.json")) + sorted(
    (ROOT / "production" / "tests" / "briefs").glob("*.json")
)
# What a formula looks like in a sentence: an operator between numbers or words of a formula.
FORMULA = re.compile(r"\d\s*[x*/=]\s*\d|\b(?:cpm|cpc|ctr|roas)\b|\d\s+x\s|[a-z]+_[a-z]+\s*[/*]")
# A long number written without separators ("546667").
BARE_NUMBER = re.compile(r"(?<![\d.,'])\d{5,}(?![\d'])")


def build(brief, **kwargs):
    kwargs.setdefault("version", 1)
    return build_strategy(brief, strategy_id=uuid.UUID(int=7), now=NOW, **kwargs)


def examples():
    assert len(BRIEF_PATHS) >= 11
    return [pytest.param(path, id=path.stem) for path in BRIEF_PATHS]


@pytest.fixture(scope="module")
def built():
    return {path.stem: (brief := example_brief(path), build(brief)) for path in BRIEF_PATHS}


def kpi(strategy, metric):
    return next(k for k in strategy.kpis if k.metric == metric)


def plan(strategy, channel):
    return next(p for p in strategy.channel_plans if p.channel == channel)


# --- Every example brief ------------------------------------------------------------------------


@pytest.mark.parametrize("path", examples())
def test_every_example_strategy_holds_together_and_measures_every_kpi(path, built):
    """Invariants pass; every KPI has a source, a review date inside the campaign, its derivation
    and a client's sentence with separators and no formula."""
    # given
    brief, strategy = built[path.stem]
    # then
    assert check_invariants(strategy) == []
    for k in strategy.kpis:
        assert k.source.strip(), k.metric
        assert brief.timeline.start <= k.review_date <= brief.timeline.end
        assert k.baseline is None  # no brief states one
        assert k.derivation.get("formula"), k.metric
        assert k.rationale[0].isupper() and k.rationale.endswith("."), k.rationale
        assert not FORMULA.search(k.rationale.lower()), k.rationale
        assert not BARE_NUMBER.search(k.rationale), k.rationale
    analytics = [k for k in strategy.kpis if k.metric == "sessions"]
    assert all("Google Analytics 4 with utm_source" in k.source and "utm_campaign = " in k.source for k in analytics)


@pytest.mark.parametrize("path", examples())
def test_every_explicit_target_is_kept(path, built):
    """Each goal's own target is a KPI's target, with the goal's unit, recorded as the brief's."""
    brief, strategy = built[path.stem]
    for g in brief.goals:
        if g.target is None:
            continue
        matches = [k for k in strategy.kpis if k.derivation.get("goal") == g.description]
        assert len(matches) == 1, g.description
        assert (matches[0].target, matches[0].unit) == (g.target, g.unit)
        assert matches[0].derivation["formula"] == "the brief's own target"


@pytest.mark.parametrize("path", examples())
def test_media_budget_goes_to_paid_channels_only(path, built):
    """Paid shares sum to 100; owned and earned channels take 0 and state their production effort;
    every plan says what it is for and which benchmark rows it used."""
    _, strategy = built[path.stem]
    paid = [p for p in strategy.channel_plans if p.role == "paid"]
    unpaid = [p for p in strategy.channel_plans if p.role != "paid"]
    assert sum(p.budget_share for p in paid) == (100 if paid else 0)
    for p in unpaid:
        assert p.role in ("owned", "earned")
        assert p.budget_share == 0
        assert "no media spend" in p.effort and re.search(r"\d+ ", p.effort)
    for p in strategy.channel_plans:
        assert p.purpose in ("reach", "consideration", "conversion", "retention")
        assert p.benchmarks and all(benchmark_table().row(i) for i in p.benchmarks)
        assert "weight" not in p.rationale and p.rationale.endswith(".")
    assert {p.role for p in strategy.channel_plans if p.channel in ("email", "blog")} <= {"owned"}
    assert {p.role for p in strategy.channel_plans if p.channel == "google_ads"} <= {"paid"}


# --- Markets, kinds and goals --------------------------------------------------------------------


def test_a_london_b2b_brief_and_an_ohio_plumber_pay_different_prices(built):
    """GBP B2B software and USD local service read different rows, and the sentences quote them."""
    _, london = built["b2b-saas-launch"]
    _, ohio = built["local-service"]
    london_ads, ohio_ads = plan(london, "google_ads"), plan(ohio, "google_ads")
    assert london_ads.benchmarks[0] == "google_ads-gbp-b2b_software"
    assert ohio_ads.benchmarks[0] == "google_ads-usd-local_service"
    assert "at roughly £6.20 each" in london_ads.rationale
    assert "'month-end close software'" in london_ads.rationale
    assert "at roughly $7.85 each" in ohio_ads.rationale
    assert "linkedin-gbp-b2b_software" in plan(london, "linkedin").benchmarks
    assert "facebook-usd-local_service" in plan(ohio, "facebook").benchmarks


def test_reach_follows_the_impressions_target(built):
    """Reach is the impressions target spread over the usual frequency, never above it."""
    _, strategy = built["b2b-saas-launch"]
    assert kpi(strategy, "impressions").target == 250000
    assert kpi(strategy, "reach").target == Decimal("83300")
    assert "about 83,300 people" in kpi(strategy, "reach").rationale.lower()


def test_a_nonprofit_raises_donations_not_revenue(built):
    """A fundraising goal is measured in donations and gifts at the average online gift, never by ROAS."""
    _, strategy = built["nonprofit-appeal"]
    metrics = [k.metric for k in strategy.kpis]
    assert "revenue" not in metrics and "conversions" not in metrics
    assert kpi(strategy, "donations").target == 420000
    gift = benchmark_table().row("gift-usd").values["average_gift"]
    assert kpi(strategy, "gifts").target == Decimal("3650")  # $420,000 / $115, to three figures
    assert gift == 115
    assert "$420,000" in kpi(strategy, "gifts").rationale and "$115" in kpi(strategy, "gifts").rationale
    assert "donor CRM" in kpi(strategy, "donations").source


def test_retention_is_one_rate_not_churn_beside_it(built):
    """'55% active after 30 days' is the retention rate; no churn rate is added next to it."""
    _, strategy = built["all-channels"]
    retention = [k for k in strategy.kpis if k.goal_type == "retention"]
    assert [(k.metric, k.target, k.unit) for k in retention] == [("retention rate", 55, "% active after 30 days")]
    assert retention[0].rationale.startswith("The brief's own target of 55% active after 30 days; ")


def test_revenue_follows_the_stated_price(built):
    """With a numeric price, revenue is the conversions target at that price, in the brief's currency."""
    _, bakery = built["local-bakery"]
    assert kpi(bakery, "revenue").target == 150 * 32
    assert kpi(bakery, "revenue").rationale == (
        "About $4,800 in first month's revenue: 150 subscriptions at the stated price of $32 each."
    )


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("£49 a month", "GBP", Decimal("49")),
        ("From £1,450 a month for up to five entities", "GBP", Decimal("1450")),
        ("€7.99 a month after a 14-day free trial", "EUR", Decimal("7.99")),
        ("$32 a month for four loaves", "", Decimal("32")),
        ("0.25% a year platform fee, capped at £250", "GBP", None),
        ("$0 annual fee", "USD", None),
        ("£49 a month", "USD", None),
        ("Free", "USD", None),
    ],
)
def test_price_of_reads_a_stated_price(text, currency, expected):
    """The first amount of a price in the budget's currency; percentages, zero and other currencies give none."""
    assert price_of(text, currency) == expected


# --- Contradictions are refused --------------------------------------------------------------


def test_a_target_the_budget_cannot_buy_is_refused_naming_both_numbers():
    """10,000 leads from $1,000 of search ads implies far more spend than the budget: no strategy."""
    # given
    brief = make_brief(
        channels=("google_ads",),
        goals=(goal("leads", "Calls", target=Decimal("10000"), unit="calls"),),
        budget=budget(Decimal("1000"), "USD"),
        product=product("Rapid Plumbing", kind="local_service"),
    )
    # when
    with pytest.raises(StrategyInvariantError) as error:
        build(brief)
    # then
    message = str(error.value)
    row = benchmark_table().row("google_ads-usd-local_service").values
    implied = Decimal(10000) / (row["conversion_rate"] / 100) * row["cpc"]
    assert f"leads 10,000 implies a media spend of ${implied:,.0f}" in message
    assert "above the budget of $1,000" in message


def test_an_ambitious_target_passes_up_to_the_table_s_stretch_and_says_so():
    """A target the benchmarks put 30% out of reach is ambitious, not contradictory (stretch 1.5);
    twice the forecast with no e-mail list to make up the rest is refused."""

    def bakery(target=None):
        return make_brief(
            channels=("instagram",),
            goals=(goal("sales", "Members", target=target, unit="subscriptions" if target else ""),),
            budget=budget(Decimal("3500"), "USD"),
            product=product("Loaf Club", kind="subscription"),
        )

    forecast = kpi(build(bakery()), "conversions").target
    assert benchmark_table().stretch == Decimal("1.5")
    ambitious = kpi(build(bakery(forecast * Decimal("1.3"))), "conversions")
    assert ambitious.rationale.endswith("so it needs results about 30% better than the benchmarks.")
    with pytest.raises(StrategyInvariantError) as error:
        build(bakery(forecast * 2))
    assert "(even with results 50% better than the benchmarks)" in str(error.value)
    assert "above the budget of $3,500" in str(error.value)


def test_leads_above_the_clicks_and_visits_that_feed_them_are_refused():
    """Without an e-mail list, leads come from clicks and blog visits: more leads than those is refused."""
    brief = make_brief(
        channels=("linkedin", "blog"),
        goals=(goal("leads", "Demos", target=Decimal("5000"), unit="demos"),),
        budget=budget(),
    )
    with pytest.raises(StrategyInvariantError) as error:
        build(brief)
    (violation,) = error.value.violations
    assert re.fullmatch(r"leads 5,000 exceeds clicks and organic visits [\d,]+", violation)
    ceiling = Decimal(violation.rsplit(" ", 1)[1].replace(",", ""))
    assert 0 < ceiling < 5000


def test_a_reach_target_sets_the_impressions_it_needs():
    """Reach 50,000 with no impressions target and no budget: impressions follow the reach at the
    usual frequency, above what unpaid posts alone deliver, and the plan still holds."""
    strategy = build(make_brief(budget=budget()))
    frequency = benchmark_table().row("campaign-defaults").values["frequency"]
    assert kpi(strategy, "reach").target == 50000
    assert kpi(strategy, "impressions").target == 50000 * frequency
    assert kpi(strategy, "impressions").rationale.startswith("About 150,000 impressions: the brief's 50,000 people")
    assert check_invariants(strategy) == []


def test_a_reach_the_budget_cannot_buy_is_refused_naming_the_reach():
    """Reach 50,000 from search ads alone: the impressions it needs cost more than the budget allows."""
    brief = make_brief(channels=("google_ads",))
    with pytest.raises(StrategyInvariantError) as error:
        build(brief)
    (violation,) = error.value.violations
    assert re.fullmatch(
        r"reach 50,000 \(150,000 impressions\) implies a media spend of €[\d,]+, above the budget of €12,001 "
        r"\(even with results 50% better than the benchmarks\)",
        violation,
    )


def test_reach_above_impressions_is_refused_naming_both_numbers():
    """Two explicit targets that contradict each other stop the strategy."""
    brief = make_brief(
        goals=(
            goal("awareness", "Reach people", target=Decimal("546667"), unit="people reached"),
            goal("awareness", "Be seen", target=Decimal("250000"), unit="impressions"),
        )
    )
    with pytest.raises(StrategyInvariantError) as error:
        build(brief)
    assert "reach 546,667 exceeds impressions 250,000" in error.value.violations


def test_revenue_that_does_not_match_conversions_at_the_price_is_refused():
    """8,000 sales at £49 cannot be £100,000 of revenue."""
    brief = make_brief(
        goals=(
            goal("sales", "Members", target=Decimal("8000"), unit="subscriptions"),
            goal("sales", "Revenue", target=Decimal("100000"), unit="GBP"),
        ),
        budget=budget(Decimal("20000"), "GBP"),
        product=product("Club", price="£49 a month", kind="subscription"),
    )
    with pytest.raises(StrategyInvariantError) as error:
        build(brief)
    assert "revenue 100,000 does not match conversions 8,000 at 49 each (392,000)" in error.value.violations


def test_an_owned_channel_with_budget_is_refused():
    """Media money on e-mail breaks the invariant, even when the shares still add up to 100."""
    good = build(make_brief(channels=("instagram", "email")))
    plans = (
        dataclasses.replace(good.channel_plans[0], budget_share=Decimal("80.0")),
        dataclasses.replace(good.channel_plans[1], budget_share=Decimal("20.0")),
    )
    violations = check_invariants(dataclasses.replace(good, channel_plans=plans))
    assert violations == [
        "channel_plans[1].budget_share: email is owned and takes 20.0% of the media budget; "
        "only paid channels take media budget",
        "channel_plans: budget shares sum to 80.0, not exactly 100",
    ]


# --- Roles and the budget split ----------------------------------------------------------------


def test_social_channels_run_unpaid_without_a_budget_and_search_waits_for_one():
    """No budget: social channels are owned or earned with 0 share; Google Ads stays paid, for a budget to come."""
    brief = make_brief(channels=("linkedin", "x", "google_ads"), budget=budget())
    strategy = build(brief)
    roles = {p.channel: (p.role, p.budget_share) for p in strategy.channel_plans}
    assert roles == {
        "linkedin": ("owned", Decimal("0.0")),
        "x": ("earned", Decimal("0.0")),
        "google_ads": ("paid", Decimal("100.0")),
    }
    assert "the brief sets none" in plan(strategy, "google_ads").rationale
    assert check_invariants(strategy) == []


def test_a_plan_with_no_paid_channel_spends_no_media_budget():
    """E-mail and the blog alone: every share is 0 and the strategy still holds."""
    strategy = build(make_brief(channels=("email", "blog")))
    assert [p.budget_share for p in strategy.channel_plans] == [0, 0]
    assert check_invariants(strategy) == []


def test_a_channel_that_serves_no_goal_posts_instead_of_buying_media():
    """A leads goal: LinkedIn is paid, X (weak for leads) is earned and takes no budget."""
    strategy = build(make_brief(channels=("linkedin", "x"), goals=(goal("leads", "demos"),)))
    assert [(p.channel, p.role, str(p.budget_share)) for p in strategy.channel_plans] == [
        ("linkedin", "paid", "100.0"),
        ("x", "earned", "0.0"),
    ]


def test_weight_factors_shift_budget_between_paid_channels():
    """The revision helper's hook: a factor above 1 raises a channel's share, below 1 lowers it,
    shares still add to 100, and the sentence says the reviewer asked for it."""
    brief = make_brief(channels=("linkedin", "facebook", "email"))
    before = {p.channel: p.budget_share for p in channel_plans(brief)}
    after_plans = channel_plans(brief, weight_factors={"linkedin": Fraction(3, 2)})
    after = {p.channel: p.budget_share for p in after_plans}
    fewer = channel_plans(brief, channels=("facebook", "email"))
    assert after["linkedin"] > before["linkedin"] and after["facebook"] < before["facebook"]
    assert sum(after.values()) == 100 and after["email"] == 0
    assert "raised at the reviewer's request" in plan_of_plans(after_plans, "linkedin").rationale
    assert [(p.channel, str(p.budget_share)) for p in fewer] == [("facebook", "100.0"), ("email", "0.0")]


def plan_of_plans(plans, channel):
    return next(p for p in plans if p.channel == channel)


def test_derived_paid_numbers_follow_the_table():
    """Without targets, LinkedIn's impressions and clicks are its spend at the GBP row's CPM and CTR."""
    brief = make_brief(
        channels=("linkedin",),
        goals=(goal("awareness", "be known"), goal("traffic", "visits")),
        budget=budget(Decimal("10000"), "GBP"),
        product=product("Ledger", kind="software"),
    )
    strategy = build(brief)
    row = benchmark_table().row("linkedin-gbp-b2b_software").values
    organic = benchmark_table().row("linkedin-organic").values
    # the posts the calendar commits to (4 a week over 8 weeks, within the production cap)
    posts = plan(strategy, "linkedin").assets_planned
    assert posts == len(strategy.planned_for("linkedin"))
    paid_impressions = Decimal(10000) / row["cpm"] * 1000
    impressions = paid_impressions + posts * organic["organic_impressions_per_post"]
    clicks = (
        paid_impressions * row["ctr"] / 100
        + posts * organic["organic_impressions_per_post"] * organic["organic_ctr"] / 100
    )
    assert kpi(strategy, "impressions").target == pytest.approx(impressions, rel=Decimal("0.005"))
    assert kpi(strategy, "clicks").target == pytest.approx(clicks, rel=Decimal("0.005"))
    assert "linkedin-gbp-b2b_software" in kpi(strategy, "clicks").derivation["benchmarks"]
    assert "£" in plan(strategy, "linkedin").rationale
