"""Contract: both strategy repositories behave the same (run once per persistence mode)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from kernel.errors import DuplicateError
from strategy.domain import KPI, Cadence, ChannelPlan, RevisionKind, RevisionRequest, StrategyStatus
from tests.factories import make_brief, make_strategy
from tests.paging import assert_pages


@pytest.fixture
def strategies(repo):
    return repo("strategy.documents")


def test_round_trip_keeps_unicode_nested_values_decimals_and_instants(strategies):
    """A stored strategy comes back equal: unicode, nested plans, exact decimals, instants in UTC."""
    # given
    tokyo = ZoneInfo("Asia/Tokyo")
    created = dt.datetime(2026, 11, 21, 20, 15, 3, 123456, tzinfo=tokyo)
    decided = dt.datetime(2026, 11, 22, 8, 0, tzinfo=ZoneInfo("Europe/Paris"))
    kpi = KPI(
        metric="portée ☕",
        target=Decimal("12345.67"),
        unit="€",
        timeframe_start=dt.date(2027, 1, 4),
        timeframe_end=dt.date(2027, 2, 28),
        goal_type="awareness",
        rationale="東京 and Zoë",
    )
    plan = ChannelPlan(
        channel="instagram",
        budget_share=Decimal("100.0"),
        tactics=("Visuels — crème", "Légendes ☕"),
        cadence=Cadence(posts=2, period="day"),
        asset_types=("instagram_caption",),
    )
    strategy = make_strategy(
        created_at=created,
        kpis=(kpi,),
        channel_plans=(plan,),
        executive_summary="Zoë Café ☕ — 東京",
        addressed_notes=("v1 rejected by ana: requests: drop X",),
        revision_requests=(RevisionRequest(RevisionKind.SHIFT_BUDGET, channel="linkedin", direction="towards"),),
        changes=("Budget shifted towards LinkedIn: 30% -> 45%",),
        unapplied_notes=("Too generic",),
        tone="more formal",
        status=StrategyStatus.APPROVED,
        decided_by="Zoë",
        decided_at=decided,
        decision_notes="Très bien",
        run_id=uuid.uuid4(),
        superseded_by=uuid.uuid4(),
        status_before_supersede="draft",
    )
    # when
    strategies.add(strategy)
    stored = strategies.get(strategy.id)
    # then
    assert stored == strategy
    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert stored.decided_at == decided
    assert stored.kpis[0].target == Decimal("12345.67")
    assert str(stored.channel_plans[0].budget_share) == "100.0"
    assert stored.channel_plans[0].cadence == Cadence(posts=2, period="day")


def test_save_is_an_idempotent_upsert(strategies):
    """Saving the same strategy twice leaves one row; saving a change replaces it."""
    # given
    strategy = strategies.add(make_strategy())
    # when
    strategies.save(strategy)
    strategies.save(strategy)
    changed = strategies.save(dataclasses.replace(strategy, status=StrategyStatus.REJECTED, decision_notes="less x"))
    # then
    assert [s.id for s in strategies.list()] == [strategy.id]
    assert strategies.get(strategy.id) == changed
    assert changed.status == StrategyStatus.REJECTED


def test_save_inserts_when_the_id_is_new(strategies):
    """save() is an upsert: a strategy never stored before is inserted."""
    # given
    strategy = make_strategy()
    # when
    strategies.save(strategy)
    # then
    assert strategies.get(strategy.id) == strategy


def test_a_taken_version_of_a_brief_is_a_duplicate(strategies):
    """One row per (brief, version): add and save raise DuplicateError in both modes."""
    # given
    brief = make_brief()
    first = strategies.add(make_strategy(brief, version=1))
    second = strategies.add(make_strategy(brief, version=2))
    # when / then
    with pytest.raises(DuplicateError):
        strategies.add(make_strategy(brief, version=1))
    with pytest.raises(DuplicateError):
        strategies.save(dataclasses.replace(second, version=1))
    with pytest.raises(DuplicateError):
        strategies.add(dataclasses.replace(make_strategy(brief, version=3), id=first.id))
    assert [(s.id, s.version) for s in strategies.list_for_brief(brief.id)] == [(first.id, 1), (second.id, 2)]


def test_same_version_of_different_briefs_is_fine(strategies):
    """The uniqueness is per brief: version 1 of two briefs can coexist."""
    # given / when
    strategies.add(make_strategy(version=1))
    strategies.add(make_strategy(version=1))
    # then
    assert len(strategies.list()) == 2


def test_versions_of_a_brief_come_oldest_first_and_latest_version_counts(strategies):
    """list_for_brief is in version order whatever the insert order; latest_version is 0 without rows."""
    # given
    brief, other = make_brief(), make_brief()
    for version in (3, 1, 2):
        strategies.add(make_strategy(brief, version=version))
    strategies.add(make_strategy(other, version=7))
    # when
    versions = strategies.list_for_brief(brief.id)
    # then
    assert [s.version for s in versions] == [1, 2, 3]
    assert {s.brief_id for s in versions} == {brief.id}
    assert strategies.latest_version(brief.id) == 3
    assert strategies.latest_version(other.id) == 7
    assert strategies.latest_version(uuid.uuid4()) == 0


def test_list_is_newest_first_ties_by_id_and_filters_by_status(strategies):
    """list() orders by created_at descending, then id, and filters by status."""
    # given
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    old = strategies.add(make_strategy(created_at=base))
    tie_ids = sorted([uuid.uuid4(), uuid.uuid4()], key=str)
    for tie_id in reversed(tie_ids):
        strategies.add(make_strategy(id=tie_id, created_at=base + dt.timedelta(days=1)))
    strategies.save(dataclasses.replace(old, status=StrategyStatus.APPROVED))
    # when
    listed = strategies.list()
    # then
    assert [s.id for s in listed] == [*tie_ids, old.id]
    assert [s.id for s in strategies.list(status=StrategyStatus.APPROVED)] == [old.id]
    assert [s.id for s in strategies.list(status=StrategyStatus.DRAFT)] == tie_ids
    assert strategies.list(status=StrategyStatus.SUPERSEDED) == []


def test_lists_are_paged_and_counted_by_the_store(strategies):
    """Pages cover the newest-first list and a brief's oldest-first versions alike; count agrees."""
    brief_id = uuid.uuid4()
    base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for version in range(1, 5):
        strategies.add(make_strategy(brief_id=brief_id, version=version, created_at=base + dt.timedelta(days=version)))
    strategies.add(make_strategy(created_at=base))
    assert len(assert_pages(lambda **page: strategies.list(**page), strategies.count)) == 5
    versions = assert_pages(
        lambda **page: strategies.list(brief_id=brief_id, **page), lambda: strategies.count(brief_id=brief_id)
    )
    assert [s.version for s in versions] == [1, 2, 3, 4]
    assert strategies.count(status=StrategyStatus.APPROVED) == 0


def test_missing_ids_give_none_or_false(strategies):
    """Reads and deletes of an unknown id give None / False / empty, never an error."""
    assert strategies.get(uuid.uuid4()) is None
    assert strategies.delete(uuid.uuid4()) is False
    assert strategies.list_for_brief(uuid.uuid4()) == []


def test_delete_removes_the_row_and_frees_its_version(strategies):
    """After a delete the row is gone and its (brief, version) can be used again."""
    # given
    brief = make_brief()
    strategy = strategies.add(make_strategy(brief, version=1))
    # when
    deleted = strategies.delete(strategy.id)
    # then
    assert deleted is True
    assert strategies.get(strategy.id) is None
    assert strategies.latest_version(brief.id) == 0
    assert strategies.add(make_strategy(brief, version=1)).version == 1


def test_reads_hand_out_copies(strategies):
    """Mutating what was read does not reach the store."""
    # given
    strategy = strategies.add(make_strategy())
    first = strategies.get(strategy.id)
    # when
    object.__setattr__(first, "executive_summary", "tampered")
    object.__setattr__(first, "channel_plans", ())
    # then
    assert strategies.get(strategy.id) == strategy
    assert strategies.list()[0].channel_plans == strategy.channel_plans
    assert strategies.get(strategy.id) is not strategies.get(strategy.id)


def test_atomic_block_keeps_all_or_nothing(strategies):
    """A failure inside atomic() leaves no change behind; a success keeps every change."""
    # given
    brief = make_brief()
    kept = strategies.add(make_strategy(brief, version=1))

    def supersede_add_then_fail():
        with strategies.atomic():
            strategies.save(dataclasses.replace(kept, status=StrategyStatus.SUPERSEDED))
            strategies.add(make_strategy(brief, version=2))
            raise RuntimeError("boom")

    # when
    with pytest.raises(RuntimeError):
        supersede_add_then_fail()
    with strategies.atomic():
        strategies.add(make_strategy(brief, version=3))
    # then
    assert [(s.version, s.status) for s in strategies.list_for_brief(brief.id)] == [
        (1, StrategyStatus.DRAFT),
        (3, StrategyStatus.DRAFT),
    ]
