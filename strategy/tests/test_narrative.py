"""The strategist's reading: insight, positioning, core message, pillars, summary, risks, compliance
and the banned-term check, composed from the brief's facts in the brief's language."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest

from strategy import narrative
from strategy.rules import StrategyInvariantError, build_strategy
from tests.qc_examples import tallyfold_brief

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
FEE_PROOF = "Platform fee of 0.25% a year, capped at £250"
PASTED_LABELS = ("Their pains:", "In their words:", "Value propositions:", "Proof points:", "Proof:", "Goals:")


def build(brief):
    return build_strategy(brief, strategy_id=uuid.UUID(int=7), version=1, now=NOW)


def with_product(brief, **fields):
    return dataclasses.replace(brief, product=dataclasses.replace(brief.product, **fields))


def with_brand(brief, **fields):
    return dataclasses.replace(brief, brand=dataclasses.replace(brief.brand, **fields))


def test_the_summary_is_a_strategist_s_paragraph_not_the_brief_read_back():
    """Situation (client, audience, category, alternative), the pain as a clause, the proof, what the
    plan does, the offer and what success looks like; no labels pasted from the brief."""
    strategy = build(tallyfold_brief())
    summary = strategy.executive_summary
    assert summary.startswith(
        "Tallyfold needs financial controllers and CFOs to choose Tallyfold Close, month-end close software, "
        "over spreadsheets and chasing colleagues by e-mail."
    )
    assert "month-end close drags on for two weeks" in summary  # composed: lower case mid-sentence
    assert "Month-end close drags" not in summary
    assert "beta finance teams cut their close from 9.5 to 4.2 working days" in summary
    assert f"“{strategy.core_message.rstrip('.')}”" in summary
    assert "The £48,000 budget" in summary
    assert "until 31 March 2027" in summary  # en-GB date
    assert "Success means 300 demo requests by 25 April 2027." in summary
    assert not any(label in summary for label in PASTED_LABELS)


def test_insight_sets_the_sharpest_pain_against_the_strongest_proof():
    """The pain the propositions answer, and the measured result rather than a rating or a report on request."""
    brief = tallyfold_brief()
    brief = with_product(
        brief, proof_points=(*brief.product.proof_points, "Rated #1 for month-end close on G2, Fall 2026 report")
    )
    insight = build(brief).insight
    assert insight == (
        "For financial controllers and CFOs, month-end close drags on for two weeks: that is the problem to "
        "solve first. The strongest evidence Tallyfold Close can show is this: beta finance teams cut their "
        "close from 9.5 to 4.2 working days (38 companies, 2026)."
    )


def test_positioning_names_category_alternative_and_a_reason_to_believe_that_is_never_a_fee():
    brief = with_product(tallyfold_brief(), proof_points=(FEE_PROOF, "SOC 2 Type II report available on request"))
    positioning = build(brief).positioning
    assert "Tallyfold Close is month-end close software that lets them close the books" in positioning
    assert "Unlike spreadsheets and chasing colleagues by e-mail, it gives them" in positioning
    assert positioning.endswith("Reason to believe: SOC 2 Type II report available on request.")
    assert "fee" not in positioning.lower()
    assert all(p.proof != FEE_PROOF for p in build(brief).pillars)


def test_pillars_have_short_names_and_carry_their_brief_facts_verbatim():
    strategy = build(tallyfold_brief())
    names = [p.name for p in strategy.pillars]
    assert names == [
        "Close the books in 4 working days",
        "Every reconciliation matched and evidenced automatically",
        "Audit trail ready before the auditors arrive",
    ]
    brief = tallyfold_brief()
    for pillar in strategy.pillars:
        assert len(pillar.name.split()) <= narrative.PILLAR_NAME_WORDS
        assert pillar.value_proposition in brief.product.value_propositions
        assert pillar.proof in brief.product.proof_points
        assert pillar.pain in brief.audience.pains
        assert pillar.message.startswith("Tallyfold Close ")
    # each pain and proof answers the pillar it shares words with, used once while any is unused
    assert strategy.pillars[0].pain == "Month-end close drags on for two weeks"
    assert strategy.pillars[1].pain == "Reconciliations live in fragile spreadsheets only one person understands"
    assert strategy.core_message == "With Tallyfold Close, you close the books in 4 working days instead of 10."


@pytest.mark.parametrize(
    ("pain", "clause"),
    [
        ("Loses motivation after two weeks", "adults lose motivation after two weeks"),
        ("No time to get to the gym", "adults have no time to get to the gym"),
        ("Worried about picking the wrong fund", "adults are worried about picking the wrong fund"),
        ("Too many appeals in December", "adults face too many appeals in December"),
        ("Not sure a small gift makes any difference", "adults are not sure a small gift makes any difference"),
        ("Hard to find a quiet room in Lisbon", "adults find it hard to find a quiet room in Lisbon"),
        (
            "Surprise fees once the plumber is in the house",
            "adults face surprise fees once the plumber is in the house",
        ),
        ("A burst pipe floods the basement at 2 a.m.", "for adults, a burst pipe floods the basement at 2 a.m."),
        (
            "Debugging a slow request means opening five dashboards",
            "for adults, debugging a slow request means opening five dashboards",
        ),
        ("Month-end close takes 8 to 12 working days", "for adults, month-end close takes 8 to 12 working days"),
        ("Xero exports break every month", "for adults, Xero exports break every month"),
    ],
)
def test_a_pain_of_any_shape_becomes_a_clause_that_does_not_read_glued(pain, clause):
    """A name keeps its capital (the brief writes "Xero" mid-sentence elsewhere); other words are lowered."""
    brief = dataclasses.replace(
        tallyfold_brief(), audience=dataclasses.replace(tallyfold_brief().audience, pains=(pain,))
    )
    brief = with_product(brief, proof_points=("Connects to Xero and Sage",))
    reading = narrative.Reading(brief)
    assert narrative.pain_clause(pain, "adults", reading) == clause


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("Fresh sourdough every Saturday without the queue", "Fresh sourdough every Saturday"),
        ("A new seasonal pastry each week, made with Oregon flour", "New seasonal pastry each week"),
        ("Use your £20,000 ISA allowance before 5 April", "Use your £20,000 ISA allowance before 5 April"),
        (
            "Gifts made by December 31 are matched dollar for dollar, up to $150,000",
            "Gifts made by December 31 are matched dollar for dollar",
        ),
        (
            "Monthly gifts keep pantry shelves stocked after the holidays, when donations drop",
            "Monthly gifts keep pantry shelves stocked",
        ),
    ],
)
def test_a_pillar_name_stops_at_a_clause_boundary_never_mid_phrase(value, name):
    assert narrative.pillar_name(value) == name


def test_a_proof_point_with_a_banned_term_is_not_used_and_the_risk_says_so_without_quoting_it():
    banned_proof = "The most revolutionary close tool, say 38 beta teams (2026)"
    brief = with_product(tallyfold_brief(), proof_points=(banned_proof, "SOC 2 Type II report available on request"))
    strategy = build(brief)
    texts = " ".join(text for _field, text in narrative.strategy_texts(strategy))
    assert "revolutionary" not in texts.lower()
    assert all(p.proof != banned_proof for p in strategy.pillars)
    assert "Reason to believe: SOC 2 Type II report available on request." in strategy.positioning
    assert any("first proof point uses a term the brand bans" in r for r in strategy.risks)


def test_a_strategy_that_still_carries_a_banned_term_is_an_invariant_violation_naming_term_and_field():
    """The client's own name is not a fact the planner can drop: a banned term in it stops the strategy,
    unless the brand lists the name as an allowed phrase."""
    brief = dataclasses.replace(
        tallyfold_brief(), client=dataclasses.replace(tallyfold_brief().client, name="Synergy Ledgers")
    )
    with pytest.raises(StrategyInvariantError) as raised:
        build(brief)
    assert "executive_summary: uses the banned term 'synergy' ('Synergy')" in raised.value.violations
    allowed = with_brand(brief, allowed_phrases=("Synergy Ledgers",))
    assert build(allowed).executive_summary.startswith("Synergy Ledgers needs")


def test_banned_term_violations_name_every_field():
    strategy = dataclasses.replace(build(tallyfold_brief()), insight="A game changer.", risks=("fine", "pure synergy"))
    assert narrative.banned_term_violations(strategy, ("game-changer", "synergy")) == [
        "insight: uses the banned term 'game-changer' ('game changer')",
        "risks[1]: uses the banned term 'synergy' ('synergy')",
    ]


def test_risks_come_from_the_brief():
    """A short campaign, a thin budget for the channel count, an offer ending before the campaign, no time zone."""
    brief = tallyfold_brief()
    brief = dataclasses.replace(
        brief,
        timeline=dataclasses.replace(brief.timeline, start=dt.date(2027, 3, 1), end=dt.date(2027, 3, 21)),
        budget=dataclasses.replace(brief.budget, amount=Decimal("600")),
        client=dataclasses.replace(brief.client, timezone=""),
    )
    brief = with_product(brief, offer_expires=dt.date(2027, 3, 10))
    risks = " ".join(build(brief).risks)
    assert "The campaign runs only 21 days" in risks
    # LinkedIn and Google Ads are the paid channels: £600 over 3 weeks
    assert "£600 across 2 paid channels is about £100 per channel a week" in risks
    assert "The offer ends on 10 March 2027, 11 days before the campaign does" in risks
    assert "The brief gives no time zone" in risks
    assert "UK tax year end (5 April 2027) falls outside the publishing window" in risks
    calm = " ".join(build(tallyfold_brief()).risks)
    assert "only" not in calm and "time zone" not in calm and "per channel a week" not in calm


def test_compliance_for_a_regulated_brief_lists_disclaimers_claims_with_their_source_and_approvals():
    disclaimer = "Capital at risk. The value of investments can go down as well as up."
    brief = with_brand(tallyfold_brief(), disclaimers=(disclaimer,), substantiated_claims=("#1",))
    brief = with_product(
        brief,
        kind="financial_product",
        proof_points=(*brief.product.proof_points, "Rated #1 for month-end close on G2, Fall 2026 report"),
    )
    brief = dataclasses.replace(brief, sponsored=True)
    compliance = build(brief).compliance
    assert f"word for word (on the landing page where a format has no room): “{disclaimer}”" in compliance[0]
    assert (
        compliance[1]
        == "The claim “#1” may appear only with its source: “Rated #1 for month-end close on G2, Fall 2026 report”."
    )
    assert any("fair, clear and not misleading" in c for c in compliance)
    assert any(c.startswith("Approvals needed: Tallyfold's compliance team signs off every asset") for c in compliance)
    assert any(c.startswith("Paid and sponsored posts open with “Ad”") for c in compliance)
    assert build(tallyfold_brief()).compliance == ()


def test_the_brief_s_language_sets_dates_lists_and_spelling():
    british = tallyfold_brief()
    american = dataclasses.replace(british, language="en-US")
    gb, us = build(british).executive_summary, build(american).executive_summary
    assert "from 1 March 2027 to 25 April 2027" in gb and "from March 1, 2027 to April 25, 2027" in us
    assert "LinkedIn, X, e-mail, the blog and Google Ads" in gb
    assert "LinkedIn, X, e-mail, the blog, and Google Ads" in us
    # our own words follow the brief's spelling; the brief's words are never respelt
    reading = narrative.Reading(british)
    assert reading.ours("we prioritize the program") == "we prioritise the programme"
    assert narrative.Reading(american).ours("we prioritize the program") == "we prioritize the program"
    voice = dataclasses.replace(
        american, language="en", brand=dataclasses.replace(british.brand, voice_notes="British spelling.")
    )
    assert narrative.Reading(voice).language == "en-GB"


def test_names_and_nationalities_keep_their_capitals_mid_sentence():
    brief = dataclasses.replace(
        tallyfold_brief(), audience=dataclasses.replace(tallyfold_brief().audience, description="Parisian commuters")
    )
    assert build(brief).executive_summary.startswith("Tallyfold needs Parisian commuters to choose")
    assert re.search(r"needs financial controllers", build(tallyfold_brief()).executive_summary)


def test_a_brief_without_proof_category_or_alternative_still_reads_whole():
    brief = with_product(tallyfold_brief(), proof_points=(), category="", alternative="")
    strategy = build(brief)
    assert (
        strategy.positioning
        == "For financial controllers and CFOs, Tallyfold Close lets them close the books in 4 working days "
        "instead of 10."
    )
    assert "no proof point" in strategy.insight
    assert any("no proof point the copy can use" in r for r in strategy.risks)
    assert ", ," not in strategy.executive_summary and " ." not in strategy.executive_summary


def test_with_channel_roles_the_summary_says_where_media_money_goes_and_the_risk_counts_paid_channels():
    brief = tallyfold_brief()
    strategy = build(brief)
    plans = tuple(
        dataclasses.replace(p, role="paid" if p.channel in ("linkedin", "google_ads") else "owned")
        for p in strategy.channel_plans
    )
    story = narrative.write(brief, plans, strategy.kpis)
    assert (
        "The £48,000 budget buys media on LinkedIn and Google Ads; X, e-mail and the blog run on production effort."
        in (story.executive_summary)
    )
    thin = dataclasses.replace(brief, budget=dataclasses.replace(brief.budget, amount=Decimal("2000")))
    risks = " ".join(narrative.write(thin, plans, strategy.kpis).risks)
    assert "£2,000 across 2 paid channels is about £125 per channel a week" in risks


def test_a_proposition_written_as_a_sentence_follows_a_colon_and_a_placed_audience_is_not_placed_twice():
    brief = with_product(
        tallyfold_brief(),
        value_propositions=("Every $1 you give provides 3 meals for a neighbour", "Monthly gifts keep shelves stocked"),
        category="local food bank",
    )
    brief = dataclasses.replace(
        brief,
        audience=dataclasses.replace(
            brief.audience, description="UK donors aged 35 to 75", locations=("United Kingdom",)
        ),
    )
    strategy = build(brief)
    assert strategy.positioning.startswith(
        "For UK donors, Tallyfold Close is a local food bank: every $1 they give provides 3 meals for a neighbour."
    )
    assert strategy.pillars[0].message == "With Tallyfold Close, every $1 they give provides 3 meals for a neighbour."
    assert strategy.executive_summary.startswith("Tallyfold needs UK donors to choose")


def test_the_strategist_speaks_of_the_audience_and_names_the_client_where_the_brief_says_our():
    brief = with_product(
        tallyfold_brief(),
        value_propositions=(
            "Close the books in 4 working days",
            "Reports checked by our team before your board sees them",
        ),
        proof_points=("Rated 4.9 by our customers (2026)",),
    )
    strategy = build(brief)
    assert strategy.pillars[1].message == (
        "Tallyfold Close gives them reports checked by Tallyfold's team before their board sees them."
    )
    assert strategy.insight.endswith("can show is this: rated 4.9 by Tallyfold's customers (2026).")
    assert strategy.pillars[1].value_proposition == brief.product.value_propositions[1]  # the fact itself is kept
