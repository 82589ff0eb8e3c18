"""Workflow-run use cases: start, execute, resume, approve, reject, cancel, retry, read.

Every entry point (the API, `manage.py run_workflow`, the worker task, the admin) calls these.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
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
RUN_NOT_RETRYABLE = "Run {run_id} is {status}; only runs whose compensation failed can be retried."
IDEMPOTENCY_KEY_REUSED = "Idempotency key {key!r} was already used for a run of another brief."


class RunNotFound(NotFound):
    pass


def workflow_definitions() -> dict[str, SagaDefinition]:
    return {name: import_string(path) for name, path in settings.AICMO_WORKFLOWS.items()}


def engine(*, worker: str | None = None) -> SagaEngine:
    return SagaEngine(runs=registry.repository("orchestration.runs"), definitions=workflow_definitions(), worker=worker)


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
            return _same_request(existing, brief_id, idempotency_key), False
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
        return _same_request(existing, brief_id, idempotency_key), False


def _same_request(existing: WorkflowRun, brief_id: UUID | None, key: str) -> WorkflowRun:
    if brief_id is not None and existing.brief_id not in (None, brief_id):
        raise DuplicateError(IDEMPOTENCY_KEY_REUSED.format(key=key))
    return existing


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
) -> IntakeStart:
    """Validate an intake now (bad input raises before anything is stored) and create its run.

    An intake whose content equals a stored brief's runs that brief, unless `new_brief`.
    """
    brief = onboarding.brief_validate(raw=raw, languages=registry.generator_languages())
    warnings = onboarding.brief_warnings(brief=brief)
    options = {"require_approval": require_approval, "new_brief": new_brief}
    existing = None if new_brief else onboarding.brief_find_same(brief=brief, briefs=briefs)
    if existing is not None:
        run, _ = run_create(runs=runs, input={"brief_id": str(existing.id)}, options=options, brief_id=existing.id)
        return IntakeStart(run=run, reused_brief_id=existing.id, warnings=warnings)
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    intake = text if isinstance(text, str) else dict(text)
    run, _ = run_create(runs=runs, input={"intake": intake, "source": source}, options=options)
    return IntakeStart(run=run, reused_brief_id=None, warnings=warnings)


def run_start_for_brief(
    *, runs, briefs, brief_id: UUID, require_approval: bool = False, idempotency_key: str | None = None
) -> tuple[WorkflowRun, bool]:
    brief = onboarding.brief_get(brief_id=brief_id, briefs=briefs)
    return run_create(
        runs=runs,
        input={"brief_id": str(brief.id)},
        options={"require_approval": require_approval},
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


def run_list(*, runs, status: RunStatus | None = None, brief_id: UUID | None = None, strategy_id: UUID | None = None):
    return runs.list(status=status, brief_id=brief_id, strategy_id=strategy_id)


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


def run_reject(*, run_id: UUID, by: str, notes: str, runs, strategies) -> WorkflowRun:
    """Reject the strategy a waiting run stops at; the run compensates."""
    run = run_get(run_id=run_id, runs=runs)
    if run.strategy_id is None or run.status != RunStatus.WAITING_APPROVAL:
        if run.status in (RunStatus.COMPENSATED, RunStatus.COMPENSATING) and run.strategy_id is not None:
            return run
        raise InvalidTransition(RUN_NOT_WAITING.format(run_id=run_id, status=run.status))
    strategy.strategy_reject(strategy_id=run.strategy_id, by=by, notes=notes, strategies=strategies)
    return run_get(run_id=run_id, runs=runs)


def run_resume(*, run_id: UUID, runs, progress: Progress | None = None) -> WorkflowRun:
    """Continue a run from its first unfinished step (after a crash, or once its approval is given)."""
    run = run_get(run_id=run_id, runs=runs)
    if run.status in TERMINAL_STATUSES:
        raise InvalidTransition(RUN_FINISHED.format(run_id=run_id, status=run.status))
    return engine().execute(run_id, progress=progress)


def run_queue_resume(*, run_id: UUID, runs) -> WorkflowRun:
    """Queue an unfinished run to go on from its first unfinished step; the caller does not wait for it."""
    run = run_get(run_id=run_id, runs=runs)
    if run.status in TERMINAL_STATUSES:
        raise InvalidTransition(RUN_FINISHED.format(run_id=run_id, status=run.status))
    run_enqueue(run_id=run.id)
    return run


def run_retry_compensation(*, run_id: UUID, runs, progress: Progress | None = None) -> WorkflowRun:
    """An operator retries a run whose compensation failed: the compensations not yet done run again."""
    run = run_get(run_id=run_id, runs=runs)
    if run.status != RunStatus.COMPENSATION_FAILED:
        raise InvalidTransition(RUN_NOT_RETRYABLE.format(run_id=run_id, status=run.status))
    runs.save(dataclasses.replace(run, status=RunStatus.COMPENSATING, finished_at=None, updated_at=clock.now()))
    return engine().execute(run_id, progress=progress)


def run_cancel(*, run_id: UUID, runs, progress: Progress | None = None) -> WorkflowRun:
    """Cancel an unfinished run: what it finished is compensated and it ends cancelled.

    A run another worker is executing is flagged; that worker compensates at its next step.
    """
    run = run_get(run_id=run_id, runs=runs)
    if run.status in TERMINAL_STATUSES:
        if run.status == RunStatus.CANCELLED:
            return run
        raise InvalidTransition(RUN_FINISHED.format(run_id=run_id, status=run.status))
    runs.request_cancel(run_id, now=clock.now())
    # Unclaimed (waiting, pending, or its worker died): the engine takes it and compensates now.
    # Claimed by a live worker: execute hands back the flagged run and that worker compensates.
    return engine().execute(run_id, progress=progress)


def runs_resume_stale(*, runs, progress: Progress | None = None) -> list[WorkflowRun]:
    """Take over every run whose worker died (lease expired) and drive it on."""
    return [engine().execute(run.id, progress=progress) for run in runs.stale(now=clock.now())]


def runs_waiting_for_strategy(*, strategy_id: UUID, runs) -> list[WorkflowRun]:
    return runs.list(strategy_id=strategy_id, status=RunStatus.WAITING_APPROVAL)
