"""The asset calendar: how many assets each channel plan commits to, when (in the client's zone, inside
the channel's posting window, from launch to end, on key dates), for which pillar, and with or without
the offer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections import Counter

import pytest

from kernel.clock import zone_of
from strategy.calendar import asset_cap, by_cadence, calendar_data, window_for
from strategy.rules import calendar_inputs
from tests.factories import KeyDate, example_brief, example_brief_paths, make_brief, make_strategy

LAUNCH = dt.date(2027, 1, 11)
END = dt.date(2027, 3, 7)  # 8 weeks from launch


def _brief(**overrides):
    base = make_brief()
    timeline = dataclasses.replace(base.timeline, **{"launch": LAUNCH, "end": END, **overrides.pop("timeline", {})})
    client = dataclasses.replace(base.client, timezone=overrides.pop("timezone", "America/Chicago"))
    product = dataclasses.replace(base.product, **overrides.pop("product", {}))
    brand = dataclasses.replace(base.brand, **overrides.pop("brand", {}))
    return make_brief(timeline=timeline, client=client, product=product, brand=brand, **overrides)


def _inside_window(asset, brief) -> bool:
    inputs = calendar_inputs(brief)
    extra = inputs.hashtag_weekdays if asset.channel in calendar_data()["hashtag_channels"] else frozenset()
    window = window_for(asset.channel, inputs.audience_type, extra)
    local = asset.scheduled_at.astimezone(zone_of(brief.client.timezone))
    start, end = window.hours_on(local.date())
    in_hours = start <= local.hour < end
    on_a_window_day = local.weekday() in window.hours or asset.occasion
    return in_hours and bool(on_a_window_day)


def test_count_is_cadence_times_active_weeks_or_the_cap_with_its_note():
    """E-mail once a week over the 3 weeks from launch is 3 (no cap, no note); over 8 weeks it would be 8,
    and X 3 a day would be 168: both capped, with a sentence that says so. The plan states the number
    the calendar holds."""
    # given
    short = make_strategy(_brief(channels=("email",), timeline={"end": LAUNCH + dt.timedelta(days=20)}))
    strategy = make_strategy(_brief(channels=("x", "email", "linkedin")))
    plans = {p.channel: p for p in strategy.channel_plans}
    days = (END - LAUNCH).days + 1
    # then
    [email] = short.channel_plans
    assert email.assets_planned == len(short.planned_for("email")) == 3
    assert email.cap_note == ""
    assert by_cadence(plans["email"], days) == 8 > asset_cap("email") == plans["email"].assets_planned
    assert plans["email"].cap_note == (
        "E-mail: 1 e-mail a week over 8 weeks (from launch on January 11, 2027 to March 7, 2027) would be 8; "
        f"this plan produces {asset_cap('email')} (production cap), spread over the whole campaign."
    )
    assert by_cadence(plans["x"], days) == 3 * 56 > asset_cap("x") == plans["x"].assets_planned
    assert plans["x"].cap_note == (
        "X: 3 posts a day over 56 days (from launch on January 11, 2027 to March 7, 2027) would be 168; "
        f"this plan produces {asset_cap('x')} (production cap), spread over the whole campaign."
    )
    assert "4 posts a week over 8 weeks" in plans["linkedin"].cap_note
    for plan in strategy.channel_plans:
        assert plan.assets_planned == len(strategy.planned_for(plan.channel))


def test_nothing_before_launch_or_after_the_end_and_the_assets_cover_the_whole_campaign():
    """The first asset of each channel goes out in launch week, the last in the campaign's last stretch,
    and no gap between two assets of a channel is much longer than an even spread would leave."""
    # given
    strategy = make_strategy(_brief(channels=("linkedin", "instagram", "email", "google_ads")))
    days = (END - LAUNCH).days + 1
    # then
    for plan in strategy.channel_plans:
        dates = [a.scheduled_at.date() for a in strategy.planned_for(plan.channel)]
        assert dates == sorted(dates)
        assert LAUNCH <= dates[0] <= LAUNCH + dt.timedelta(days=6), plan.channel
        assert dates[-1] >= END - dt.timedelta(days=days // len(dates) + 3), plan.channel
        even = (days - 1) / (len(dates) - 1)
        gaps = [(b - a).days for a, b in itertools.pairwise(dates)]
        assert max(gaps) <= even + 4, (plan.channel, gaps)


def test_times_are_local_inside_each_channels_window_for_every_example_brief():
    """Every example brief: each asset is aware, in the client's zone, inside its channel's window."""
    paths = example_brief_paths()
    assert paths
    for path in paths:
        brief = example_brief(path)
        strategy = make_strategy(brief)
        zone = zone_of(brief.client.timezone)
        first = brief.timeline.first_publish_day
        for asset in strategy.calendar:
            assert asset.scheduled_at.utcoffset() == zone.utcoffset(asset.scheduled_at.replace(tzinfo=None))
            assert _inside_window(asset, brief), (path.stem, asset.key, asset.scheduled_at.isoformat())
            assert first <= asset.scheduled_at.date() <= brief.timeline.end, (path.stem, asset.key)
        for plan in strategy.channel_plans:
            assert plan.assets_planned == len(strategy.planned_for(plan.channel)), (path.stem, plan.channel)


def test_linkedin_posts_on_weekday_mornings_and_instagram_in_consumer_evenings_and_weekends():
    # given
    strategy = make_strategy(_brief(channels=("linkedin", "instagram", "email"), product={"kind": "subscription"}))
    # then
    for asset in strategy.planned_for("linkedin"):
        assert asset.scheduled_at.weekday() < 5 and 8 <= asset.scheduled_at.hour < 10
    for asset in strategy.planned_for("instagram"):
        local = asset.scheduled_at
        assert (local.weekday() >= 5 and 9 <= local.hour < 12) or (local.weekday() < 5 and local.hour >= 18)
    for asset in strategy.planned_for("email"):
        assert asset.scheduled_at.weekday() in (1, 2, 3) and 9 <= asset.scheduled_at.hour < 11


def test_one_post_a_day_per_channel_unless_its_cadence_says_more():
    """Over 2 weekdays X (3 a day) posts 6 times, 3 a day at different times; LinkedIn never twice a day."""
    # given
    brief = _brief(channels=("x", "linkedin"), timeline={"launch": dt.date(2027, 1, 12), "end": dt.date(2027, 1, 13)})
    strategy = make_strategy(brief)
    assert asset_cap("x") >= 6
    # then
    x_days = Counter(a.scheduled_at.date() for a in strategy.planned_for("x"))
    assert len(strategy.planned_for("x")) == 6 and set(x_days.values()) == {3}
    assert len({a.scheduled_at for a in strategy.planned_for("x")}) == 6
    linkedin_days = Counter(a.scheduled_at.date() for a in strategy.planned_for("linkedin"))
    assert linkedin_days and max(linkedin_days.values()) == 1
    longer = make_strategy(_brief(channels=("instagram", "facebook", "email")))
    for plan in longer.channel_plans:
        assert max(Counter(a.scheduled_at.date() for a in longer.planned_for(plan.channel)).values()) == 1


def test_a_hashtag_naming_a_weekday_puts_the_hashtag_channels_on_that_weekday():
    """#SourdoughSaturday: LinkedIn (weekdays otherwise) posts on Saturdays; e-mail (no hashtags) never does."""
    # given
    brief = _brief(
        channels=("linkedin", "email"),
        product={"kind": "software"},
        brand={"hashtags": ("#CrumbAndKettle", "#SourdoughSaturday")},
    )
    plain = _brief(channels=("linkedin", "email"), product={"kind": "software"})
    # when
    strategy, without = make_strategy(brief), make_strategy(plain)
    # then
    saturdays = [a for a in strategy.planned_for("linkedin") if a.scheduled_at.weekday() == 5]
    assert len(saturdays) >= 3
    assert not [a for a in without.planned_for("linkedin") if a.scheduled_at.weekday() == 5]
    assert not [a for a in strategy.planned_for("email") if a.scheduled_at.weekday() == 5]


def test_each_key_date_gets_an_asset_on_the_channels_that_fit_and_a_milestone():
    """Social and e-mail mark the key date (occasion = its label, on that day); the search ad does not.
    Launch is timeline.launch, kick-off the start; a key date before launch gets a milestone, no asset."""
    # given
    key_dates = (
        KeyDate(date=dt.date(2027, 1, 7), label="Preview night"),  # before launch
        KeyDate(date=dt.date(2027, 2, 6), label="Open house"),
        KeyDate(date=dt.date(2027, 2, 14), label="Valentine's Day"),
    )
    brief = _brief(channels=("instagram", "email", "google_ads"), timeline={"key_dates": key_dates})
    # when
    strategy = make_strategy(brief)
    # then
    for channel in ("instagram", "email"):
        marked = {(a.scheduled_at.date(), a.occasion) for a in strategy.planned_for(channel) if a.occasion}
        assert marked == {(dt.date(2027, 2, 6), "Open house"), (dt.date(2027, 2, 14), "Valentine's Day")}
    assert not [a for a in strategy.planned_for("google_ads") if a.occasion]
    milestones = {m.name: m.date for m in strategy.milestones}
    assert milestones["Kick-off"] == brief.timeline.start
    assert milestones["Launch"] == LAUNCH
    assert milestones["Open house"] == dt.date(2027, 2, 6)
    assert milestones["Preview night"] == dt.date(2027, 1, 7)
    assert [m.date for m in strategy.milestones] == sorted(m.date for m in strategy.milestones)


def test_no_asset_after_the_offer_expires_may_promote_it():
    # given
    expires = dt.date(2027, 2, 1)
    strategy = make_strategy(
        _brief(channels=("instagram", "email"), product={"offer": "10% off", "offer_expires": expires})
    )
    # then
    flags = {a.scheduled_at.date() <= expires for a in strategy.calendar}
    assert flags == {True, False}
    for asset in strategy.calendar:
        assert asset.offer == (asset.scheduled_at.date() <= expires)


def test_pillars_and_asset_types_rotate_by_slot_and_the_calendar_is_deterministic():
    # given
    brief = _brief(channels=("linkedin", "email"))
    strategy = make_strategy(brief)
    # then
    for plan in strategy.channel_plans:
        mine = strategy.planned_for(plan.channel)
        assert [a.slot for a in mine] == list(range(1, len(mine) + 1))
        keys = [p.key for p in strategy.pillars]
        assert [a.pillar for a in mine] == [keys[i % len(keys)] for i in range(len(mine))]
    assert make_strategy(brief).calendar == strategy.calendar


@pytest.mark.parametrize("zone", ["", "UTC", "Not/AZone"])
def test_without_a_known_zone_times_are_planned_in_utc(zone):
    strategy = make_strategy(_brief(timezone=zone))
    assert {a.scheduled_at.utcoffset() for a in strategy.calendar} == {dt.timedelta(0)}
