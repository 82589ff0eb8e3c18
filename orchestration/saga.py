"""A small durable saga engine: runs steps in order, records each attempt, compensates in reverse.

A step is a plain function of a `StepContext` returning a JSON-ready dict (its output); its
compensation is a function of the context and that output. Nothing here knows about briefs or
strategies, so the same engine runs the client-delivery workflow and the benchmarks' no-op one.

Durability: in database mode a transactional step's writes, its step record and the run's new
state commit in one transaction, fenced by the run's claim, so a crash never leaves a
half-recorded step and a resumed run starts at its first unfinished step.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction

from kernel import clock, logs
from kernel.errors import AppError, TransientStepError
from orchestration.domain import (
    Advance,
    RunStatus,
    StepError,
    StepKind,
    StepRecord,
    StepStatus,
    WorkflowRun,
)

logger = logging.getLogger(__name__)

# Output keys that a step may hand up to the run itself, so runs can be found by them.
RUN_REFERENCES = ("brief_id", "strategy_id", "package_id")


class WaitForInput(Exception):
    """Raised by a step that cannot go on until something outside the run happens (an approval)."""

    def __init__(self, reason: str, **output: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.output = output


class ClaimLost(Exception):
    """Another worker took the run over (our lease expired); stop without writing."""


class RunMissing(LookupError):
    """The run to execute does not exist."""


@dataclass(frozen=True)
class StepContext:
    """What a step sees: the run's id, input and options, and the outputs of finished steps."""

    run_id: UUID
    input: Mapping[str, Any]
    options: Mapping[str, Any]
    outputs: Mapping[str, Mapping[str, Any]]
    attempt: int = 1

    def output_of(self, step: str) -> Mapping[str, Any]:
        return self.outputs.get(step, {})


Action = Callable[[StepContext], dict[str, Any]]
Compensation = Callable[[StepContext, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    name: str
    action: Action
    compensate: Compensation | None = None
    # False for steps whose effects live outside the database (webhooks, e-mail): they run
    # outside the transaction and only their record is written transactionally.
    transactional: bool = True


@dataclass(frozen=True)
class SagaDefinition:
    name: str
    version: int
    steps: tuple[Step, ...]

    def step(self, name: str) -> Step:
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)


@dataclass
class Progress:
    """Callbacks for entry points that show progress (the CLI); all optional."""

    on_step: Callable[[StepRecord], None] | None = None

    def step(self, record: StepRecord) -> None:
        if self.on_step:
            self.on_step(record)


@dataclass
class _State:
    run: WorkflowRun
    records: list[StepRecord] = field(default_factory=list)
    # Set when the run's last write found that someone asked to cancel it (see `SagaEngine._set`).
    cancel_seen: bool = False

    @property
    def next_seq(self) -> int:
        return (self.records[-1].seq + 1) if self.records else 1

    def attempts(self, name: str, kind: StepKind) -> int:
        return sum(1 for r in self.records if r.name == name and r.kind == kind)

    def completed(self, name: str, kind: StepKind) -> StepRecord | None:
        for r in self.records:
            if r.name == name and r.kind == kind and r.status == StepStatus.COMPLETED:
                return r
        return None

    def outputs(self) -> dict[str, dict[str, Any]]:
        return {
            r.name: r.output for r in self.records if r.kind == StepKind.FORWARD and r.status == StepStatus.COMPLETED
        }


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SagaEngine:
    """Executes one run of a definition against a run repository."""

    def __init__(
        self,
        *,
        runs: Any,
        definitions: Mapping[str, SagaDefinition],
        worker: str | None = None,
        lease_seconds: int | None = None,
        step_max_attempts: int | None = None,
        compensation_max_attempts: int | None = None,
        backoff_seconds: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.runs = runs
        self.definitions = definitions
        self.worker = worker or default_worker_id()
        self.lease = dt.timedelta(seconds=lease_seconds or settings.AICMO_LEASE_SECONDS)
        self.step_max_attempts = step_max_attempts or settings.AICMO_STEP_MAX_ATTEMPTS
        self.compensation_max_attempts = compensation_max_attempts or settings.AICMO_COMPENSATION_MAX_ATTEMPTS
        self.backoff = settings.AICMO_RETRY_BACKOFF_SECONDS if backoff_seconds is None else backoff_seconds
        self.sleep = sleep
        self.atomic = settings.AICMO_PERSISTENCE == "db"

    # -- public ---------------------------------------------------------------------------

    def execute(self, run_id: UUID, *, progress: Progress | None = None) -> WorkflowRun:
        """Claim the run and drive it as far as it can go; return its state afterwards.

        A run that another live worker holds, or that is already finished, is returned as is.
        Every log line written meanwhile, by any context, carries the run id (kernel.logs).
        """
        with logs.bound(run_id=run_id):
            return self._execute(run_id, progress=progress)

    def _execute(self, run_id: UUID, *, progress: Progress | None) -> WorkflowRun:
        progress = progress or Progress()
        run = self.runs.claim(run_id, worker=self.worker, now=clock.now(), lease=self.lease)
        if run is None:
            current = self.runs.get(run_id)
            if current is None:
                raise RunMissing(f"run {run_id} does not exist")
            return current
        # A pending run that never started has no step records (the engine marks a run started
        # before it records any step): no need to read them.
        fresh = run.status == RunStatus.PENDING and run.started_at is None
        state = _State(run=run, records=[] if fresh else self.runs.steps(run_id))
        definition = self.definitions[run.definition]
        try:
            if run.status in (RunStatus.PENDING, RunStatus.RUNNING, RunStatus.WAITING_APPROVAL):
                self._forward(state, definition, progress)
            if state.run.status == RunStatus.COMPENSATING:
                self._compensate(state, definition, progress)
        except ClaimLost:
            logger.warning("run %s: claim lost to another worker; stopping", run_id)
            return self.runs.get(run_id)
        return state.run

    # -- forward --------------------------------------------------------------------------

    def _forward(self, state: _State, definition: SagaDefinition, progress: Progress) -> None:
        now = clock.now()
        self._set(state, status=RunStatus.RUNNING, started_at=state.run.started_at or now, error=None)
        last = definition.steps[-1].name if definition.steps else None
        for step in definition.steps:
            if state.completed(step.name, StepKind.FORWARD):
                continue
            if state.run.cancel_requested or state.cancel_seen:
                # The run's latest write (just before this step) saw the request: no extra read needed.
                state.run = dataclasses.replace(state.run, cancel_requested=True)
                self._begin_compensation(state, cancelled=True)
                return
            outcome = self._run_forward_step(state, step, progress, completes_run=step.name == last)
            if outcome != "completed":
                return
        if state.run.status != RunStatus.COMPLETED:  # the last step was done before (a resumed run)
            self._set(state, status=RunStatus.COMPLETED, current_step="", finished_at=clock.now(), release=True)

    def _run_forward_step(self, state: _State, step: Step, progress: Progress, *, completes_run: bool = False) -> str:
        """Run one step to success, a wait or a failure. The last step's record also completes the run
        (one write: a run never shows all its steps done while still running)."""
        while True:
            attempt, ctx = self._next_attempt(state, step.name, StepKind.FORWARD)
            started = clock.now()
            try:
                self._attempt(
                    state,
                    step,
                    StepKind.FORWARD,
                    attempt,
                    started,
                    functools.partial(step.action, ctx),
                    completes_run=completes_run,
                )
                progress.step(state.records[-1])
                return "completed"
            except ClaimLost:
                raise
            except WaitForInput as wait:
                record = self._new_record(
                    state, step.name, StepKind.FORWARD, StepStatus.WAITING, attempt, started, wait.output, None
                )
                refs = _references(wait.output)
                self._set(
                    state, step=record, status=RunStatus.WAITING_APPROVAL, current_step=step.name, release=True, **refs
                )
                progress.step(record)
                return "waiting"
            except Exception as exc:
                error = self._record_failure(state, step.name, StepKind.FORWARD, attempt, started, exc, progress)
                if isinstance(exc, TransientStepError) and attempt < self.step_max_attempts:
                    self._pause_before_retry(state, step.name, attempt)
                    continue
                if not isinstance(exc, AppError):
                    logger.exception("run %s: step %s crashed", state.run.id, step.name)
                self._set(state, error=error)
                self._begin_compensation(state, cancelled=False)
                return "failed"

    # -- compensation -----------------------------------------------------------------------

    def _begin_compensation(self, state: _State, *, cancelled: bool) -> None:
        self._set(state, status=RunStatus.COMPENSATING, cancel_requested=cancelled or state.run.cancel_requested)

    def _compensate(self, state: _State, definition: SagaDefinition, progress: Progress) -> None:
        done = [r for r in state.records if r.kind == StepKind.FORWARD and r.status == StepStatus.COMPLETED]
        failures: list[StepError] = []
        for forward in reversed(done):
            step = definition.step(forward.name)
            if step.compensate is None or state.completed(step.name, StepKind.COMPENSATION):
                continue
            error = self._run_compensation(state, step, forward, progress)
            if error is not None:
                failures.append(error)
        finished = clock.now()
        if failures:
            first = failures[0]
            cause = state.run.error
            message = "; ".join(f"compensation of {f.step} failed: {f.type}: {f.message}" for f in failures)
            if cause is not None and cause.step not in {f.step for f in failures}:
                message += f" (after {cause.step} failed: {cause.type}: {cause.message})"
            error = StepError(step=first.step, type=first.type, message=message)
            self._set(state, status=RunStatus.COMPENSATION_FAILED, error=error, finished_at=finished, release=True)
            return
        status = RunStatus.CANCELLED if state.run.cancel_requested else RunStatus.COMPENSATED
        self._set(state, status=status, current_step="", finished_at=finished, release=True)

    def _run_compensation(self, state: _State, step: Step, forward: StepRecord, progress: Progress) -> StepError | None:
        while True:
            attempt, ctx = self._next_attempt(state, step.name, StepKind.COMPENSATION)
            started = clock.now()
            try:
                self._attempt(
                    state,
                    step,
                    StepKind.COMPENSATION,
                    attempt,
                    started,
                    functools.partial(step.compensate, ctx, forward.output),
                )
                progress.step(state.records[-1])
                return None
            except ClaimLost:
                raise
            except Exception as exc:
                error = self._record_failure(state, step.name, StepKind.COMPENSATION, attempt, started, exc, progress)
                if attempt >= self.compensation_max_attempts:
                    return error
                self._pause_before_retry(state, step.name, attempt)

    # -- attempts -------------------------------------------------------------------------------

    def _attempt(
        self,
        state: _State,
        step: Step,
        kind: StepKind,
        attempt: int,
        started: dt.datetime,
        work: Callable[[], dict[str, Any] | None],
        *,
        completes_run: bool = False,
    ) -> None:
        """Do one attempt's work and record its success. A transactional step's writes and record
        commit together; for one whose effects live outside the database the work runs first, on
        its own, and then its record is written (itself atomically)."""
        if step.transactional:
            with self._transaction():
                output = work() or {}
                self._record_success(state, step.name, kind, attempt, started, output, completes_run=completes_run)
            return
        output = work() or {}
        with self._transaction():
            self._record_success(state, step.name, kind, attempt, started, output, completes_run=completes_run)

    def _next_attempt(self, state: _State, name: str, kind: StepKind) -> tuple[int, StepContext]:
        attempt = state.attempts(name, kind) + 1
        ctx = StepContext(
            run_id=state.run.id,
            input=state.run.input,
            options=state.run.options,
            outputs=state.outputs(),
            attempt=attempt,
        )
        return attempt, ctx

    def _record_failure(
        self,
        state: _State,
        name: str,
        kind: StepKind,
        attempt: int,
        started: dt.datetime,
        exc: Exception,
        progress: Progress,
    ) -> StepError:
        """Record a failed attempt on its own, before the run's next state is decided."""
        error = StepError(step=name, type=type(exc).__name__, message=_message(exc))
        record = self._new_record(state, name, kind, StepStatus.FAILED, attempt, started, {}, error)
        self.runs.add_step(record)
        state.records.append(record)
        progress.step(record)
        return error

    def _pause_before_retry(self, state: _State, name: str, attempt: int) -> None:
        """Keep the claim while waiting, then back off exponentially."""
        self._set(state, current_step=name)
        self.sleep(self.backoff * (2 ** (attempt - 1)))

    # -- recording ----------------------------------------------------------------------------

    def _record_success(
        self,
        state: _State,
        name: str,
        kind: StepKind,
        attempt: int,
        started: dt.datetime,
        output: dict[str, Any],
        *,
        completes_run: bool = False,
    ) -> None:
        record = self._new_record(state, name, kind, StepStatus.COMPLETED, attempt, started, output, None)
        refs = _references(output) if kind == StepKind.FORWARD else {}
        if completes_run:
            finished = {"status": RunStatus.COMPLETED, "current_step": "", "finished_at": clock.now(), "release": True}
            self._set(state, step=record, **finished, **refs)
        else:
            self._set(state, step=record, current_step=name, **refs)

    def _new_record(
        self,
        state: _State,
        name: str,
        kind: StepKind,
        status: StepStatus,
        attempt: int,
        started: dt.datetime,
        output: Mapping[str, Any],
        error: StepError | None,
    ) -> StepRecord:
        return StepRecord(
            id=uuid.uuid4(),
            run_id=state.run.id,
            seq=state.next_seq,
            name=name,
            kind=kind,
            status=status,
            attempt=attempt,
            started_at=started,
            finished_at=clock.now(),
            output=dict(output),
            error=error,
        )

    def _set(self, state: _State, *, release: bool = False, step: StepRecord | None = None, **changes: Any) -> None:
        """Write the run's new state (with `step`'s record, in one go), fenced by our claim, renewing
        (or releasing) the lease. The same write reports a cancel request (`state.cancel_seen`)."""
        now = clock.now()
        lease = {"claimed_by": "", "lease_expires_at": None} if release else {"lease_expires_at": now + self.lease}
        run = dataclasses.replace(state.run, updated_at=now, **lease, **changes)
        # Only what changed is written: the run's input and options never do.
        changed = ("updated_at", *lease, *changes)
        outcome = self.runs.advance(run, worker=self.worker, step=step, fields=changed)
        if outcome is Advance.CLAIM_LOST:
            raise ClaimLost(str(state.run.id))
        state.cancel_seen = outcome is Advance.CANCEL_REQUESTED
        if step is not None:
            state.records.append(step)
        if release:
            run = dataclasses.replace(run, claimed_by="", lease_expires_at=None)
        state.run = run

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """A database transaction in db mode; memory mode has none."""
        if self.atomic:
            with transaction.atomic():
                yield
        else:
            yield


def _references(output: Mapping[str, Any]) -> dict[str, UUID]:
    return {key: UUID(str(output[key])) for key in RUN_REFERENCES if output.get(key)}


def _message(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return text[:2000]
