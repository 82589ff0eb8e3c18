"""Contract: both brief repositories behave the same (run once per persistence mode)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from kernel.errors import DuplicateError
from onboarding.domain import BriefStatus, Goal
from tests.factories import make_brief, make_intake


@pytest.fixture
def briefs(repo):
    return repo("onboarding.briefs")


def test_round_trip_keeps_unicode_nested_values_and_instants(briefs):
    """A stored brief comes back equal, including unicode, decimals, nested tuples and time zones."""
    # given
    paris = ZoneInfo("Europe/Paris")
    created = dt.datetime(2026, 11, 21, 20, 15, 3, 123456, tzinfo=paris)
    intake = make_intake(payload='{"name": "Zoë ☕ 東京"}')
    brief = make_brief(intake, created_at=created, updated_at=created)
    # when
    briefs.add(intake=intake, brief=brief)
    stored = briefs.get(brief.id)
    # then
    assert stored == brief
    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert stored.created_at == created
    assert stored.brand.preferred_terms[0].use == "use"
    assert briefs.get_intake(intake.id).payload == '{"name": "Zoë ☕ 東京"}'


def test_save_is_an_idempotent_upsert(briefs):
    """Saving the same brief twice leaves one brief; saving a change replaces it."""
    intake = make_intake()
    brief = briefs.add(intake=intake, brief=make_brief(intake))
    briefs.save(brief)
    briefs.save(brief)
    changed = briefs.save(dataclasses.replace(brief, goals=(Goal(type="leads", description="200 demos"),)))
    assert [b.id for b in briefs.list()] == [brief.id]
    assert briefs.get(brief.id) == changed
    assert changed.goals[0].type == "leads"


def test_second_brief_for_one_intake_is_a_duplicate(briefs):
    """One intake normalizes to one brief; a second raises the same domain error in both modes."""
    intake = make_intake()
    briefs.add(intake=intake, brief=make_brief(intake))
    with pytest.raises(DuplicateError):
        briefs.add(intake=intake, brief=make_brief(intake))
    assert len(briefs.list()) == 1


def test_list_is_newest_first_and_filters(briefs):
    """Lists come back newest first, ties by id, and filter by status and client."""
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    made = []
    for i, name in enumerate(["A", "B", "C"]):
        intake = make_intake()
        made.append(
            briefs.add(
                intake=intake,
                brief=make_brief(
                    intake,
                    client=dataclasses.replace(make_brief().client, name=name),
                    created_at=base + dt.timedelta(days=i),
                ),
            )
        )
    briefs.set_status(made[0].id, BriefStatus.DELIVERED)
    assert [b.client.name for b in briefs.list()] == ["C", "B", "A"]
    assert [b.client.name for b in briefs.list(status=BriefStatus.DELIVERED)] == ["A"]
    assert [b.client.name for b in briefs.list(client_name="B")] == ["B"]


def test_missing_ids_give_none(briefs):
    assert briefs.get(uuid.uuid4()) is None
    assert briefs.get_intake(uuid.uuid4()) is None
    assert briefs.set_status(uuid.uuid4(), BriefStatus.ARCHIVED) is None
    assert briefs.delete(uuid.uuid4()) is False


def test_reads_change_nothing_and_hand_out_copies(briefs):
    """Reading twice gives equal objects; mutating what was read does not reach the store."""
    intake = make_intake()
    brief = briefs.add(intake=intake, brief=make_brief(intake))
    first = briefs.get(brief.id)
    second = briefs.get(brief.id)
    assert first == second
    assert first is not second
    object.__setattr__(first, "channels", ("x",))
    assert briefs.get(brief.id).channels == brief.channels
    assert briefs.list()[0].updated_at == brief.updated_at


def test_delete_removes_brief_and_intake(briefs):
    intake = make_intake()
    brief = briefs.add(intake=intake, brief=make_brief(intake))
    assert briefs.delete(brief.id) is True
    assert briefs.get(brief.id) is None
    assert briefs.get_intake(intake.id) is None
    assert briefs.list() == []


def test_find_by_fingerprint_returns_the_newest_brief_that_is_not_archived(briefs):
    """Equal content is found by its fingerprint; archived briefs and other content are not."""
    # given
    older = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    newer = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    first, second, other, archived = make_intake(), make_intake(), make_intake(), make_intake()
    briefs.add(intake=first, brief=make_brief(first, fingerprint="f" * 64, created_at=older, updated_at=older))
    latest = briefs.add(
        intake=second, brief=make_brief(second, fingerprint="f" * 64, created_at=newer, updated_at=newer)
    )
    briefs.add(intake=other, brief=make_brief(other, fingerprint="e" * 64))
    briefs.add(
        intake=archived,
        brief=make_brief(archived, fingerprint="d" * 64, status=BriefStatus.ARCHIVED),
    )
    # then
    assert briefs.find_by_fingerprint("f" * 64) == latest
    assert briefs.find_by_fingerprint("d" * 64) is None
    assert briefs.find_by_fingerprint("0" * 64) is None


def test_every_typed_fact_round_trips(briefs):
    """Phone, time zone, kind, category, alternative, price, offer expiry, search terms, testimonials,
    launch, key dates and allowed phrases come back as stored, in both modes."""
    from onboarding.domain import Audience, Brand, Client, KeyDate, Product, Timeline

    intake = make_intake()
    brief = make_brief(
        intake,
        client=Client(name="Buckeye Rapid Plumbing", phone="(614) 555-0182", timezone="America/New_York"),
        product=Product(
            name="24/7 Emergency Plumbing",
            kind="local_service",
            category="emergency plumber",
            alternative="waiting until Monday",
            price="$89 call-out fee",
            offer_expires=dt.date(2027, 2, 15),
        ),
        audience=Audience(
            description="Columbus homeowners", search_terms=("emergency plumber columbus",), testimonials=("Fast.",)
        ),
        timeline=Timeline(
            start=dt.date(2027, 1, 4),
            end=dt.date(2027, 2, 28),
            launch=dt.date(2027, 1, 11),
            key_dates=(KeyDate(dt.date(2027, 1, 20), "Open day"),),
        ),
        brand=Brand(banned_terms=("luxury",), allowed_phrases=("Small Luxury Hotels of the World",)),
    )
    added = briefs.add(intake=intake, brief=brief)
    assert briefs.get(brief.id) == added
    assert added == dataclasses.replace(brief, created_at=added.created_at, updated_at=added.updated_at)
