"""Contract: both draft repositories behave the same (run once per persistence mode)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from kernel.errors import DuplicateError
from tests.factories import make_draft, make_qc_result
from tests.paging import assert_pages

UTC = dt.UTC


@pytest.fixture
def drafts(repo):
    return repo("production.drafts")


def test_round_trip_keeps_unicode_structured_fields_and_instants(drafts):
    """A stored draft comes back equal: unicode text, nested fields, sources, fixes, instants in UTC."""
    # given
    paris = ZoneInfo("Europe/Paris")
    draft = make_draft(
        body="Zoë ☕ 東京 — fresh every morning",
        fields={"headlines": ["Fresh ☕", "Zero waste"], "nested": {"n": 3, "ok": True}},
        scheduled_at=dt.datetime(2027, 1, 4, 10, 0, tzinfo=paris),
        created_at=dt.datetime(2026, 11, 21, 20, 15, 3, 123456, tzinfo=paris),
        sources=("product.name", "brand.hashtags"),
        fixes=("trimmed body to 280",),
    )
    # when
    [saved] = drafts.save_many([draft])
    stored = drafts.get(draft.id)
    # then
    assert stored == draft
    assert saved == stored
    assert stored.scheduled_at.utcoffset() == dt.timedelta(0)
    assert stored.fields["nested"] == {"n": 3, "ok": True}


def test_missing_draft_is_none(drafts):
    """An unknown id gives None, not an error."""
    assert drafts.get(uuid.uuid4()) is None


def test_save_many_stamps_created_at_when_missing(drafts):
    """A draft saved without created_at gets an aware timestamp."""
    # given
    draft = make_draft(created_at=None)
    # when
    [saved] = drafts.save_many([draft])
    # then
    assert saved.created_at is not None
    assert saved.created_at.utcoffset() == dt.timedelta(0)


def test_save_many_is_an_idempotent_upsert_on_the_natural_key(drafts):
    """Re-saving a run's drafts with new ids keeps the stored ids and replaces the content."""
    # given
    run_id = uuid.uuid4()
    first = [make_draft(run_id=run_id, slot=slot) for slot in (1, 2, 3)]
    stored = drafts.save_many(first)
    # when
    retried = [dataclasses.replace(d, id=uuid.uuid4(), body=f"retry {d.slot}", created_at=None) for d in first]
    again = drafts.save_many(retried)
    # then
    assert [d.id for d in again] == [d.id for d in first]
    assert [d.created_at for d in again] == [d.created_at for d in stored]
    assert [d.body for d in drafts.list_for_run(run_id)] == ["retry 1", "retry 2", "retry 3"]
    assert len(drafts.list()) == 3


def test_save_many_mixes_new_and_existing_drafts(drafts):
    """One call may update existing keys and insert new ones; the result follows the input order."""
    # given
    run_id = uuid.uuid4()
    [existing] = drafts.save_many([make_draft(run_id=run_id, slot=1)])
    # when
    result = drafts.save_many(
        [make_draft(run_id=run_id, slot=2), dataclasses.replace(existing, id=uuid.uuid4(), title="changed")]
    )
    # then
    assert [d.slot for d in result] == [2, 1]
    assert result[1].id == existing.id
    assert drafts.get(existing.id).title == "changed"
    assert len(drafts.list_for_run(run_id)) == 2


def test_same_key_twice_in_one_save_is_a_duplicate(drafts):
    """A batch naming one natural key twice is refused and stores nothing."""
    # given
    run_id = uuid.uuid4()
    batch = [make_draft(run_id=run_id, slot=1), make_draft(run_id=run_id, slot=1)]
    # when / then
    with pytest.raises(DuplicateError):
        drafts.save_many(batch)
    assert drafts.list_for_run(run_id) == []


def test_id_stored_under_another_key_is_a_duplicate(drafts):
    """Reusing a stored draft's id for a different natural key raises DuplicateError in both modes."""
    # given
    [stored] = drafts.save_many([make_draft(slot=1)])
    # when / then
    with pytest.raises(DuplicateError):
        drafts.save_many([make_draft(id=stored.id, run_id=uuid.uuid4(), slot=1)])
    assert drafts.get(stored.id) == stored


def test_list_for_run_orders_by_schedule_then_channel_then_slot(drafts):
    """A run's drafts come back in calendar order, ties broken by channel and slot."""
    # given
    run_id = uuid.uuid4()
    monday = dt.datetime(2027, 1, 4, 9, tzinfo=UTC)
    tuesday = monday + dt.timedelta(days=1)
    drafts.save_many(
        [
            make_draft(run_id=run_id, channel="x", slot=1, scheduled_at=monday),
            make_draft(run_id=run_id, channel="email", slot=2, scheduled_at=monday),
            make_draft(run_id=run_id, channel="email", slot=3, scheduled_at=tuesday),
            make_draft(run_id=run_id, channel="email", slot=1, scheduled_at=monday),
        ]
    )
    drafts.save_many([make_draft(slot=1, scheduled_at=monday)])  # another run
    # when
    listed = drafts.list_for_run(run_id)
    # then
    assert [(d.scheduled_at, d.channel, d.slot) for d in listed] == [
        (monday, "email", 1),
        (monday, "email", 2),
        (monday, "x", 1),
        (tuesday, "email", 3),
    ]


def test_a_runs_drafts_are_paged_and_filtered_by_channel_and_qc_verdict(drafts, repo):
    """Pages of a run's drafts keep calendar order; channel and the QC verdict filter pages and counts."""
    # given
    run_id = uuid.uuid4()
    monday = dt.datetime(2027, 1, 4, 9, tzinfo=UTC)
    stored = drafts.save_many(
        [
            make_draft(run_id=run_id, channel=channel, slot=slot, scheduled_at=monday + dt.timedelta(hours=slot))
            for channel in ("x", "email")
            for slot in (1, 2, 3)
        ]
    )
    verdicts = {d.id: d.slot != 2 for d in stored}
    repo("production.qc").save_many([make_qc_result(d, passed=verdicts[d.id]) for d in stored])
    # when / then
    whole = assert_pages(lambda **page: drafts.list_for_run(run_id, **page), lambda: drafts.count_for_run(run_id))
    assert whole == drafts.list_for_run(run_id) and len(whole) == 6
    x = assert_pages(
        lambda **page: drafts.list_for_run(run_id, channel="x", **page),
        lambda: drafts.count_for_run(run_id, channel="x"),
    )
    assert {d.channel for d in x} == {"x"} and len(x) == 3
    passed = assert_pages(
        lambda **page: drafts.list_for_run(run_id, passed=True, **page),
        lambda: drafts.count_for_run(run_id, passed=True),
    )
    assert [d.id for d in passed] == [d.id for d in whole if verdicts[d.id]]
    assert drafts.count_for_run(run_id, channel="email", passed=False) == 1
    assert drafts.count_for_run(uuid.uuid4()) == 0


def test_list_filters_and_orders_newest_first(drafts):
    """list() filters by channel and brief and returns the newest drafts first."""
    # given
    brief_id = uuid.uuid4()
    base = dt.datetime(2026, 11, 1, tzinfo=UTC)
    old = make_draft(brief_id=brief_id, channel="x", created_at=base)
    new = make_draft(brief_id=brief_id, channel="x", created_at=base + dt.timedelta(hours=1))
    other_channel = make_draft(brief_id=brief_id, channel="email", created_at=base)
    other_brief = make_draft(channel="x", created_at=base)
    drafts.save_many([old, new, other_channel, other_brief])
    # when / then
    assert [d.id for d in drafts.list(channel="x", brief_id=brief_id)] == [new.id, old.id]
    assert {d.id for d in drafts.list(brief_id=brief_id)} == {old.id, new.id, other_channel.id}
    assert len(drafts.list()) == 4


def test_delete_for_run_takes_the_qc_results_and_is_idempotent(drafts, repo):
    """Deleting a run's drafts removes their QC results too, leaves other runs alone, and may repeat."""
    # given
    qc = repo("production.qc")
    run_id = uuid.uuid4()
    mine = drafts.save_many([make_draft(run_id=run_id, slot=1), make_draft(run_id=run_id, slot=2)])
    [other] = drafts.save_many([make_draft()])
    qc.save_many([make_qc_result(d) for d in [*mine, other]])
    # when
    deleted = drafts.delete_for_run(run_id)
    # then
    assert deleted == 2
    assert drafts.list_for_run(run_id) == []
    assert qc.get_for_draft(mine[0].id) is None
    assert qc.list_for_run(run_id) == []
    assert qc.get_for_draft(other.id) is not None
    assert drafts.delete_for_run(run_id) == 0


def test_stored_drafts_are_copies(drafts):
    """Mutating a returned draft's fields does not change what is stored."""
    # given
    [saved] = drafts.save_many([make_draft()])
    # when
    saved.fields["hashtags"].append("#Changed")
    # then
    assert drafts.get(saved.id).fields["hashtags"] == ["#ZoeCafe"]
