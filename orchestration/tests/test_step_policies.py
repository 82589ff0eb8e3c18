"""Step policies in the engine, in both persistence modes: heartbeats keep a long step's claim, every
write is fenced by the claim, a cancel stops a step at a safe point (never in the middle of blocking
I/O), time budgets, and failures that hold the run for an operator instead of undoing it."""

from __future__ import annotations

import pytest

from config import registry
from orchestration import services
from orchestration.domain import RunStatus, StepKind
from orchestration.saga import CANCELLED_DURING_STEP, SagaEngine
from orchestration.tests.workflows import INTRUDER, LEDGER, POLICIES

LEASE = 0.6


@pytest.fixture
def runs(persistence, settings):
    settings.AICMO_WORKFLOWS = {"policies": "orchestration.tests.workflows.POLICIES"}
    settings.AICMO_RETRY_BACKOFF_SECONDS = 0
    settings.AICMO_LEASE_SECONDS = LEASE
    settings.AICMO_HEARTBEAT_SECONDS = 0.1
    return registry.repository("orchestration.runs")


def start(runs, **work):
    run, _ = services.run_create(runs=runs, input={"work": work}, definition="policies")
    return run


def timeline(runs, run_id):
    return [(s.name, s.kind.value, s.status.value, s.attempt) for s in runs.steps(run_id)]


def test_a_step_longer_than_the_lease_keeps_its_claim_through_heartbeats(runs):
    """Two leases of work with a heartbeat every 0.2 s: an intruder is refused at the end, the run completes."""
    # given
    run = start(runs, b={"beats": 6, "beat_every": 0.2, "probe": True})
    # when
    done = services.run_execute(run_id=run.id)
    # then
    assert done.status == RunStatus.COMPLETED
    assert "intruder was refused b" in LEDGER[str(run.id)]
    assert [(name, status) for name, kind, status, _ in timeline(runs, run.id)] == [
        ("a", "completed"),
        ("b", "completed"),
        ("c", "completed"),
        ("d", "completed"),
    ]


def test_blocking_io_under_heartbeat_during_keeps_the_claim(runs):
    """One blocking call of two leases (`heartbeat.during`) does not let the claim lapse."""
    run = start(runs, b={"during": 2 * LEASE, "probe": True})
    done = services.run_execute(run_id=run.id)
    assert done.status == RunStatus.COMPLETED
    assert "intruder was refused b" in LEDGER[str(run.id)]


def test_a_worker_that_lost_its_claim_stops_cleanly_without_writing(runs):
    """A step that sleeps past its lease with no heartbeat loses the run to another worker: at its next
    heartbeat it stops, writes no record (no crash, no duplicate), and the new holder finishes the run."""
    # given
    run = start(runs, b={"sleep": 1.5 * LEASE, "probe": True, "beat_after_probe": True})
    # when
    stopped = services.run_execute(run_id=run.id)
    # then
    assert stopped.claimed_by == INTRUDER and stopped.status == RunStatus.RUNNING
    assert timeline(runs, run.id) == [("a", "forward", "completed", 1)]
    assert LEDGER[str(run.id)] == ["a started", "a", "b started", "intruder took b"]
    # and the intruder goes on from the unfinished step
    engine = SagaEngine(runs=runs, definitions={"policies": POLICIES}, uow=registry.unit_of_work(), worker=INTRUDER)
    assert engine.execute(run.id).status == RunStatus.COMPLETED
    completed = [name for name, kind, status, _ in timeline(runs, run.id) if status == "completed"]
    assert completed == ["a", "b", "c", "d"]


def test_a_failure_after_the_claim_was_lost_is_not_recorded(runs):
    """A failing step whose claim was taken meanwhile writes no failure record and compensates nothing."""
    run = start(runs, b={"sleep": 1.5 * LEASE, "probe": True, "fail": True})
    stopped = services.run_execute(run_id=run.id)
    assert stopped.claimed_by == INTRUDER and stopped.status == RunStatus.RUNNING
    assert timeline(runs, run.id) == [("a", "forward", "completed", 1)]
    assert not any(entry.startswith("undo") for entry in LEDGER[str(run.id)])


def test_a_cancel_during_a_step_stops_it_at_its_next_heartbeat_and_undoes_its_partial_work(runs):
    """The step sees the cancel at its heartbeat, records it, and the run compensates that step too."""
    # given
    run = start(runs, b={"cancel": True, "beats": 2})
    # when
    done = services.run_execute(run_id=run.id)
    # then
    assert done.status == RunStatus.CANCELLED
    assert LEDGER[str(run.id)] == ["a started", "a", "b started", "undo b", "undo a"]
    [b] = [s for s in runs.steps(run.id) if s.name == "b" and s.kind == StepKind.FORWARD]
    assert (b.status.value, b.error.type, b.error.message) == (
        "failed",
        "StepCancelled",
        CANCELLED_DURING_STEP.format(step="b"),
    )


def test_a_cancel_during_blocking_io_waits_for_it_to_finish(runs):
    """A cancel asked for while a step is inside blocking I/O does not cut it: the step finishes and is
    recorded, and only then is the run undone."""
    run = start(runs, b={"cancel": True, "during": 0.3})
    done = services.run_execute(run_id=run.id)
    assert done.status == RunStatus.CANCELLED
    assert LEDGER[str(run.id)] == ["a started", "a", "b started", "b", "undo b", "undo a"]
    assert ("b", "forward", "completed", 1) in timeline(runs, run.id)


def test_a_failed_transactional_step_has_nothing_to_undo_but_one_outside_the_database_does(runs):
    """A transactional step that fails rolled back; a step outside the database that fails for good is
    compensated like a finished one (it may have left part of its work)."""
    first = start(runs, a={"fail": True})
    second = start(runs, b={"fail": True})
    assert services.run_execute(run_id=first.id).status == RunStatus.COMPENSATED
    assert services.run_execute(run_id=second.id).status == RunStatus.COMPENSATED
    assert [e for e in LEDGER[str(first.id)] if e.startswith("undo")] == []
    assert [e for e in LEDGER[str(second.id)] if e.startswith("undo")] == ["undo b", "undo a"]


def test_a_step_over_its_time_budget_stops_at_a_heartbeat_and_is_retried_per_its_policy(runs):
    """Step c may take 0.5 s an attempt and 2 attempts: working 0.9 s, each attempt stops at the heartbeat
    past its budget (StepTimedOut), and after the second the run compensates."""
    run = start(runs, c={"beats": 3, "beat_every": 0.3})
    done = services.run_execute(run_id=run.id)
    assert done.status == RunStatus.COMPENSATED
    c_attempts = [(status, attempt) for name, kind, status, attempt in timeline(runs, run.id) if name == "c"]
    assert c_attempts[:2] == [("failed", 1), ("failed", 2)]
    assert done.error.type == "StepTimedOut"
    assert [e for e in LEDGER[str(run.id)] if e.startswith("undo")] == ["undo c", "undo b", "undo a"]


def test_a_hold_step_that_keeps_failing_holds_the_run_and_a_retry_goes_on_from_it(runs):
    """Step d may hold the run: after its 3 attempts the run is delivery_failed with nothing undone; a
    retry gets 3 fresh attempts at d only, and earlier steps are not run again."""
    # given d fails its first 5 attempts
    run = start(runs, d={"fail_times": 5})
    # when
    held = services.run_execute(run_id=run.id)
    # then
    assert held.status == RunStatus.DELIVERY_FAILED
    assert (held.error.step, held.current_step, held.claimed_by) == ("d", "d", "")
    assert held.finished_at is not None
    assert [a for name, _, _, a in timeline(runs, run.id) if name == "d"] == [1, 2, 3]
    assert not any(entry.startswith("undo") for entry in LEDGER[str(run.id)])
    # a worker that picks the run up leaves it alone
    assert services.run_execute(run_id=run.id).status == RunStatus.DELIVERY_FAILED
    # when retried
    done = services.run_retry(run_id=run.id, runs=runs)
    # then
    assert done.status == RunStatus.COMPLETED and done.error is None
    d_timeline = [(status, a) for name, _, status, a in timeline(runs, run.id) if name == "d"]
    assert d_timeline == [("failed", 1), ("failed", 2), ("failed", 3), ("failed", 4), ("failed", 5), ("completed", 6)]
    assert [e for e in LEDGER[str(run.id)] if e in ("a", "b", "c")] == ["a", "b", "c"]


def test_cancelling_a_held_run_undoes_what_it_finished(runs):
    run = start(runs, d={"fail": True})
    assert services.run_execute(run_id=run.id).status == RunStatus.DELIVERY_FAILED
    done = services.run_cancel(run_id=run.id, runs=runs)
    assert done.status == RunStatus.CANCELLED
    assert [e for e in LEDGER[str(run.id)] if e.startswith("undo")] == ["undo c", "undo b", "undo a"]


def test_only_failed_runs_can_be_retried(runs):
    from kernel.errors import InvalidTransition

    run = start(runs)
    done = services.run_execute(run_id=run.id)
    with pytest.raises(InvalidTransition):
        services.run_retry(run_id=done.id, runs=runs)
