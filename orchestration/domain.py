"""The saga's durable state: workflow runs and their forward and compensation step records."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID


class RunStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    WAITING_APPROVAL = "waiting_approval"
    COMPLETED = "completed"
    COMPENSATING = "compensating"
    COMPENSATED = "compensated"
    COMPENSATION_FAILED = "compensation_failed"
    CANCELLED = "cancelled"
    # A step that hands work to the client failed after its retries: everything done so far is
    # kept and the run waits for an operator to retry that step or cancel the run.
    DELIVERY_FAILED = "delivery_failed"


TERMINAL_STATUSES = frozenset(
    {RunStatus.COMPLETED, RunStatus.COMPENSATED, RunStatus.COMPENSATION_FAILED, RunStatus.CANCELLED}
)
# Statuses a worker may claim a run in and drive it on. A run held for an operator (delivery_failed)
# is neither finished nor claimable: only a retry or a cancel moves it.
CLAIMABLE_STATUSES = frozenset(
    {RunStatus.PENDING, RunStatus.RUNNING, RunStatus.WAITING_APPROVAL, RunStatus.COMPENSATING}
)


class StepKind(enum.StrEnum):
    FORWARD = "forward"
    COMPENSATION = "compensation"


class StepStatus(enum.StrEnum):
    COMPLETED = "completed"
    FAILED = "failed"
    WAITING = "waiting"


@dataclass(frozen=True)
class StepError:
    step: str
    type: str
    message: str


@dataclass(frozen=True)
class StepRecord:
    id: UUID
    run_id: UUID
    seq: int
    name: str
    kind: StepKind
    status: StepStatus
    attempt: int
    started_at: datetime
    finished_at: datetime | None
    output: dict[str, Any] = field(default_factory=dict)
    error: StepError | None = None

    @property
    def duration_ms(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds() * 1000


@dataclass(frozen=True)
class WorkflowRun:
    id: UUID
    status: RunStatus
    definition: str
    definition_version: int
    options: dict[str, Any]
    input: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    brief_id: UUID | None = None
    strategy_id: UUID | None = None
    package_id: UUID | None = None
    idempotency_key: str | None = None
    current_step: str = ""
    error: StepError | None = None
    claimed_by: str = ""
    lease_expires_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    cancel_requested: bool = False


class Advance(enum.Enum):
    """What the saga's fenced write did (`RunRepository.advance`): wrote the run, wrote it and found
    that someone asked to cancel it, or wrote nothing because another worker holds the claim."""

    WRITTEN = "written"
    CANCEL_REQUESTED = "cancel_requested"
    CLAIM_LOST = "claim_lost"
