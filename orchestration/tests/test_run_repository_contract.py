"""Contract: both run repositories behave the same (run once per persistence mode)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from kernel import clock
from kernel.errors import DuplicateError
from orchestration.domain import Advance, RunStatus, StepError, StepKind, StepRecord, StepStatus, WorkflowRun
from tests.paging import assert_pages

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def runs(repo):
    return repo("orchestration.runs")


def make_run(**overrides) -> WorkflowRun:
    now = clock.now()
    values = {
        "id": uuid.uuid4(),
        "status": RunStatus.PENDING,
        "definition": "client_delivery",
        "definition_version": 1,
        "options": {"require_approval": True, "labels": ["Zoë", "東京"]},
        "input": {"intake": {"client": {"name": "Zoë ☕"}}, "source": "test"},
        "created_at": now,
        "updated_at": now,
    }
    values.update(overrides)
    return WorkflowRun(**values)


def make_step(run: WorkflowRun, seq: int, **overrides) -> StepRecord:
    values = {
        "id": uuid.uuid4(),
        "run_id": run.id,
        "seq": seq,
        "name": f"step-{seq}",
        "kind": StepKind.FORWARD,
        "status": StepStatus.COMPLETED,
        "attempt": 1,
        "started_at": clock.now(),
        "finished_at": clock.now(),
        "output": {"ids": [str(uuid.uuid4())], "nested": {"ü": 1.5}},
    }
    values.update(overrides)
    return StepRecord(**values)


def test_round_trip_keeps_nested_json_unicode_errors_and_instants(runs):
    started = dt.datetime(2027, 1, 5, 9, 30, 15, 250000, tzinfo=TOKYO)
    run = make_run(
        started_at=started,
        error=StepError(step="hand_over", type="WebhookFailed", message="connexion refusée"),
        brief_id=uuid.uuid4(),
    )
    runs.create(run)
    stored = runs.get(run.id)
    assert stored == run
    assert stored.started_at.utcoffset() == dt.timedelta(0)
    step = make_step(run, 1, error=StepError(step="step-1", type="X", message="✗"), status=StepStatus.FAILED)
    runs.add_step(step)
    assert runs.steps(run.id) == [step]


def test_save_is_an_idempotent_upsert(runs):
    run = runs.create(make_run())
    changed = dataclasses.replace(run, status=RunStatus.RUNNING, current_step="generate_strategy")
    runs.save(changed)
    runs.save(changed)
    assert runs.list() == [changed]


def test_idempotency_key_and_step_attempts_are_unique(runs):
    runs.create(make_run(idempotency_key="req-1"))
    with pytest.raises(DuplicateError):
        runs.create(make_run(idempotency_key="req-1"))
    run = runs.create(make_run())
    runs.add_step(make_step(run, 1, name="a"))
    with pytest.raises(DuplicateError):
        runs.add_step(make_step(run, 2, name="a"))  # same name, kind and attempt
    with pytest.raises(DuplicateError):
        runs.add_step(make_step(run, 1, name="b"))  # same sequence number
    assert [s.name for s in runs.steps(run.id)] == ["a"]
    assert runs.get_by_idempotency_key("req-1").idempotency_key == "req-1"


def test_lists_are_newest_first_and_filter(runs):
    base = clock.now()
    brief = uuid.uuid4()
    made = [
        runs.create(make_run(created_at=base + dt.timedelta(seconds=i), brief_id=brief if i else None))
        for i in range(3)
    ]
    runs.save(dataclasses.replace(made[1], status=RunStatus.COMPLETED))
    assert [r.id for r in runs.list()] == [made[2].id, made[1].id, made[0].id]
    assert [r.id for r in runs.list(status=RunStatus.COMPLETED)] == [made[1].id]
    assert [r.id for r in runs.list(brief_id=brief)] == [made[2].id, made[1].id]


def test_lists_are_paged_and_counted_by_the_store(runs):
    base = clock.now()
    brief = uuid.uuid4()
    for i in range(5):
        runs.create(make_run(created_at=base + dt.timedelta(seconds=i % 2), brief_id=brief if i % 2 else None))
    assert len(assert_pages(lambda **page: runs.list(**page), runs.count)) == 5
    mine = assert_pages(lambda **page: runs.list(brief_id=brief, **page), lambda: runs.count(brief_id=brief))
    assert len(mine) == 2
    assert runs.count(status=RunStatus.COMPLETED) == 0


def test_steps_come_back_in_sequence_order(runs):
    run = runs.create(make_run())
    for seq in (3, 1, 2):
        runs.add_step(make_step(run, seq))
    assert [s.seq for s in runs.steps(run.id)] == [1, 2, 3]
    assert runs.steps_for_runs([run.id, uuid.uuid4()])[run.id] == runs.steps(run.id)


def test_missing_ids_give_none_or_nothing(runs):
    missing = uuid.uuid4()
    assert runs.get(missing) is None
    assert runs.get_by_idempotency_key("nope") is None
    assert runs.steps(missing) == []
    assert runs.claim(missing, worker="w", now=clock.now(), lease=dt.timedelta(seconds=5)) is None


def test_reads_change_nothing_and_hand_out_copies(runs):
    run = runs.create(make_run())
    read = runs.get(run.id)
    read.options["require_approval"] = False
    read.input["intake"]["client"]["name"] = "changed"
    assert runs.get(run.id) == run
    assert runs.list()[0].updated_at == run.updated_at


def test_claims_are_exclusive_until_the_lease_expires(runs):
    run = runs.create(make_run())
    now = clock.now()
    lease = dt.timedelta(seconds=30)
    assert runs.claim(run.id, worker="w1", now=now, lease=lease).claimed_by == "w1"
    assert runs.claim(run.id, worker="w2", now=now + dt.timedelta(seconds=10), lease=lease) is None
    assert runs.claim(run.id, worker="w1", now=now + dt.timedelta(seconds=10), lease=lease) is not None
    assert runs.stale(now=now + dt.timedelta(seconds=20)) == []
    later = now + dt.timedelta(seconds=41)
    assert [r.id for r in runs.stale(now=later)] == [run.id]
    taken = runs.claim(run.id, worker="w2", now=later, lease=lease)
    assert taken.claimed_by == "w2"
    moved = dataclasses.replace(taken, current_step="x")
    assert runs.advance(moved, worker="w1", fields=["current_step"]) is Advance.CLAIM_LOST
    assert runs.get(run.id).current_step == ""
    assert runs.advance(moved, worker="w2", fields=["current_step"]) is Advance.WRITTEN
    assert runs.get(run.id).current_step == "x"


def test_advance_writes_the_step_with_the_run_and_reports_a_cancel_request(runs):
    """The saga's fenced write stores the step and the run together, and never clears a cancel request."""
    run = runs.create(make_run())
    claimed = runs.claim(run.id, worker="w1", now=clock.now(), lease=dt.timedelta(seconds=30))
    step = make_step(run, 1)
    assert runs.advance(dataclasses.replace(claimed, current_step="step-1"), worker="w1", step=step) is Advance.WRITTEN
    assert runs.steps(run.id) == [step]
    assert runs.request_cancel(run.id, now=clock.now()) is True
    outcome = runs.advance(dataclasses.replace(claimed, current_step="step-2"), worker="w1", fields=["current_step"])
    assert outcome is Advance.CANCEL_REQUESTED
    stored = runs.get(run.id)
    assert stored.cancel_requested is True
    assert stored.current_step == "step-2"


def test_request_cancel_writes_only_the_flag_and_skips_finished_runs(runs):
    run = runs.create(make_run(status=RunStatus.RUNNING, current_step="produce_drafts", claimed_by="w1"))
    assert runs.request_cancel(run.id, now=clock.now()) is True
    stored = runs.get(run.id)
    assert (stored.status, stored.current_step, stored.claimed_by, stored.cancel_requested) == (
        RunStatus.RUNNING,
        "produce_drafts",
        "w1",
        True,
    )
    done = runs.create(make_run(status=RunStatus.COMPLETED))
    assert runs.request_cancel(done.id, now=clock.now()) is False
    assert runs.get(done.id).cancel_requested is False
    assert runs.request_cancel(uuid.uuid4(), now=clock.now()) is False


def test_finished_runs_cannot_be_claimed(runs):
    run = runs.create(make_run(status=RunStatus.COMPLETED))
    assert runs.claim(run.id, worker="w1", now=clock.now(), lease=dt.timedelta(seconds=5)) is None
