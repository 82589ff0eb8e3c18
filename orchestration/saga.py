"""A small durable saga engine: runs steps in order, records each attempt, compensates in reverse.

A step is a plain function of a `StepContext` returning a JSON-ready dict (its output); its
compensation is a function of the context and that output. Nothing here knows about briefs or
strategies, so the same engine runs the client-delivery workflow and the benchmarks' no-op one.

Each `Step` declares its policy, as an activity does in Temporal: how many attempts and how long
to back off between them (the one retry layer: nothing under a step retries on its own), a time
budget per attempt, whether it runs inside a transaction, and what its final failure means
(compensate the run, or hold it for an operator with its work kept: `delivery_failed`).

Durability and fencing: a transactional step's writes, its step record and the run's new state
commit in one unit of work, and every write the engine makes for a run (step records, failures,
compensations, lease renewals) is conditional on the worker still holding the run's claim. A
worker that lost its claim stops without writing (`ClaimLost`). Steps whose effects live outside
the database (LLM calls, files, webhooks, e-mail) run outside any transaction; while they work,
`ctx.heartbeat()` renews the claim, and it is where a cancel, a timeout or a lost claim stops them.
A database that cannot be reached is not a step's failure: nothing is recorded, the error goes to
the caller, and the run resumes where it was once the database is back.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import dataclasses
import datetime as dt
import enum
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings

from kernel import clock, logs
from kernel.errors import AppError, TransientStepError
from kernel.heartbeat import NO_HEARTBEAT, Heartbeat
from kernel.uow import DATABASE_UNAVAILABLE, UnitOfWork, drop_broken_connections
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

T = TypeVar("T")

# Output keys that a step may hand up to the run itself, so runs can be found by them.
RUN_REFERENCES = ("brief_id", "strategy_id", "package_id")

CANCELLED_DURING_STEP = "the run was cancelled while {step} was running; it stopped at a safe point"
TIMED_OUT = "{step} used up its time budget of {seconds:g}s"


class WaitForInput(Exception):
    """Raised by a step that cannot go on until something outside the run happens (an approval)."""

    def __init__(self, reason: str, **output: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.output = output


class ClaimLost(Exception):
    """Another worker took the run over (our lease expired, or the run was released); stop without writing."""


class StepCancelled(Exception):
    """The run was cancelled while a step worked: the step stops at a heartbeat and the run compensates."""

    code = "cancelled"


class StepTimedOut(TransientStepError):
    """An attempt went past its step's time budget (checked at heartbeats); retried like a timeout."""

    code = "step_timed_out"


class RunMissing(LookupError):
    """The run to execute does not exist."""


class OnFailure(enum.StrEnum):
    COMPENSATE = "compensate"  # undo the finished steps in reverse, the run ends compensated
    HOLD = "hold"  # keep everything, the run waits in delivery_failed for a retry or a cancel


Setting = int | float | Callable[[], int | float] | None


def _resolve(value: Setting, default: int | float) -> Any:
    if value is None:
        return default
    return value() if callable(value) else value


@dataclass(frozen=True)
class StepContext:
    """What a step sees: the run's id, input and options, the outputs of finished steps, and its heartbeat."""

    run_id: UUID
    input: Mapping[str, Any]
    options: Mapping[str, Any]
    outputs: Mapping[str, Mapping[str, Any]]
    attempt: int = 1
    heartbeat: Heartbeat = NO_HEARTBEAT

    def output_of(self, step: str) -> Mapping[str, Any]:
        return self.outputs.get(step, {})


Action = Callable[[StepContext], dict[str, Any]]
Compensation = Callable[[StepContext, Mapping[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Step:
    """One step and its policy. Values left None follow the settings (AICMO_STEP_MAX_ATTEMPTS,
    AICMO_RETRY_BACKOFF_SECONDS); a callable is read when the step runs, so settings overrides apply."""

    name: str
    action: Action
    compensate: Compensation | None = None
    # False for steps whose effects live outside the database (LLM calls, files, webhooks, e-mail):
    # they run outside any transaction, heartbeat while they work, and only their record is written
    # transactionally. A failure half-way through is compensated too (it may have left something).
    transactional: bool = True
    # Attempts in one go (only TransientStepError is retried), and the first pause (it doubles).
    attempts: Setting = None
    backoff_seconds: Setting = None
    # Time budget of one attempt, enforced at the step's heartbeats (None: no limit).
    timeout_seconds: Setting = None
    # How often its heartbeats renew the claim (None: AICMO_HEARTBEAT_SECONDS; never less often than lease / 3).
    heartbeat_seconds: Setting = None
    on_failure: OnFailure = OnFailure.COMPENSATE


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
    # Set when a write of ours found that someone asked to cancel the run (see `SagaEngine._set`).
    cancel_seen: bool = False
    renewed_at: float = field(default_factory=time.monotonic)

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

    @property
    def cancelled(self) -> bool:
        return self.run.cancel_requested or self.cancel_seen


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class _StepHeartbeat:
    """The heartbeat one attempt of one step gets: renews the run's lease through the engine's fenced
    write when due, and stops the step (raises) at a safe point once the run is cancelled, its time
    budget is spent or the claim is gone."""

    def __init__(
        self, engine: SagaEngine, state: _State, step: str, *, interval: float, deadline: float | None, budget: float
    ) -> None:
        self.engine = engine
        self.state = state
        self.step = step
        self.interval = interval
        self.deadline = deadline
        self.budget = budget

    def __call__(self) -> None:
        self.engine._renew_if_due(self.state, self.interval)
        if self.state.cancelled:
            raise StepCancelled(CANCELLED_DURING_STEP.format(step=self.step))
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise StepTimedOut(TIMED_OUT.format(step=self.step, seconds=self.budget))

    def during(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run `fn` in a helper thread (it must not use the database) and renew the lease from this
        thread until it returns. It is never abandoned: whatever it did is known before anything else."""
        interval = self.interval
        lost = False
        with concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"step-{self.step}") as pool:
            # In this thread's context, so what fn logs carries the run id (kernel.logs).
            future = pool.submit(contextvars.copy_context().run, fn, *args, **kwargs)
            while True:
                try:
                    result = future.result(timeout=interval)
                    break
                except concurrent.futures.TimeoutError:
                    try:
                        self.engine._renew_if_due(self.state, interval)
                    except ClaimLost:
                        lost = True  # still wait: nothing else may happen while fn runs
                    except DATABASE_UNAVAILABLE:
                        # Keep waiting for fn; a fresh connection next time lets the renewals (and the
                        # step's record) go through as soon as the database is back.
                        logger.warning("run %s: lease renewal failed (database unavailable)", self.state.run.id)
                        drop_broken_connections()
        if lost:
            raise ClaimLost(str(self.state.run.id))
        return result


class SagaEngine:
    """Executes one run of a definition against a run repository and a unit of work."""

    def __init__(
        self,
        *,
        runs: Any,
        definitions: Mapping[str, SagaDefinition],
        uow: UnitOfWork,
        worker: str | None = None,
        lease_seconds: float | None = None,
        heartbeat_seconds: float | None = None,
        step_max_attempts: int | None = None,
        compensation_max_attempts: int | None = None,
        backoff_seconds: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.runs = runs
        self.definitions = definitions
        self.uow = uow
        self.worker = worker or default_worker_id()
        self.lease = dt.timedelta(seconds=lease_seconds or settings.AICMO_LEASE_SECONDS)
        # Renew well before the lease runs out, whatever the two settings say.
        self.heartbeat_interval = heartbeat_seconds or min(
            settings.AICMO_HEARTBEAT_SECONDS, self.lease.total_seconds() / 3
        )
        self.step_max_attempts = step_max_attempts or settings.AICMO_STEP_MAX_ATTEMPTS
        self.compensation_max_attempts = compensation_max_attempts or settings.AICMO_COMPENSATION_MAX_ATTEMPTS
        self.backoff = settings.AICMO_RETRY_BACKOFF_SECONDS if backoff_seconds is None else backoff_seconds
        self.sleep = sleep

    # -- public ---------------------------------------------------------------------------

    def execute(self, run_id: UUID, *, progress: Progress | None = None) -> WorkflowRun:
        """Claim the run and drive it as far as it can go; return its state afterwards.

        A run that another live worker holds, or that is finished or held for an operator, is
        returned as is. A database that cannot be reached raises (see DATABASE_UNAVAILABLE) with
        nothing recorded: call again, with the same worker id, once it is back. Every log line written
        meanwhile, by any context, carries the run id (kernel.logs).
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
        self._set(state, status=RunStatus.RUNNING, started_at=state.run.started_at or now, error=None, finished_at=None)
        last = definition.steps[-1].name if definition.steps else None
        for step in definition.steps:
            if state.completed(step.name, StepKind.FORWARD):
                continue
            outcome = self._run_forward_step(state, step, progress, completes_run=step.name == last)
            if outcome != "completed":
                return
        if state.run.status != RunStatus.COMPLETED:  # the last step was done before (a resumed run)
            self._set(state, status=RunStatus.COMPLETED, current_step="", finished_at=clock.now(), release=True)

    def _run_forward_step(self, state: _State, step: Step, progress: Progress, *, completes_run: bool = False) -> str:
        """Run one step to success, a wait, a cancel or a failure. The last step's record also completes
        the run (one write: a run never shows all its steps done while still running)."""
        max_attempts = int(_resolve(step.attempts, self.step_max_attempts))
        tries = 0
        while True:
            if state.cancelled:
                # Seen by the run's latest write (a step boundary): no extra read needed.
                self._begin_compensation(state, cancelled=True)
                return "cancelled"
            tries += 1
            attempt, ctx = self._next_attempt(state, step, StepKind.FORWARD)
            started = clock.now()
            try:
                self._attempt(
                    state, step, StepKind.FORWARD, attempt, started, functools.partial(step.action, ctx), completes_run
                )
                progress.step(state.records[-1])
                return "completed"
            except (ClaimLost, *DATABASE_UNAVAILABLE):
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
            except StepCancelled as exc:
                self._record_failure(state, step.name, StepKind.FORWARD, attempt, started, exc, progress)
                self._begin_compensation(state, cancelled=True)
                return "cancelled"
            except Exception as exc:
                error = self._record_failure(state, step.name, StepKind.FORWARD, attempt, started, exc, progress)
                if isinstance(exc, TransientStepError) and tries < max_attempts:
                    self._pause_before_retry(state, step, tries)
                    continue
                if not isinstance(exc, AppError):
                    logger.exception("run %s: step %s crashed", state.run.id, step.name)
                if step.on_failure == OnFailure.HOLD:
                    self._set(
                        state,
                        status=RunStatus.DELIVERY_FAILED,
                        error=error,
                        current_step=step.name,
                        finished_at=clock.now(),
                        release=True,
                    )
                    return "held"
                self._set(state, error=error)
                self._begin_compensation(state, cancelled=False)
                return "failed"

    # -- compensation -----------------------------------------------------------------------

    def _begin_compensation(self, state: _State, *, cancelled: bool) -> None:
        self._set(state, status=RunStatus.COMPENSATING, cancel_requested=cancelled or state.run.cancel_requested)

    def _to_compensate(self, state: _State, definition: SagaDefinition) -> list[tuple[Step, StepRecord]]:
        """Finished steps, and steps outside the database that failed (they may have left part of their
        work), newest first. A failed transactional step left nothing: its transaction rolled back."""
        chosen: dict[str, StepRecord] = {}
        known = {step.name: step for step in definition.steps}
        for record in state.records:
            if record.kind != StepKind.FORWARD or record.name in chosen:
                continue
            step = known.get(record.name)
            if step is None:  # a step an older version of the definition had: nothing of it to undo now
                continue
            finished = state.completed(record.name, StepKind.FORWARD)
            if finished is not None:
                chosen[record.name] = finished
            elif not step.transactional and record.status == StepStatus.FAILED:
                chosen[record.name] = record
        ordered = sorted(chosen.values(), key=lambda r: r.seq, reverse=True)
        return [(known[r.name], r) for r in ordered]

    def _compensate(self, state: _State, definition: SagaDefinition, progress: Progress) -> None:
        failures: list[StepError] = []
        for step, forward in self._to_compensate(state, definition):
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
        tries = 0
        while True:
            tries += 1
            attempt, ctx = self._next_attempt(state, step, StepKind.COMPENSATION)
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
            except (ClaimLost, *DATABASE_UNAVAILABLE):
                raise
            except Exception as exc:
                error = self._record_failure(state, step.name, StepKind.COMPENSATION, attempt, started, exc, progress)
                if tries >= self.compensation_max_attempts:
                    return error
                self._pause_before_retry(state, step, tries)

    # -- attempts -------------------------------------------------------------------------------

    def _attempt(
        self,
        state: _State,
        step: Step,
        kind: StepKind,
        attempt: int,
        started: dt.datetime,
        work: Callable[[], dict[str, Any] | None],
        completes_run: bool = False,
    ) -> None:
        """Do one attempt's work and record its success. A transactional step's writes and record
        commit together; one whose effects live outside the database works on its own (heartbeating)
        and then its record is written (itself atomically)."""
        if step.transactional:
            with self.uow:
                output = work() or {}
                self._record_success(state, step.name, kind, attempt, started, output, completes_run=completes_run)
            return
        output = work() or {}
        with self.uow:
            self._record_success(state, step.name, kind, attempt, started, output, completes_run=completes_run)

    def _next_attempt(self, state: _State, step: Step, kind: StepKind) -> tuple[int, StepContext]:
        attempt = state.attempts(step.name, kind) + 1
        heartbeat: Heartbeat = NO_HEARTBEAT
        if not step.transactional:
            # A transactional step is short (no I/O) and its writes commit only at its end: a renewal
            # inside it would be invisible until then, so it has no heartbeat.
            budget = float(_resolve(step.timeout_seconds, 0)) or None
            deadline = time.monotonic() + budget if budget else None
            interval = min(float(_resolve(step.heartbeat_seconds, self.heartbeat_interval)), self.heartbeat_interval)
            heartbeat = _StepHeartbeat(self, state, step.name, interval=interval, deadline=deadline, budget=budget or 0)
        ctx = StepContext(
            run_id=state.run.id,
            input=state.run.input,
            options=state.run.options,
            outputs=state.outputs(),
            attempt=attempt,
            heartbeat=heartbeat,
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
        """Record a failed attempt (fenced by our claim, like every write), before the run's next state is decided."""
        error = StepError(step=name, type=type(exc).__name__, message=_message(exc))
        record = self._new_record(state, name, kind, StepStatus.FAILED, attempt, started, {}, error)
        self._set(state, step=record, current_step=name)
        progress.step(record)
        return error

    def _pause_before_retry(self, state: _State, step: Step, tries: int) -> None:
        """Back off exponentially, keeping the claim; a cancel seen meanwhile is acted on next."""
        base = float(_resolve(step.backoff_seconds, self.backoff))
        remaining = base * (2 ** (tries - 1))
        while remaining > 0 and not state.cancelled:
            pause = min(remaining, self.heartbeat_interval)
            self.sleep(pause)
            remaining -= pause
            self._renew_if_due(state, self.heartbeat_interval)

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

    def _renew_if_due(self, state: _State, interval: float) -> None:
        """A heartbeat's write: renew the lease (fenced) once `interval` has passed since the last write."""
        if time.monotonic() - state.renewed_at >= interval:
            self._set(state)

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
        state.renewed_at = time.monotonic()
        state.cancel_seen = state.cancel_seen or outcome is Advance.CANCEL_REQUESTED
        if step is not None:
            state.records.append(step)
        if release:
            run = dataclasses.replace(run, claimed_by="", lease_expires_at=None)
        state.run = run


def _references(output: Mapping[str, Any]) -> dict[str, UUID]:
    return {key: UUID(str(output[key])) for key in RUN_REFERENCES if output.get(key)}


def _message(exc: BaseException) -> str:
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return text[:2000]
