"""End to end: a brief in America/Chicago (launch a week after kick-off, two key dates, an offer that
ends mid-campaign, a DST change in March) through the whole workflow. In calendar.csv, calendar.ics
and the content files every time is local with the right offset and inside its channel's window;
nothing goes out before launch; each key date has an asset on every channel that fits; no asset
after the offer ends mentions it; each channel delivers the number its plan states."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
import zoneinfo
from collections import Counter
from pathlib import Path

import icalendar
from django.core.management import call_command

from strategy.calendar import asset_cap, by_cadence, calendar_data, window_for
from strategy.rules import calendar_inputs
from tests.factories import example_brief, make_strategy

BRIEF = Path(__file__).resolve().parent / "briefs" / "chicago-calendar.json"
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
LAUNCH = dt.date(2027, 3, 1)
END = dt.date(2027, 5, 23)
OFFER_ENDS = dt.date(2027, 4, 9)
KEY_DATES = {dt.date(2027, 3, 13): "Chicago Coffee Festival", dt.date(2027, 4, 17): "Roastery open house"}
CST, CDT = "-06:00", "-05:00"  # DST starts on Sunday 2027-03-14
OFFER_WORDS = ("first bag is free", "april 10", "ends april 9")


def _run(tmp_path, settings, capsys) -> dict[str, bytes]:
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("run_workflow", str(BRIEF), "--persistence", "memory", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "completed", result
    with zipfile.ZipFile(result["package"]) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _window_hours(channel: str, day: dt.date, occasion: str) -> tuple[int, int]:
    brief = example_brief(BRIEF)
    inputs = calendar_inputs(brief)
    extra = inputs.hashtag_weekdays if channel in calendar_data()["hashtag_channels"] else frozenset()
    window = window_for(channel, inputs.audience_type, extra)
    assert day.weekday() in window.hours or occasion, (channel, day, "outside the window's weekdays")
    return window.hours_on(day)


def test_a_chicago_brief_keeps_the_plan_in_csv_ics_and_content(tmp_path, settings, capsys):
    # given
    brief = example_brief(BRIEF)
    strategy = make_strategy(brief)
    # when
    files = _run(tmp_path, settings, capsys)
    rows = list(csv.DictReader(io.StringIO(files["calendar.csv"].decode("utf-8"), newline="")))
    contents = {
        name: json.loads(data) for name, data in files.items() if name.startswith("content/") and name.endswith(".json")
    }
    # then: one row per asset, in the client's zone with its offset, inside the channel's window
    assert len(rows) == len(contents) == len(strategy.calendar)
    offsets = Counter()
    for row in rows:
        when = dt.datetime.fromisoformat(row["datetime"])
        assert row["timezone"] == "America/Chicago"
        assert row["datetime"].endswith(CST if when.date() < dt.date(2027, 3, 14) else CDT), row["datetime"]
        assert when.utcoffset() == when.astimezone(CHICAGO).utcoffset()
        offsets[row["datetime"][-6:]] += 1
        assert LAUNCH <= when.date() <= END, row["datetime"]
    assert offsets[CST] and offsets[CDT], "the campaign crosses the DST change"
    for asset in contents.values():
        when = dt.datetime.fromisoformat(asset["scheduled_at"])
        assert when.tzinfo is not None and when.utcoffset() == when.astimezone(CHICAGO).utcoffset()
        start, end = _window_hours(asset["channel"], when.date(), asset["occasion"])
        assert start <= when.hour < end, (asset["key"], asset["scheduled_at"])
    assert sorted(r["datetime"] for r in rows) == sorted(a["scheduled_at"] for a in contents.values())

    # and: calendar.ics carries the same local times as DTSTART;TZID=America/Chicago, with its VTIMEZONE
    calendar = icalendar.Calendar.from_ical(files["calendar.ics"])
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/Chicago"
    assert {(c.name, c["TZOFFSETTO"].to_ical()) for c in zone.subcomponents} >= {
        ("STANDARD", "-0600"),
        ("DAYLIGHT", "-0500"),
    }
    timed = [e for e in calendar.walk("VEVENT") if e["DTSTART"].params.get("VALUE") != "DATE"]
    assert {e["DTSTART"].params["TZID"] for e in timed} == {"America/Chicago"}
    ics_times = sorted(e.decoded("DTSTART").isoformat() for e in timed)
    assert ics_times == sorted(r["datetime"] for r in rows)
    assert b"DTSTART;TZID=America/Chicago:20270301T" in files["calendar.ics"]  # launch day, local clock

    # and: each channel delivers what its plan states: cadence x active weeks, or the cap with its note
    delivered = Counter(a["channel"] for a in contents.values())
    days = (END - LAUNCH).days + 1
    for plan in strategy.channel_plans:
        assert delivered[plan.channel] == plan.assets_planned, plan.channel
        asked = by_cadence(plan, days)
        if asked > asset_cap(plan.channel):
            assert plan.assets_planned == asset_cap(plan.channel)
            assert f"would be {asked}; this plan produces {plan.assets_planned} (production cap)" in plan.cap_note
        else:
            assert plan.assets_planned == asked and plan.cap_note == ""
    [x_plan] = [p for p in strategy.channel_plans if p.channel == "x"]
    assert x_plan.cap_note.startswith(
        "X: 3 posts a day over 84 days (from launch on March 1, 2027 to May 23, 2027) would be 252"
    )

    # and: no channel posts twice on one day unless its cadence is several a day
    for channel in delivered:
        mine = [dt.datetime.fromisoformat(a["scheduled_at"]) for a in contents.values() if a["channel"] == channel]
        assert max(Counter(when.date() for when in mine).values()) == 1, channel

    # and: each key date has an asset on each channel that fits, written for it; the search ad has none
    for day, label in KEY_DATES.items():
        marked = {
            a["channel"]
            for a in contents.values()
            if a["occasion"] == label and dt.datetime.fromisoformat(a["scheduled_at"]).date() == day
        }
        assert marked == {"linkedin", "instagram", "email", "x"}, (label, marked)
    milestones = {m.name: m.date for m in strategy.milestones}
    assert milestones["Launch"] == LAUNCH and milestones["Kick-off"] == dt.date(2027, 2, 22)
    assert all(milestones[label] == day for day, label in KEY_DATES.items())

    # and: nothing after the offer ends mentions it; assets before it may (and some do)
    before = after = 0
    for asset in contents.values():
        text = json.dumps([asset["title"], asset["body"], asset["fields"]], ensure_ascii=False).casefold()
        if dt.datetime.fromisoformat(asset["scheduled_at"]).date() > OFFER_ENDS:
            after += 1
            assert not any(word in text for word in OFFER_WORDS), asset["key"]
        else:
            before += any(word in text for word in OFFER_WORDS)
    assert after and before
    report = json.loads(files["qc_report.json"])
    assert not [i for a in report["assets"] for i in a["issues"] if i["rule_id"] == "offer.expired"]
