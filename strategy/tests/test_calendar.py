"""The asset calendar: how many assets each channel plan commits to, when, and for which pillar."""

from __future__ import annotations

import dataclasses

from strategy.calendar import FIRST_HOUR, LAST_HOUR, asset_count
from tests.factories import make_brief, make_strategy


def test_asset_count_follows_cadence_and_caps():
    """Count = min(cadence over the timeline, channel cap), at least one."""
    # given
    strategy = make_strategy(make_brief(channels=("x", "email", "google_ads")))
    plans = {p.channel: p for p in strategy.channel_plans}
    # then
    assert asset_count(plans["x"], days=56) == 6  # several a day, capped at 6 for social
    assert asset_count(plans["email"], days=56) == 3  # weekly over 8 weeks, capped at 3
    assert asset_count(plans["google_ads"], days=56) == 2
    assert asset_count(plans["email"], days=10) == 2  # ceil(1 x 10 / 7)
    one_a_month = dataclasses.replace(plans["email"], cadence=dataclasses.replace(plans["email"].cadence, posts=0))
    assert asset_count(one_a_month, days=10) == 1


def test_calendar_spreads_each_plan_over_the_timeline_with_rotating_pillars():
    """Every planned asset lies inside the timeline, in working hours, and pillars rotate by slot."""
    # given
    strategy = make_strategy(make_brief(channels=("linkedin", "email")))
    days = (strategy.timeline_end - strategy.timeline_start).days + 1
    # then
    for plan in strategy.channel_plans:
        mine = strategy.planned_for(plan.channel)
        assert len(mine) == asset_count(plan, days)
        assert [a.slot for a in mine] == list(range(1, len(mine) + 1))
        for asset in mine:
            assert strategy.timeline_start <= asset.scheduled_at.date() <= strategy.timeline_end
            assert FIRST_HOUR <= asset.scheduled_at.hour <= LAST_HOUR
        keys = [p.key for p in strategy.pillars]
        assert [a.pillar for a in mine] == [keys[i % len(keys)] for i in range(len(mine))]
