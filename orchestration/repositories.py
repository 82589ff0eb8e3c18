"""Run persistence: the saga's durable state behind one contract, in the database or in memory.

Claims are compare-and-set: a single conditional UPDATE in the database (it takes the row
lock on PostgreSQL and the write lock of an IMMEDIATE transaction on SQLite), a lock-guarded
check in memory. A claim holds for a lease that the holder renews while it works; a worker that
died loses its claim when the lease expires, and the reaper releases it (`release_expired`) so
that the run can be queued again. Every other change of state that must not race with a worker
(an operator's retry or cancel of a run nobody holds) is a compare-and-set too (`transition`).
Lists are paged by the database (`limit`, `offset`) and counted apart (`count`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q

from kernel.errors import DuplicateError
from kernel.memory import InMemoryTable
from kernel.paging import page
from kernel.sql import insert_row, update_row
from orchestration.domain import CLAIMABLE_STATUSES, Advance, RunStatus, StepRecord, WorkflowRun
from orchestration.models import RunRecord, StepRecordRow

CLAIMABLE = tuple(s.value for s in CLAIMABLE_STATUSES)
# Unclaimed runs in these statuses should be in some worker's queue (see `idle`).
QUEUED = (RunStatus.PENDING.value, RunStatus.RUNNING.value, RunStatus.COMPENSATING.value)


class RunRepository(Protocol):
    def create(self, run: WorkflowRun) -> WorkflowRun:
        """Insert a new run; DuplicateError when its id or idempotency key is taken."""

    def get(self, run_id: UUID) -> WorkflowRun | None: ...

    def get_by_idempotency_key(self, key: str) -> WorkflowRun | None: ...

    def save(self, run: WorkflowRun) -> WorkflowRun:
        """Replace the run's state by id (idempotent)."""

    def list(
        self,
        *,
        status: RunStatus | None = None,
        brief_id: UUID | None = None,
        strategy_id: UUID | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[WorkflowRun]:
        """Newest first, ties by id; `limit` runs from `offset` (all of them without a limit)."""

    def count(
        self, *, status: RunStatus | None = None, brief_id: UUID | None = None, strategy_id: UUID | None = None
    ) -> int:
        """How many runs `list` with the same filters would give without a limit."""

    def claim(self, run_id: UUID, *, worker: str, now: dt.datetime, lease: dt.timedelta) -> WorkflowRun | None:
        """Take the run for `worker` if it is claimable (CLAIMABLE_STATUSES) and unclaimed, already
        ours, or its lease expired."""

    def request_cancel(self, run_id: UUID, *, now: dt.datetime) -> bool:
        """Flag a claimable run for cancellation, writing nothing else (a worker may be running it:
        its next fenced write or heartbeat sees the flag). False when the run is missing, finished or held."""

    def transition(self, run_id: UUID, *, from_status: RunStatus, now: dt.datetime, **changes) -> WorkflowRun | None:
        """Apply `changes` to the run if nobody holds it and it is still in `from_status`; None otherwise."""

    def release_expired(self, run_id: UUID, *, worker: str, now: dt.datetime) -> bool:
        """Drop `worker`'s claim if its lease has expired (the reaper's takeover); False if the run
        was renewed, released or taken meanwhile. The released run is left for a queue to pick up."""

    def idle(self, *, now: dt.datetime, quiet_since: dt.datetime, limit: int) -> list[WorkflowRun]:
        """Unclaimed runs that should be moving (pending, running, compensating) and were not written
        since `quiet_since`: their task was lost. Oldest first, at most `limit`."""

    def touch(self, run_id: UUID, *, seen: dt.datetime, now: dt.datetime) -> bool:
        """Set updated_at to `now` if it still is `seen` and the run is unclaimed (one reaper re-queues it)."""

    def advance(
        self, run: WorkflowRun, *, worker: str, step: StepRecord | None = None, fields: Iterable[str] | None = None
    ) -> Advance:
        """The saga's write: the run's new state, and `step` when given, only if `worker` holds the claim.

        `fields` names the run's fields that changed (only those are written); None writes them all.

        Both or neither are stored (DuplicateError for a step already recorded). Reports a cancel request
        someone else stored, so the engine needs no extra read to notice one. Inside the caller's
        transaction this joins it without a savepoint: on an error the caller's transaction is abandoned.
        """

    def stale(self, *, now: dt.datetime, limit: int | None = None) -> list[WorkflowRun]:
        """Claimed, unfinished runs whose lease has expired (their worker died), oldest lease first."""

    def add_step(self, step: StepRecord) -> StepRecord:
        """Record a step attempt; DuplicateError when (run, seq) or (run, name, kind, attempt) is taken."""

    def steps(self, run_id: UUID) -> list[StepRecord]:
        """The run's step records in the order they were made."""

    def steps_for_runs(self, run_ids: list[UUID]) -> dict[UUID, list[StepRecord]]: ...


def _claimable(run: WorkflowRun, worker: str, now: dt.datetime) -> bool:
    if run.status not in CLAIMABLE_STATUSES:
        return False
    return (
        not run.claimed_by
        or run.claimed_by == worker
        or (run.lease_expires_at is not None and run.lease_expires_at <= now)
    )


_STEP_TAKEN = "step {name} #{attempt} of run {run} already recorded"


def _changed_values(run: WorkflowRun, fields: Iterable[str] | None) -> dict:
    """The columns to write for `run`: all of them, or those of the named fields."""
    values = RunRecord.fields_from_domain(run)
    if fields is None:
        return values
    return {name: values[name] for name in fields if name in values}


def _matching(status: RunStatus | None, brief_id: UUID | None, strategy_id: UUID | None):
    return lambda r: (
        (status is None or r.status == status)
        and (brief_id is None or r.brief_id == brief_id)
        and (strategy_id is None or r.strategy_id == strategy_id)
    )


class DjangoRunRepository:
    def create(self, run: WorkflowRun) -> WorkflowRun:
        try:
            with transaction.atomic():
                RunRecord.objects.create(id=run.id, **RunRecord.fields_from_domain(run))
        except IntegrityError as exc:
            raise DuplicateError(f"run {run.id} or idempotency key {run.idempotency_key!r} already exists") from exc
        return run

    def get(self, run_id: UUID) -> WorkflowRun | None:
        record = RunRecord.objects.filter(id=run_id).first()
        return record.to_domain() if record else None

    def get_by_idempotency_key(self, key: str) -> WorkflowRun | None:
        record = RunRecord.objects.filter(idempotency_key=key).first()
        return record.to_domain() if record else None

    def save(self, run: WorkflowRun) -> WorkflowRun:
        try:
            with transaction.atomic():
                RunRecord.objects.update_or_create(id=run.id, defaults=RunRecord.fields_from_domain(run))
        except IntegrityError as exc:
            raise DuplicateError(f"run {run.id}: {exc}") from exc
        return run

    def list(
        self,
        *,
        status: RunStatus | None = None,
        brief_id: UUID | None = None,
        strategy_id: UUID | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[WorkflowRun]:
        qs = self._filtered(status, brief_id, strategy_id).order_by("-created_at", "id")
        return [r.to_domain() for r in page(qs, limit, offset)]

    def count(
        self, *, status: RunStatus | None = None, brief_id: UUID | None = None, strategy_id: UUID | None = None
    ) -> int:
        return self._filtered(status, brief_id, strategy_id).count()

    @staticmethod
    def _filtered(status: RunStatus | None, brief_id: UUID | None, strategy_id: UUID | None):
        qs = RunRecord.objects.all()
        if status is not None:
            qs = qs.filter(status=status.value)
        if brief_id is not None:
            qs = qs.filter(brief_id=brief_id)
        if strategy_id is not None:
            qs = qs.filter(strategy_id=strategy_id)
        return qs

    def claim(self, run_id: UUID, *, worker: str, now: dt.datetime, lease: dt.timedelta) -> WorkflowRun | None:
        free = Q(claimed_by="") | Q(claimed_by=worker) | Q(lease_expires_at__lte=now)
        taken = RunRecord.objects.filter(free, id=run_id, status__in=CLAIMABLE).update(
            claimed_by=worker, lease_expires_at=now + lease, updated_at=now
        )
        return self.get(run_id) if taken else None

    def request_cancel(self, run_id: UUID, *, now: dt.datetime) -> bool:
        flagged = RunRecord.objects.filter(id=run_id, status__in=CLAIMABLE).update(
            cancel_requested=True, updated_at=now
        )
        return bool(flagged)

    def advance(
        self, run: WorkflowRun, *, worker: str, step: StepRecord | None = None, fields: Iterable[str] | None = None
    ) -> Advance:
        values = _changed_values(run, fields)
        if not run.cancel_requested:
            values.pop("cancel_requested", None)  # never clear a request someone else stored
        # One statement in the common case: the fenced UPDATE also tells that no cancel was requested.
        # The saga writes these once per step: kernel.sql sends the same statements as the ORM, cheaper.
        mine = {"id": run.id, "claimed_by": worker}
        with transaction.atomic(savepoint=False) if step is not None else contextlib.nullcontext():
            if run.cancel_requested:
                outcome = Advance.WRITTEN if update_row(RunRecord, values=values, match=mine) else Advance.CLAIM_LOST
            elif update_row(RunRecord, values=values, match={**mine, "cancel_requested": False}):
                outcome = Advance.WRITTEN
            elif update_row(RunRecord, values=values, match=mine):
                outcome = Advance.CANCEL_REQUESTED
            else:
                outcome = Advance.CLAIM_LOST
            if step is not None and outcome is not Advance.CLAIM_LOST:
                try:
                    insert_row(StepRecordRow.from_domain(step))
                except IntegrityError as exc:
                    taken = _STEP_TAKEN.format(name=step.name, attempt=step.attempt, run=step.run_id)
                    raise DuplicateError(taken) from exc
        return outcome

    def transition(self, run_id: UUID, *, from_status: RunStatus, now: dt.datetime, **changes) -> WorkflowRun | None:
        current = self.get(run_id)
        if current is None:
            return None
        values = _changed_values(dataclasses.replace(current, updated_at=now, **changes), ("updated_at", *changes))
        moved = RunRecord.objects.filter(id=run_id, status=from_status.value, claimed_by="").update(**values)
        return self.get(run_id) if moved else None

    def release_expired(self, run_id: UUID, *, worker: str, now: dt.datetime) -> bool:
        released = RunRecord.objects.filter(
            id=run_id, claimed_by=worker, lease_expires_at__lte=now, status__in=CLAIMABLE
        ).update(claimed_by="", lease_expires_at=None, updated_at=now)
        return bool(released)

    def idle(self, *, now: dt.datetime, quiet_since: dt.datetime, limit: int) -> list[WorkflowRun]:
        qs = RunRecord.objects.filter(status__in=QUEUED, claimed_by="", updated_at__lte=quiet_since)
        return [r.to_domain() for r in qs.order_by("updated_at", "id")[:limit]]

    def touch(self, run_id: UUID, *, seen: dt.datetime, now: dt.datetime) -> bool:
        return bool(RunRecord.objects.filter(id=run_id, updated_at=seen, claimed_by="").update(updated_at=now))

    def stale(self, *, now: dt.datetime, limit: int | None = None) -> list[WorkflowRun]:
        qs = (
            RunRecord.objects.filter(status__in=CLAIMABLE, lease_expires_at__lte=now)
            .exclude(claimed_by="")
            .order_by("lease_expires_at", "id")
        )
        return [r.to_domain() for r in page(qs, limit, 0)]

    def add_step(self, step: StepRecord) -> StepRecord:
        try:
            with transaction.atomic():
                StepRecordRow.from_domain(step).save(force_insert=True)
        except IntegrityError as exc:
            raise DuplicateError(_STEP_TAKEN.format(name=step.name, attempt=step.attempt, run=step.run_id)) from exc
        return step

    def steps(self, run_id: UUID) -> list[StepRecord]:
        return [r.to_domain() for r in StepRecordRow.objects.filter(run_id=run_id).order_by("seq")]

    def steps_for_runs(self, run_ids: list[UUID]) -> dict[UUID, list[StepRecord]]:
        out: dict[UUID, list[StepRecord]] = {rid: [] for rid in run_ids}
        for row in StepRecordRow.objects.filter(run_id__in=run_ids).order_by("run_id", "seq"):
            out[row.run_id].append(row.to_domain())
        return out


class InMemoryRunRepository:
    def __init__(self) -> None:
        self._runs: InMemoryTable[WorkflowRun] = InMemoryTable(unique={"idempotency_key": lambda r: r.idempotency_key})
        self._steps: InMemoryTable[StepRecord] = InMemoryTable(
            unique={
                "seq": lambda s: (s.run_id, s.seq),
                "attempt": lambda s: (s.run_id, s.name, s.kind, s.attempt),
            }
        )
        self._steps_by_run: dict[UUID, list[UUID]] = {}

    def create(self, run: WorkflowRun) -> WorkflowRun:
        return self._runs.insert(run)

    def get(self, run_id: UUID) -> WorkflowRun | None:
        return self._runs.get(run_id)

    def get_by_idempotency_key(self, key: str) -> WorkflowRun | None:
        return self._runs.find_one(lambda r: r.idempotency_key == key)

    def save(self, run: WorkflowRun) -> WorkflowRun:
        return self._runs.put(run)

    def list(
        self,
        *,
        status: RunStatus | None = None,
        brief_id: UUID | None = None,
        strategy_id: UUID | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[WorkflowRun]:
        return self._runs.find(
            _matching(status, brief_id, strategy_id),
            key=lambda r: (-r.created_at.timestamp(), str(r.id)),
            limit=limit,
            offset=offset,
        )

    def count(
        self, *, status: RunStatus | None = None, brief_id: UUID | None = None, strategy_id: UUID | None = None
    ) -> int:
        return self._runs.count(_matching(status, brief_id, strategy_id))

    def claim(self, run_id: UUID, *, worker: str, now: dt.datetime, lease: dt.timedelta) -> WorkflowRun | None:
        with self._runs.lock:
            run = self._runs.get(run_id)
            if run is None or not _claimable(run, worker, now):
                return None
            return self._runs.put(
                dataclasses.replace(run, claimed_by=worker, lease_expires_at=now + lease, updated_at=now)
            )

    def request_cancel(self, run_id: UUID, *, now: dt.datetime) -> bool:
        with self._runs.lock:
            current = self._runs.peek(run_id)
            if current is None or current.status not in CLAIMABLE_STATUSES:
                return False
            self._runs.put(dataclasses.replace(current, cancel_requested=True, updated_at=now))
            return True

    def advance(
        self, run: WorkflowRun, *, worker: str, step: StepRecord | None = None, fields: Iterable[str] | None = None
    ) -> Advance:
        with self._runs.lock, self._steps.lock:
            current = self._runs.peek(run.id)
            if current is None or current.claimed_by != worker:
                return Advance.CLAIM_LOST
            cancelled_by_other = current.cancel_requested and not run.cancel_requested
            if fields is not None:
                names = {f.name for f in dataclasses.fields(WorkflowRun)}
                run = dataclasses.replace(current, **{name: getattr(run, name) for name in fields if name in names})
            if step is not None:
                self.add_step(step)
            self._runs.put(dataclasses.replace(run, cancel_requested=True) if cancelled_by_other else run)
            return Advance.CANCEL_REQUESTED if cancelled_by_other else Advance.WRITTEN

    def transition(self, run_id: UUID, *, from_status: RunStatus, now: dt.datetime, **changes) -> WorkflowRun | None:
        with self._runs.lock:
            current = self._runs.peek(run_id)
            if current is None or current.status != from_status or current.claimed_by:
                return None
            return self._runs.put(dataclasses.replace(current, updated_at=now, **changes))

    def release_expired(self, run_id: UUID, *, worker: str, now: dt.datetime) -> bool:
        with self._runs.lock:
            current = self._runs.peek(run_id)
            if (
                current is None
                or current.status not in CLAIMABLE_STATUSES
                or current.claimed_by != worker
                or current.lease_expires_at is None
                or current.lease_expires_at > now
            ):
                return False
            self._runs.put(dataclasses.replace(current, claimed_by="", lease_expires_at=None, updated_at=now))
            return True

    def idle(self, *, now: dt.datetime, quiet_since: dt.datetime, limit: int) -> list[WorkflowRun]:
        return self._runs.find(
            lambda r: r.status.value in QUEUED and not r.claimed_by and r.updated_at <= quiet_since,
            key=lambda r: (r.updated_at, str(r.id)),
            limit=limit,
        )

    def touch(self, run_id: UUID, *, seen: dt.datetime, now: dt.datetime) -> bool:
        with self._runs.lock:
            current = self._runs.peek(run_id)
            if current is None or current.updated_at != seen or current.claimed_by:
                return False
            self._runs.put(dataclasses.replace(current, updated_at=now))
            return True

    def stale(self, *, now: dt.datetime, limit: int | None = None) -> list[WorkflowRun]:
        return self._runs.find(
            lambda r: (
                r.status in CLAIMABLE_STATUSES
                and bool(r.claimed_by)
                and r.lease_expires_at is not None
                and r.lease_expires_at <= now
            ),
            key=lambda r: (r.lease_expires_at, str(r.id)),
            limit=limit,
        )

    def add_step(self, step: StepRecord) -> StepRecord:
        with self._steps.lock:
            stored = self._steps.insert(step)
            self._steps_by_run.setdefault(step.run_id, []).append(step.id)
            return stored

    def steps(self, run_id: UUID) -> list[StepRecord]:
        with self._steps.lock:
            rows = [self._steps.get(sid) for sid in self._steps_by_run.get(run_id, [])]
        return sorted((r for r in rows if r is not None), key=lambda s: s.seq)

    def steps_for_runs(self, run_ids: list[UUID]) -> dict[UUID, list[StepRecord]]:
        return {rid: self.steps(rid) for rid in run_ids}
