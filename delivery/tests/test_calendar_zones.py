"""calendar.csv, calendar.ics and the content files show each time in the client's zone with its offset
(drafts keep UTC; rendering converts), across a daylight-saving change."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import uuid

import icalendar

from delivery import packaging
from tests.factories import make_brief, make_draft, make_strategy

UTC_TIMES = (
    dt.datetime(2027, 3, 12, 14, 30, tzinfo=dt.UTC),  # 08:30 CST, before the change
    dt.datetime(2027, 3, 16, 13, 30, tzinfo=dt.UTC),  # 08:30 CDT, after it (Sunday 2027-03-14)
)


def _inputs(zone: str):
    base = make_brief()
    brief = make_brief(client=dataclasses.replace(base.client, timezone=zone))
    drafts = [make_draft(slot=i + 1, scheduled_at=at) for i, at in enumerate(UTC_TIMES)]
    return packaging.PackageInputs(
        package_id=uuid.uuid4(),
        run_id=uuid.uuid4(),
        brief=brief,
        strategy=make_strategy(brief),
        drafts=drafts,
        qc_results=[],
        generated_at=dt.datetime(2027, 3, 1, tzinfo=dt.UTC),
        aicmo_version="test",
    )


def test_csv_times_carry_the_client_offset_across_the_dst_change():
    # given
    inputs = _inputs("America/Chicago")
    # when
    text = packaging.render_calendar_csv(inputs.drafts, {}, inputs.zone).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    # then
    assert [(r["datetime"], r["timezone"]) for r in rows] == [
        ("2027-03-12T08:30:00-06:00", "America/Chicago"),
        ("2027-03-16T08:30:00-05:00", "America/Chicago"),
    ]


def test_ics_uses_tzid_and_a_vtimezone_with_both_offsets():
    # given
    inputs = _inputs("America/Chicago")
    # when
    raw = packaging.render_calendar_ics(inputs)
    calendar = icalendar.Calendar.from_ical(raw)
    # then
    assert b"DTSTART;TZID=America/Chicago:20270312T083000" in raw
    assert b"DTSTART;TZID=America/Chicago:20270316T083000" in raw
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/Chicago"
    changes = {(c.name, c["TZOFFSETTO"].to_ical()) for c in zone.subcomponents}
    assert ("DAYLIGHT", "-0500") in changes and ("STANDARD", "-0600") in changes
    timed = [e for e in calendar.walk("VEVENT") if e["DTSTART"].params.get("VALUE") != "DATE"]
    assert sorted(e.decoded("DTSTART") for e in timed) == list(UTC_TIMES)  # the same instants


def test_content_files_show_the_local_time_and_utc_without_a_zone():
    # given
    chicago, utc = _inputs("America/Chicago"), _inputs("")
    draft = chicago.drafts[1]
    # when
    front = packaging.render_content(draft, None, chicago.zone)
    structured = packaging.render_structured(draft, None, chicago.zone)
    plain = packaging.render_structured(utc.drafts[1], None, utc.zone)
    raw = packaging.render_calendar_ics(utc)
    # then
    assert f"scheduled_at: {json.dumps('2027-03-16T08:30:00-05:00')}" in front
    assert (structured["scheduled_at"], structured["timezone"]) == ("2027-03-16T08:30:00-05:00", "America/Chicago")
    assert (plain["scheduled_at"], plain["timezone"]) == ("2027-03-16T13:30:00+00:00", "UTC")
    assert b"VTIMEZONE" not in raw and b"DTSTART:20270316T133000Z" in raw
