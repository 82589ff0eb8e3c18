"""The saga engine on its own: ordering, retries, compensation, waiting, claims and cancellation."""

from __future__ import annotations

import datetime as dt

import pytest

from config import registry
from kernel import clock
from orchestration import services
from orchestration.domain import RunStatus, StepKind, StepStatus
from orchestration.saga import SagaEngine
from orchestration.tests.workflows import GATES, LEDGER, LETTERS


@pytest.fixture
def runs(persistence, settings):
    settings.AICMO_WORKFLOWS = {"letters": "orchestration.tests.workflows.LETTERS"}
    settings.AICMO_RETRY_BACKOFF_SECONDS = 0
    from config import registry

    return registry.repository("orchestration.runs")


def start(runs, **input):
    run, created = services.run_create(runs=runs, input=input, definition="letters")
    assert created
    return run


def timeline(runs, run_id):
    return [(s.name, s.kind.value, s.status.value, s.attempt) for s in runs.steps(run_id)]


def test_happy_path_runs_every_step_once_in_order(runs):
    """Every step completes in order and the run completes, with its definition version recorded."""
    run = start(runs)
    done = services.run_execute(run_id=run.id)
    assert done.status == RunStatus.COMPLETED
    assert done.definition_version == 3
    assert LEDGER[str(run.id)] == list("abcde")
    assert [name for name, *_ in timeline(runs, run.id)] == list("abcde")
    assert done.claimed_by == "" and done.lease_expires_at is None
    assert done.finished_at is not None


def test_permanent_failure_compensates_finished_steps_in_reverse(runs):
    """A permanent error goes straight to compensation: no retry, finished steps undone in reverse."""
    run = start(runs, permanent_at="d")
    done = services.run_execute(run_id=run.id)
    assert done.status == RunStatus.COMPENSATED
    assert LEDGER[str(run.id)] == ["a", "b", "c", "undo c", "undo b", "undo a"]
    assert done.error.step == "d"
    assert done.error.type == "PermanentStepError"
    assert ("d", "forward", "failed", 1) in timeline(runs, run.id)
    assert not any(name == "d" and attempt == 2 for name, _, _, attempt in timeline(runs, run.id))


def test_transient_failure_is_retried_then_succeeds(runs):
    """A transient error is retried (recorded as attempt 1 failed, attempt 2 completed)."""
    run = start(runs, transient_at="b", transient_times=1)
    done = services.run_execute(run_id=run.id)
    assert done.status == RunStatus.COMPLETED
    assert timeline(runs, run.id)[1:3] == [("b", "forward", "failed", 1), ("b", "forward", "completed", 2)]
    assert LEDGER[str(run.id)] == list("abcde")


def test_transient_failure_that_persists_is_compensated_after_bounded_attempts(runs, settings):
    settings.AICMO_STEP_MAX_ATTEMPTS = 3
    run = start(runs, transient_at="c", transient_times=99)
    done = services.run_execute(run_id=run.id)
    assert done.status == RunStatus.COMPENSATED
    attempts = [a for name, kind, status, a in timeline(runs, run.id) if name == "c" and kind == "forward"]
    assert attempts == [1, 2, 3]
    assert LEDGER[str(run.id)][-2:] == ["undo b", "undo a"]


def test_failing_compensation_ends_in_compensation_failed_and_others_still_run(runs, settings):
    """A compensation that keeps failing is retried a bounded number of times; the rest still run."""
    settings.AICMO_COMPENSATION_MAX_ATTEMPTS = 2
    run = start(runs, permanent_at="d", compensation_fails_at="b")
    done = services.run_execute(run_id=run.id)
    assert done.status == RunStatus.COMPENSATION_FAILED
    assert done.error.step == "b"
    assert "compensation of b failed" in done.error.message
    assert "cannot undo b" in done.error.message
    assert LEDGER[str(run.id)] == ["a", "b", "c", "undo c", "undo a"]
    b_undo = [(s, a) for name, kind, s, a in timeline(runs, run.id) if name == "b" and kind == "compensation"]
    assert b_undo == [("failed", 1), ("failed", 2)]
    assert done.claimed_by == ""


def test_operator_retry_finishes_a_failed_compensation(runs, settings):
    """Retrying runs only the compensations not yet done."""
    settings.AICMO_COMPENSATION_MAX_ATTEMPTS = 2
    run = start(runs, permanent_at="d", compensation_fails_at="b", compensation_fail_times=2)
    assert services.run_execute(run_id=run.id).status == RunStatus.COMPENSATION_FAILED
    done = services.run_retry_compensation(run_id=run.id, runs=runs)
    assert done.status == RunStatus.COMPENSATED
    assert LEDGER[str(run.id)] == ["a", "b", "c", "undo c", "undo a", "undo b"]


def test_waiting_step_releases_the_run_and_resume_continues(runs):
    """A step that waits leaves the run waiting (unclaimed); resuming after the gate opens finishes it."""
    run = start(runs, wait_at="c")
    waiting = services.run_execute(run_id=run.id)
    assert waiting.status == RunStatus.WAITING_APPROVAL
    assert waiting.current_step == "c"
    assert waiting.claimed_by == ""
    assert services.run_resume(run_id=run.id, runs=runs).status == RunStatus.WAITING_APPROVAL
    GATES.add(str(run.id))
    done = services.run_resume(run_id=run.id, runs=runs)
    assert done.status == RunStatus.COMPLETED
    assert LEDGER[str(run.id)] == list("abcde")
    statuses = [(name, status) for name, _, status, _ in timeline(runs, run.id) if name == "c"]
    assert statuses == [("c", "waiting"), ("c", "waiting"), ("c", "completed")]


def test_a_claimed_run_is_not_taken_until_its_lease_expires(runs):
    """A live claim keeps other workers out; an expired one is taken over and resumes where it stopped."""
    run = start(runs, wait_at="c")
    engine = SagaEngine(
        runs=runs, definitions={"letters": LETTERS}, uow=registry.unit_of_work(), worker="w1", lease_seconds=60
    )
    now = clock.now()
    assert runs.claim(run.id, worker="w1", now=now, lease=dt.timedelta(seconds=60)) is not None
    other = SagaEngine(runs=runs, definitions={"letters": LETTERS}, uow=registry.unit_of_work(), worker="w2")
    assert other.execute(run.id).status == RunStatus.PENDING
    assert LEDGER[str(run.id)] == []
    # w1 runs two steps then "dies" holding the claim: simulate by an expired lease.
    GATES.add(str(run.id))
    assert runs.claim(run.id, worker="w2", now=now + dt.timedelta(seconds=61), lease=dt.timedelta(seconds=60))
    assert engine.execute(run.id).status == RunStatus.PENDING  # w1's claim is gone
    done = other.execute(run.id)
    assert done.status == RunStatus.COMPLETED
    assert LEDGER[str(run.id)] == list("abcde")


def test_stale_runs_are_listed_and_resumed(runs):
    """A run whose worker died mid-way is found as stale and resumed without redoing finished steps."""
    run = start(runs, wait_at="c")
    services.run_execute(run_id=run.id)  # a, b done; waiting at c
    GATES.add(str(run.id))
    past = clock.now() - dt.timedelta(minutes=5)
    assert runs.claim(run.id, worker="dead-worker", now=past, lease=dt.timedelta(seconds=1))
    stale = runs.stale(now=clock.now())
    assert [r.id for r in stale] == [run.id]
    [done] = services.runs_resume_stale(runs=runs)
    assert done.status == RunStatus.COMPLETED
    assert LEDGER[str(run.id)] == list("abcde")


def test_cancel_a_waiting_run_compensates_what_it_finished(runs):
    run = start(runs, wait_at="d")
    services.run_execute(run_id=run.id)
    done = services.run_cancel(run_id=run.id, runs=runs)
    assert done.status == RunStatus.CANCELLED
    assert LEDGER[str(run.id)] == ["a", "b", "c", "undo c", "undo b", "undo a"]
    assert services.run_cancel(run_id=run.id, runs=runs).status == RunStatus.CANCELLED


def test_idempotency_key_returns_the_same_run(runs):
    first, created = services.run_create(runs=runs, input={}, definition="letters", idempotency_key="k-1")
    again, created_again = services.run_create(runs=runs, input={}, definition="letters", idempotency_key="k-1")
    assert created and not created_again
    assert again.id == first.id
    assert len(runs.list()) == 1


def test_steps_record_kind_status_times_and_outputs(runs):
    run = start(runs, permanent_at="b")
    services.run_execute(run_id=run.id)
    steps = runs.steps(run.id)
    assert [s.seq for s in steps] == list(range(1, len(steps) + 1))
    undo = [s for s in steps if s.kind == StepKind.COMPENSATION]
    assert [s.name for s in undo] == ["a"]
    assert undo[0].status == StepStatus.COMPLETED
    assert undo[0].output == {"undid": "a"}
    assert all(s.finished_at >= s.started_at for s in steps)
    assert steps[1].error.message == "b cannot go on: the input forbids it"


def test_cancel_of_a_run_a_live_worker_holds_flags_it_and_that_worker_compensates(runs):
    """Cancelling leaves a claimed run's state to its worker; the worker sees the flag at its next step."""
    run = start(runs, wait_at="c")
    services.run_execute(run_id=run.id)  # a, b done; waiting at c
    GATES.add(str(run.id))
    assert runs.claim(run.id, worker="live", now=clock.now(), lease=dt.timedelta(minutes=5))
    flagged = services.run_cancel(run_id=run.id, runs=runs)
    assert flagged.status == RunStatus.WAITING_APPROVAL
    assert flagged.cancel_requested is True
    assert flagged.claimed_by == "live"
    assert LEDGER[str(run.id)] == ["a", "b"]
    done = SagaEngine(runs=runs, definitions={"letters": LETTERS}, uow=registry.unit_of_work(), worker="live").execute(
        run.id
    )
    assert done.status == RunStatus.CANCELLED
    assert LEDGER[str(run.id)] == ["a", "b", "undo b", "undo a"]
