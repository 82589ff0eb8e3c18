"""Workflow-run use cases: start, execute, resume, approve, reject, cancel, retry, read, reap.

Every entry point (the API, `manage.py run_workflow`, the worker task, the admin, the reaper in
`manage.py run_worker`) calls these.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from config import registry
from kernel import clock
from kernel.errors import DuplicateError, InvalidTransition, NotFound, ValidationFailed
from onboarding import services as onboarding
from orchestration.domain import TERMINAL_STATUSES, RunStatus, StepRecord, WorkflowRun
from orchestration.saga import Progress, RunMissing, SagaDefinition, SagaEngine
from orchestration.workflow import CLIENT_DELIVERY
from strategy import services as strategy

RUN_NOT_FOUND = "Run {run_id} does not exist."
RUN_NOT_WAITING = "Run {run_id} is {status}, not waiting for approval."
RUN_FINISHED = "Run {run_id} is already {status}."
RUN_NOT_RETRYABLE = (
    "Run {run_id} is {status}; only a run whose delivery failed (the hand-over is retried) or whose "
    "compensation failed (the compensations are retried) can be retried."
)
RUN_MOVED = "Run {run_id} changed while this was asked (it is {status} now); look at it again."

logger = logging.getLogger(__name__)
IDEMPOTENCY_KEY_REUSED = "This idempotency key was already used for a run of another brief."


class RunNotFound(NotFound):
    pass


def workflow_definitions() -> dict[str, SagaDefinition]:
    return {name: import_string(path) for name, path in settings.AICMO_WORKFLOWS.items()}


def engine(*, worker: str | None = None) -> SagaEngine:
    return SagaEngine(
        runs=registry.repository("orchestration.runs"),
        definitions=workflow_definitions(),
        uow=registry.unit_of_work(),
        worker=worker,
    )


def _runs():
    return registry.repository("orchestration.runs")


def run_create(
    *,
    runs,
    input: Mapping[str, Any],
    options: Mapping[str, Any] | None = None,
    definition: str = CLIENT_DELIVERY,
    idempotency_key: str | None = None,
    brief_id: UUID | None = None,
) -> tuple[WorkflowRun, bool]:
    """Create a pending run; returns (run, created). A repeated idempotency key returns the first run."""
    if idempotency_key:
        existing = runs.get_by_idempotency_key(idempotency_key)
        if existing is not None:
            return _same_request(existing, brief_id), False
    definitions = workflow_definitions()
    if definition not in definitions:
        raise ValidationFailed({"definition": [f"unknown workflow {definition!r}"]})
    now = clock.now()
    run = WorkflowRun(
        id=uuid.uuid4(),
        status=RunStatus.PENDING,
        definition=definition,
        definition_version=definitions[definition].version,
        options=dict(options or {}),
        input=dict(input),
        created_at=now,
        updated_at=now,
        brief_id=brief_id,
        idempotency_key=idempotency_key or None,
    )
    try:
        return runs.create(run), True
    except DuplicateError:
        existing = runs.get_by_idempotency_key(idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _same_request(existing, brief_id), False


def _same_request(existing: WorkflowRun, brief_id: UUID | None) -> WorkflowRun:
    if brief_id is not None and existing.brief_id not in (None, brief_id):
        raise DuplicateError(IDEMPOTENCY_KEY_REUSED)
    return existing


def _options(*, dry_run: bool = False, **options: Any) -> dict[str, Any]:
    """A run's options; a dry run builds everything but tells nobody (see orchestration.workflow)."""
    return {**options, **({"dry_run": True} if dry_run else {})}


@dataclass(frozen=True)
class IntakeStart:
    """A run started from an intake: the run, the brief it reuses (same content, when not asked for a
    new one), and the warnings the intake's facts raise."""

    run: WorkflowRun
    reused_brief_id: UUID | None
    warnings: tuple[onboarding.IntakeWarning, ...]


def run_start_for_intake(
    *,
    runs,
    briefs,
    raw: str | bytes | Mapping,
    source: str,
    require_approval: bool = False,
    new_brief: bool = False,
    dry_run: bool = False,
) -> IntakeStart:
    """Validate an intake now (bad input raises before anything is stored) and create its run.

    An intake whose content equals a stored brief's runs that brief, unless `new_brief`.
    """
    brief = onboarding.brief_validate(raw=raw, languages=registry.generator_languages())
    warnings = onboarding.brief_warnings(brief=brief)
    options = _options(require_approval=require_approval, new_brief=new_brief, dry_run=dry_run)
    existing = None if new_brief else onboarding.brief_find_same(brief=brief, briefs=briefs)
    if existing is not None:
        run, _ = run_create(runs=runs, input={"brief_id": str(existing.id)}, options=options, brief_id=existing.id)
        return IntakeStart(run=run, reused_brief_id=existing.id, warnings=warnings)
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    intake = text if isinstance(text, str) else dict(text)
    run, _ = run_create(runs=runs, input={"intake": intake, "source": source}, options=options)
    return IntakeStart(run=run, reused_brief_id=None, warnings=warnings)


def run_start_for_brief(
    *,
    runs,
    briefs,
    brief_id: UUID,
    require_approval: bool = False,
    idempotency_key: str | None = None,
    dry_run: bool = False,
) -> tuple[WorkflowRun, bool]:
    brief = onboarding.brief_get(brief_id=brief_id, briefs=briefs)
    return run_create(
        runs=runs,
        input={"brief_id": str(brief.id)},
        options=_options(require_approval=require_approval, dry_run=dry_run),
        idempotency_key=idempotency_key,
        brief_id=brief.id,
    )


def run_execute(*, run_id: UUID, progress: Progress | None = None, worker: str | None = None) -> WorkflowRun:
    """Drive the run in this process as far as it can go (to completion, a wait, or compensation)."""
    try:
        return engine(worker=worker).execute(run_id, progress=progress)
    except RunMissing:
        raise RunNotFound(RUN_NOT_FOUND.format(run_id=run_id)) from None


def run_enqueue(*, run_id: UUID) -> None:
    """Hand the run to a background worker through Django's Tasks API, once the caller's transaction commits."""
    if settings.AICMO_PERSISTENCE == "memory":
        # Memory mode keeps data in this process only (no worker could see the run) and has
        # no transactions to wait for: run it here, now.
        run_execute(run_id=run_id)
        return
    from orchestration.tasks import execute_run

    transaction.on_commit(lambda: execute_run.enqueue(str(run_id)))


def run_get(*, run_id: UUID, runs) -> WorkflowRun:
    run = runs.get(run_id)
    if run is None:
        raise RunNotFound(RUN_NOT_FOUND.format(run_id=run_id))
    return run


def run_steps(*, run_id: UUID, runs) -> list[StepRecord]:
    return runs.steps(run_id)


def run_list(
    *,
    runs,
    status: RunStatus | None = None,
    brief_id: UUID | None = None,
    strategy_id: UUID | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[WorkflowRun]:
    """Runs newest first, optionally filtered; `limit` of them from `offset` (the store reads only
    those), all without a limit."""
    return runs.list(status=status, brief_id=brief_id, strategy_id=strategy_id, limit=limit, offset=offset)


def run_count(
    *, runs, status: RunStatus | None = None, brief_id: UUID | None = None, strategy_id: UUID | None = None
) -> int:
    """How many runs `run_list` with the same filters gives without a limit."""
    return runs.count(status=status, brief_id=brief_id, strategy_id=strategy_id)


def run_approve(*, run_id: UUID, by: str, notes: str = "", runs, strategies) -> WorkflowRun:
    """Approve the strategy a waiting run stops at. Idempotent: approving again changes nothing."""
    run = run_get(run_id=run_id, runs=runs)
    if run.strategy_id is None or run.status not in (
        RunStatus.WAITING_APPROVAL,
        RunStatus.RUNNING,
        RunStatus.COMPLETED,
    ):
        raise InvalidTransition(RUN_NOT_WAITING.format(run_id=run_id, status=run.status))
    strategy.strategy_approve(strategy_id=run.strategy_id, by=by, notes=notes, strategies=strategies)
    return run_get(run_id=run_id, runs=runs)


def run_reject(*, run_id: UUID, by: str, notes: str, runs, strategies, requests=()) -> WorkflowRun:
    """Reject the strategy a waiting run stops at, with revision requests and/or notes; the run
    compensates, and the brief's next run makes a version that applies them."""
    run = run_get(run_id=run_id, runs=runs)
    if run.strategy_id is None or run.status != RunStatus.WAITING_APPROVAL:
        if run.status in (RunStatus.COMPENSATED, RunStatus.COMPENSATING) and run.strategy_id is not None:
            return run
        raise InvalidTransition(RUN_NOT_WAITING.format(run_id=run_id, status=run.status))
    strategy.strategy_reject(strategy_id=run.strategy_id, by=by, notes=notes, requests=requests, strategies=strategies)
    return run_get(run_id=run_id, runs=runs)


def run_resume(*, run_id: UUID, runs, progress: Progress | None = None) -> WorkflowRun:
    """Continue a run from its first unfinished step (after a crash, once its approval is given, or
    after its delivery failed: the hand-over is tried again)."""
    _reopen(run_get(run_id=run_id, runs=runs), runs)
    return engine().execute(run_id, progress=progress)


def run_queue_resume(*, run_id: UUID, runs) -> WorkflowRun:
    """Queue an unfinished run to go on from its first unfinished step; the caller does not wait for it."""
    run = _reopen(run_get(run_id=run_id, runs=runs), runs)
    run_enqueue(run_id=run.id)
    return run


def _reopen(run: WorkflowRun, runs) -> WorkflowRun:
    """A run that can go on forward: unfinished, or held after a failed delivery (set running again)."""
    if run.status in TERMINAL_STATUSES:
        raise InvalidTransition(RUN_FINISHED.format(run_id=run.id, status=run.status))
    if run.status != RunStatus.DELIVERY_FAILED:
        return run
    return _move(run, runs, status=RunStatus.RUNNING, error=None, finished_at=None)


def _move(run: WorkflowRun, runs, **changes: Any) -> WorkflowRun:
    """Change a run nobody holds, unless it changed since it was read (compare-and-set)."""
    moved = runs.transition(run.id, from_status=run.status, now=clock.now(), **changes)
    if moved is None:
        current = run_get(run_id=run.id, runs=runs)
        raise InvalidTransition(RUN_MOVED.format(run_id=run.id, status=current.status))
    return moved


def _prepare_retry(run: WorkflowRun, runs) -> WorkflowRun:
    if run.status == RunStatus.DELIVERY_FAILED:
        return _reopen(run, runs)
    if run.status == RunStatus.COMPENSATION_FAILED:
        return _move(run, runs, status=RunStatus.COMPENSATING, finished_at=None)
    raise InvalidTransition(RUN_NOT_RETRYABLE.format(run_id=run.id, status=run.status))


def run_retry(*, run_id: UUID, runs, progress: Progress | None = None) -> WorkflowRun:
    """An operator retries a run that stopped on a failure, here and now: a run whose delivery failed
    goes on from the failed hand-over step (what was delivered is not delivered again); a run whose
    compensation failed runs the compensations not yet done."""
    _prepare_retry(run_get(run_id=run_id, runs=runs), runs)
    return engine().execute(run_id, progress=progress)


def run_queue_retry(*, run_id: UUID, runs) -> WorkflowRun:
    """`run_retry` done by a background worker; the caller does not wait for it."""
    run = _prepare_retry(run_get(run_id=run_id, runs=runs), runs)
    run_enqueue(run_id=run.id)
    return run


def run_retry_compensation(*, run_id: UUID, runs, progress: Progress | None = None) -> WorkflowRun:
    """Retry the compensations of a run whose compensation failed (see `run_retry`)."""
    run = run_get(run_id=run_id, runs=runs)
    if run.status != RunStatus.COMPENSATION_FAILED:
        raise InvalidTransition(RUN_NOT_RETRYABLE.format(run_id=run_id, status=run.status))
    return run_retry(run_id=run_id, runs=runs, progress=progress)


def run_cancel(*, run_id: UUID, runs, progress: Progress | None = None) -> WorkflowRun:
    """Cancel an unfinished run: what it finished is compensated and it ends cancelled.

    Cancelling a run a live worker holds is a request: that worker stops at its step's next
    heartbeat or at the step's end, then compensates; nothing is undone while a step still runs.
    A package the client has already been told about is kept (see `delivery.package_discard`).
    """
    run = run_get(run_id=run_id, runs=runs)
    if run.status in TERMINAL_STATUSES:
        if run.status == RunStatus.CANCELLED:
            return run
        raise InvalidTransition(RUN_FINISHED.format(run_id=run_id, status=run.status))
    if run.status == RunStatus.DELIVERY_FAILED:
        _move(run, runs, status=RunStatus.COMPENSATING, cancel_requested=True, finished_at=None)
    else:
        runs.request_cancel(run_id, now=clock.now())
    # Unclaimed (waiting, pending, held, or its worker died): the engine takes it and compensates now.
    # Claimed by a live worker: execute hands back the flagged run and that worker compensates.
    return engine().execute(run_id, progress=progress)


def runs_resume_stale(*, runs, progress: Progress | None = None) -> list[WorkflowRun]:
    """Take over every run whose worker died (lease expired) and drive it on, here (the manual tool;
    `run_worker`'s reaper does this by itself)."""
    return [engine().execute(run.id, progress=progress) for run in runs.stale(now=clock.now())]


def runs_waiting_for_strategy(*, strategy_id: UUID, runs) -> list[WorkflowRun]:
    return runs.list(strategy_id=strategy_id, status=RunStatus.WAITING_APPROVAL)


def runs_waiting_for_brief(*, brief_id: UUID, runs) -> list[WorkflowRun]:
    return runs.list(brief_id=brief_id, status=RunStatus.WAITING_APPROVAL)


def _awaits_decision(strategy_id: UUID, strategies) -> bool:
    try:
        return strategy.strategy_get(strategy_id=strategy_id, strategies=strategies).status == "draft"
    except NotFound:
        return False


# -- the reaper --------------------------------------------------------------------------------------


@dataclass
class Reaped:
    """What one pass of the reaper queued again, by reason."""

    released: list[UUID] = field(default_factory=list)  # their worker died: the expired claim was dropped
    requeued: list[UUID] = field(default_factory=list)  # nobody held them and they did not move: task lost
    decided: list[UUID] = field(default_factory=list)  # waiting on a strategy that was decided or replaced
    tasks_failed: int = 0  # task rows of dead workers marked failed
    waiting_seen: int = 0  # waiting runs looked at (a full page means there may be more)

    @property
    def total(self) -> int:
        return len(self.released) + len(self.requeued) + len(self.decided)


def runs_reap(*, runs, strategies, now: dt.datetime | None = None, limit: int = 100, waiting_offset: int = 0) -> Reaped:
    """One pass of the reaper: queue again every run that should be moving and is not.

    - A claim whose lease expired (its worker died or was cut off) is released, once, by a
      compare-and-set, and the run is queued; whoever takes it goes on from its first unfinished step.
    - An unclaimed run that should be moving, was not written for a lease and has no task in the
      queue lost its task (the process that queued it died first); it is queued again.
    - A run waiting for approval of a strategy version that was decided, replaced or removed is
      queued so that it goes on or ends (compensated, with the reason); `waiting_offset` pages
      through the waiting runs from one pass to the next.

    A run queued twice is harmless: the claim decides who runs it, and a finished run is left alone.
    """
    from orchestration.tasks import fail_lost_tasks, queued_run_ids

    now = now or clock.now()
    reaped = Reaped()
    lease = dt.timedelta(seconds=settings.AICMO_LEASE_SECONDS)
    for run in runs.stale(now=now, limit=limit):
        if runs.release_expired(run.id, worker=run.claimed_by, now=now):
            logger.warning("run %s: worker %s stopped renewing its claim; queued again", run.id, run.claimed_by)
            run_enqueue(run_id=run.id)
            reaped.released.append(run.id)
    idle = runs.idle(now=now, quiet_since=now - lease, limit=limit)
    queued = queued_run_ids() if idle else None
    for run in idle:
        if queued is not None and str(run.id) in queued:
            continue  # still in the queue behind others: it will be picked up
        if runs.touch(run.id, seen=run.updated_at, now=now):
            logger.warning("run %s: %s but in no queue for %s; queued again", run.id, run.status.value, lease)
            run_enqueue(run_id=run.id)
            reaped.requeued.append(run.id)
    quiet_since = now - dt.timedelta(seconds=settings.AICMO_REAPER_INTERVAL_SECONDS)
    waiting = runs.list(status=RunStatus.WAITING_APPROVAL, limit=limit, offset=waiting_offset)
    reaped.waiting_seen = len(waiting)
    for run in waiting:
        if run.updated_at > quiet_since or run.strategy_id is None:
            continue  # just decided: the decision's own signal is still queueing it
        if _awaits_decision(run.strategy_id, strategies):
            continue
        if runs.touch(run.id, seen=run.updated_at, now=now):
            run_enqueue(run_id=run.id)
            reaped.decided.append(run.id)
    reaped.tasks_failed = fail_lost_tasks(runs=runs, now=now)
    return reaped
