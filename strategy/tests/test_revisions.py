"""Revision requests: reading plain notes, checking requests against a version, and each kind's effect."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from strategy.domain import RevisionKind, RevisionRequest
from strategy.revisions import make_request, parse_notes, request_errors, requests_from_notes
from strategy.rules import build_strategy
from strategy.tests.briefs import goal, product
from tests.factories import make_brief

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
BRIEF = make_brief(
    channels=("linkedin", "x", "email"),
    goals=(goal("leads", "Book demos"), goal("awareness", "Be known among finance teams")),
    product=product(
        "Tallyfold Close",
        value_propositions=("Close the books in 3 days", "Sourdough subscription for finance teams", "Audit-ready"),
    ),
)


def build(*requests: RevisionRequest, notes=(), brief=BRIEF):
    return build_strategy(brief, strategy_id=uuid.uuid4(), version=2, now=NOW, requests=requests, notes=notes)


def share(strategy, channel):
    return next((p.budget_share for p in strategy.channel_plans if p.channel == channel), None)


BASE = build()


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        (
            "shift budget to LinkedIn",
            RevisionRequest(RevisionKind.SHIFT_BUDGET, channel="linkedin", direction="towards"),
        ),
        (
            "More budget on Google Ads",
            RevisionRequest(RevisionKind.SHIFT_BUDGET, channel="google_ads", direction="towards"),
        ),
        (
            "move the budget away from Twitter",
            RevisionRequest(RevisionKind.SHIFT_BUDGET, channel="x", direction="away"),
        ),
        ("cut the X budget", RevisionRequest(RevisionKind.SHIFT_BUDGET, channel="x", direction="away")),
        ("drop X", RevisionRequest(RevisionKind.DROP_CHANNEL, channel="x")),
        ("please add Facebook", RevisionRequest(RevisionKind.ADD_CHANNEL, channel="facebook")),
        ("lead with pillar 2", RevisionRequest(RevisionKind.LEAD_WITH_PILLAR, pillar="pillar-2")),
        ("Lead with the third pillar", RevisionRequest(RevisionKind.LEAD_WITH_PILLAR, pillar="pillar-3")),
        ("lead with the sourdough subscription", RevisionRequest(RevisionKind.LEAD_WITH_PILLAR, pillar="pillar-2")),
        ("more formal", RevisionRequest(RevisionKind.TONE, direction="more_formal")),
        ("make it less formal", RevisionRequest(RevisionKind.TONE, direction="more_casual")),
        ("add KPI leads", RevisionRequest(RevisionKind.ADD_KPI, metric="leads")),
        ("remove the cost per lead KPI", RevisionRequest(RevisionKind.REMOVE_KPI, metric="cost per lead")),
        ("Too generic", None),
        ("more linkedin", None),  # budget or posts? ambiguous, so free text
        ("drop the jargon", None),
        ("lead with something bolder", None),
        ("add KPI happiness", None),
    ],
)
def test_plain_phrases_read_as_requests_only_when_unambiguous(note, expected):
    """Each phrase the parser knows becomes one request; anything else stays free text."""
    [clause] = parse_notes(note, BASE)
    assert clause.request == expected
    assert clause.text == note


def test_notes_split_into_requests_and_free_text():
    """Clauses split at punctuation; a phrase whose request this version cannot take stays free text."""
    notes = "Too generic; shift budget to LinkedIn, drop Facebook. lead with pillar 2\nmore formal"
    requests = requests_from_notes(notes, BASE)
    assert [r.kind for r in requests] == ["shift_budget", "lead_with_pillar", "tone"]
    assert [c.text for c in parse_notes(notes, BASE)] == [
        "Too generic",
        "shift budget to LinkedIn",
        "drop Facebook",
        "lead with pillar 2",
        "more formal",
    ]


@pytest.mark.parametrize(
    ("request_", "field", "message"),
    [
        (make_request("shift_budget", channel="tiktok", direction="towards"), "channel", "unknown channel 'tiktok'"),
        (
            make_request("shift_budget", channel="facebook", direction="towards"),
            "channel",
            "not in this version's plan",
        ),
        (make_request("shift_budget", channel="linkedin", direction="up"), "direction", "use one of: towards, away"),
        (make_request("drop_channel", channel=""), "channel", "channel is required"),
        (make_request("add_channel", channel="LinkedIn"), "channel", "already in this version's plan"),
        (make_request("lead_with_pillar", pillar="7"), "pillar", "'pillar-7' is not a pillar of this version"),
        (make_request("lead_with_pillar", pillar="pillar 1"), "pillar", "Pillar 1 already leads"),
        (make_request("tone", direction="louder"), "direction", "use one of: more_formal, more_casual"),
        (make_request("add_kpi", metric="happiness"), "metric", "no KPI rule for 'happiness'"),
        (make_request("add_kpi", metric="Leads"), "metric", "'leads' is already a KPI"),
        (make_request("remove_kpi", metric="revenue"), "metric", "'revenue' is not a KPI of this version"),
    ],
)
def test_a_bad_request_is_refused_naming_its_field(request_, field, message):
    """Each problem is reported on requests[i].<field>, in words that say what is wrong."""
    errors = request_errors([request_], BASE)
    assert list(errors) == [f"requests[0].{field}"]
    assert message in errors[f"requests[0].{field}"][0]


def test_dropping_the_last_channel_is_refused():
    """Requests are checked in order: after two drops the third would leave no channel."""
    drops = [make_request("drop_channel", channel=c) for c in ("x", "email", "linkedin")]
    assert request_errors(drops, BASE) == {
        "requests[2].channel": ["LinkedIn is the only channel left; a plan needs at least one"]
    }


def test_shifting_budget_moves_shares_and_says_by_how_much():
    """Towards raises the channel's share and lowers the others; away does the opposite; both sum to 100."""
    towards = build(make_request("shift_budget", channel="x", direction="towards"))
    away = build(make_request("shift_budget", channel="x", direction="away"))
    assert share(towards, "x") > share(BASE, "x") > share(away, "x")
    assert share(towards, "linkedin") < share(BASE, "linkedin")
    for strategy in (towards, away):
        assert sum(p.budget_share for p in strategy.channel_plans) == 100
    assert towards.changes == (f"Budget shifted towards X: {share(BASE, 'x'):f}% -> {share(towards, 'x'):f}%",)
    assert "at the reviewer's request" in next(p.rationale for p in towards.channel_plans if p.channel == "x")


def test_a_shift_towards_and_one_away_cancel_out():
    """x1.5 then /1.5: the shares come back to the plan without requests."""
    both = build(
        make_request("shift_budget", channel="x", direction="towards"),
        make_request("shift_budget", channel="x", direction="away"),
    )
    assert [p.budget_share for p in both.channel_plans] == [p.budget_share for p in BASE.channel_plans]
    assert len(both.changes) == 2


def test_adding_a_channel_plans_it_and_schedules_its_assets():
    """An added channel gets a budget share, a cadence and assets in the calendar."""
    revised = build(make_request("add_channel", channel="facebook"))
    assert [p.channel for p in revised.channel_plans] == ["linkedin", "x", "email", "facebook"]
    assert revised.planned_for("facebook")
    assert share(revised, "facebook") > 0
    added = share(revised, "facebook").normalize()
    assert revised.changes == (f"Facebook added to the plan ({added:f}% of the budget)",)


def test_leading_with_a_pillar_reorders_pillars_and_the_calendar_rotation():
    """The chosen pillar comes first, and each channel's first asset serves it."""
    revised = build(make_request("lead_with_pillar", pillar="pillar-3"))
    assert [p.key for p in revised.pillars] == ["pillar-3", "pillar-1", "pillar-2"]
    for channel in ("linkedin", "x", "email"):
        assert revised.planned_for(channel)[0].pillar == "pillar-3"
    assert revised.changes == ('Pillar 3 ("Audit-ready") now leads',)


def test_tone_requests_net_out():
    """More formal, then more casual, is the brand's own tone again."""
    formal = build(make_request("tone", direction="more_formal"))
    casual = build(make_request("tone", direction="more_casual"))
    back = build(make_request("tone", direction="more_formal"), make_request("tone", direction="more_casual"))
    assert (formal.tone, casual.tone, back.tone) == ("more formal", "more casual", "")
    assert back.changes == ("Tone: more formal", "Tone: back to the brand's own")


def test_kpis_are_added_by_rule_and_removed():
    """An added KPI is derived like the others; a removed one is gone; each is listed."""
    revised = build(make_request("add_kpi", metric="clicks"), make_request("remove_kpi", metric="cost per lead"))
    metrics = [k.metric for k in revised.kpis]
    assert "clicks" in metrics and "cost per lead" not in metrics
    clicks = next(k for k in revised.kpis if k.metric == "clicks")
    assert clicks.target > 0 and clicks.unit == "clicks"
    assert revised.changes == (f"KPI added: clicks, target {clicks.target:,} clicks", "KPI removed: cost per lead")


def test_a_request_this_plan_cannot_take_is_listed_as_not_applied():
    """A standing request for a channel a later request dropped is reported, not silently ignored."""
    revised = build(
        make_request("drop_channel", channel="x"),
        make_request("shift_budget", channel="x", direction="towards"),
        notes=["Too generic"],
    )
    assert revised.unapplied_notes == ("Too generic", "Budget shift towards X: X is not in this plan.")
