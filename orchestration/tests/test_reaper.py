"""The reaper's pass on its own (the worker runs it in a loop): runs of dead workers, runs whose task was
lost, runs waiting on a decided strategy, and task rows left RUNNING."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from config import registry
from kernel import clock
from orchestration import services
from orchestration.domain import RunStatus
from orchestration.tests.support import intake
from orchestration.tests.workflows import LEDGER
from strategy import services as strategy


@pytest.fixture
def runs(persistence, settings, media_root):
    settings.AICMO_WORKFLOWS = {**settings.AICMO_WORKFLOWS, "letters": "orchestration.tests.workflows.LETTERS"}
    settings.AICMO_RETRY_BACKOFF_SECONDS = 0
    settings.AICMO_LEASE_SECONDS = 30
    return registry.repository("orchestration.runs")


@pytest.fixture
def reap(runs, persistence, django_capture_on_commit_callbacks):
    """One reaper pass; the runs it queues run at once (the immediate task backend), as after a commit."""

    def _reap(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return services.runs_reap(runs=runs, strategies=registry.repository("strategy.documents"), **kwargs)

    return _reap


def letters_run(runs, **input):
    run, _ = services.run_create(runs=runs, input=input, definition="letters")
    return run


def test_a_run_whose_worker_died_is_released_once_and_finished_by_a_queued_task(runs, reap):
    """A claim that expired is dropped by one reaper (a second finds nothing) and the run completes
    from its first unfinished step."""
    # given a run stopped at c by a worker that then died holding the claim
    run = letters_run(runs, wait_at="c")
    services.run_execute(run_id=run.id)
    from orchestration.tests.workflows import GATES

    GATES.add(str(run.id))
    past = clock.now() - dt.timedelta(minutes=5)
    assert runs.claim(run.id, worker="dead-worker", now=past, lease=dt.timedelta(seconds=1))
    # when
    first, second = reap(), reap()
    # then
    assert (first.released, second.released) == ([run.id], [])
    done = runs.get(run.id)
    assert done.status == RunStatus.COMPLETED and done.claimed_by == ""
    assert LEDGER[str(run.id)] == list("abcde")


def test_a_live_claim_is_left_alone(runs, reap):
    run = letters_run(runs)
    assert runs.claim(run.id, worker="live-worker", now=clock.now(), lease=dt.timedelta(seconds=30))
    reaped = reap()
    assert reaped.total == 0
    assert runs.get(run.id).claimed_by == "live-worker"


def test_a_run_that_lost_its_task_is_queued_again(runs, reap):
    """A pending run nobody holds that did not move for a lease (the process that was to queue it died)
    is queued again; a fresh one is not."""
    # given
    lost = letters_run(runs)
    runs.save(dataclasses.replace(lost, updated_at=clock.now() - dt.timedelta(minutes=2)))
    fresh = letters_run(runs)
    # when
    reaped = reap()
    # then
    assert reaped.requeued == [lost.id]
    assert runs.get(lost.id).status == RunStatus.COMPLETED
    assert runs.get(fresh.id).status == RunStatus.PENDING


def test_a_run_waiting_on_a_superseded_strategy_ends_by_itself(
    runs, media_root, settings, django_capture_on_commit_callbacks
):
    """Two runs of one brief wait for approval; approving the second version supersedes the first, and
    the run waiting on it is compensated with the reason (the approved one goes on)."""
    settings.AICMO_WEBHOOK_ATTEMPTS = 1
    raw = json.dumps(intake("local-bakery"))
    first = services.run_execute(
        run_id=services.run_start_for_intake(
            runs=runs, briefs=registry.repository("onboarding.briefs"), raw=raw, source="t", require_approval=True
        ).run.id
    )
    second_run, _ = services.run_start_for_brief(
        runs=runs, briefs=registry.repository("onboarding.briefs"), brief_id=first.brief_id, require_approval=True
    )
    second = services.run_execute(run_id=second_run.id)
    assert (first.status, second.status) == (RunStatus.WAITING_APPROVAL, RunStatus.WAITING_APPROVAL)
    # when
    strategies = registry.repository("strategy.documents")
    with django_capture_on_commit_callbacks(execute=True):
        strategy.strategy_approve(strategy_id=second.strategy_id, by="Ada", strategies=strategies)
    # then
    ended = runs.get(first.id)
    assert ended.status == RunStatus.COMPENSATED
    assert (ended.error.type, "superseded" in ended.error.message) == ("StrategyRejected", True)
    assert runs.get(second.id).status == RunStatus.COMPLETED


@pytest.mark.django_db
def test_a_waiting_run_whose_decision_signal_was_lost_is_ended_by_the_reaper(
    settings, media_root, django_capture_on_commit_callbacks
):
    """The process that rejected the strategy died before its on-commit hooks ran (nothing queued the run):
    the reaper finds the run waiting on a decided version and it compensates."""
    settings.AICMO_PERSISTENCE = "db"
    settings.AICMO_REAPER_INTERVAL_SECONDS = 0
    runs = registry.repository("orchestration.runs")
    strategies = registry.repository("strategy.documents")
    raw = json.dumps(intake("local-bakery"))
    waiting = services.run_execute(
        run_id=services.run_start_for_intake(
            runs=runs, briefs=registry.repository("onboarding.briefs"), raw=raw, source="t", require_approval=True
        ).run.id
    )
    # when the rejection commits but its hooks never run
    with django_capture_on_commit_callbacks(execute=False):
        strategy.strategy_reject(strategy_id=waiting.strategy_id, by="Ada", notes="too generic", strategies=strategies)
    assert runs.get(waiting.id).status == RunStatus.WAITING_APPROVAL
    with django_capture_on_commit_callbacks(execute=True):
        reaped = services.runs_reap(runs=runs, strategies=strategies, now=clock.now() + dt.timedelta(seconds=1))
    # then
    assert reaped.decided == [waiting.id]
    ended = runs.get(waiting.id)
    assert ended.status == RunStatus.COMPENSATED
    assert "too generic" in ended.error.message


@pytest.mark.django_db
def test_task_rows_of_dead_workers_are_marked_failed(settings):
    """A django-tasks-db row RUNNING for longer than a lease while its run is not held by a live claim
    belonged to a worker that died: it is marked failed, naming the run; a row whose run is held stays."""
    from django_tasks_db.models import DBTaskResult

    from orchestration.tasks import execute_run, fail_lost_tasks

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.AICMO_PERSISTENCE = "db"
    settings.AICMO_LEASE_SECONDS = 30
    settings.AICMO_WORKFLOWS = {**settings.AICMO_WORKFLOWS, "letters": "orchestration.tests.workflows.LETTERS"}
    runs = registry.repository("orchestration.runs")
    dead_run, held_run = letters_run(runs), letters_run(runs)
    long_ago = clock.now() - dt.timedelta(minutes=5)
    assert runs.claim(dead_run.id, worker="dead", now=long_ago, lease=dt.timedelta(seconds=30))
    assert runs.claim(held_run.id, worker="alive", now=clock.now(), lease=dt.timedelta(seconds=30))
    dead_task = execute_run.enqueue(str(dead_run.id))
    held_task = execute_run.enqueue(str(held_run.id))
    # the rows as a worker leaves them when it claims a task (django-tasks-db's own claim())
    for task in (dead_task, held_task):
        row = DBTaskResult.objects.get(id=task.id)
        row.claim("db-worker-1")
        DBTaskResult.objects.filter(id=row.id).update(started_at=long_ago)
    # when
    failed = fail_lost_tasks(runs=runs)
    # then
    assert failed == 1
    dead_row, held_row = DBTaskResult.objects.get(id=dead_task.id), DBTaskResult.objects.get(id=held_task.id)
    assert dead_row.status == "FAILED" and dead_row.exception_class_path == "orchestration.tasks.WorkerLost"
    assert str(dead_run.id) in dead_row.traceback
    assert held_row.status == "RUNNING"
