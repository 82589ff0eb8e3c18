"""The saga's tables: one row per workflow run, one per forward or compensation step attempt."""

from __future__ import annotations

import uuid

from django.db import models

from kernel.codec import from_primitive, to_primitive
from orchestration.domain import RunStatus, StepError, StepKind, StepRecord, StepStatus, WorkflowRun


class RunRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(max_length=24, choices=[(s.value, s.value.replace("_", " ")) for s in RunStatus])
    definition = models.CharField(max_length=100)
    definition_version = models.PositiveIntegerField()
    options = models.JSONField(default=dict)
    input = models.JSONField(default=dict)
    brief_id = models.UUIDField(null=True, blank=True, db_index=True)
    strategy_id = models.UUIDField(null=True, blank=True, db_index=True)
    package_id = models.UUIDField(null=True, blank=True)
    # "<user id>:<client key>" from the API (keys are per user), up to 255 characters of the key itself.
    idempotency_key = models.CharField(max_length=300, null=True, blank=True, unique=True)
    current_step = models.CharField(max_length=100, blank=True)
    error = models.JSONField(null=True, blank=True)
    claimed_by = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "workflow run"
        permissions = [
            ("start_run", "Can start workflow runs"),
            ("resume_run", "Can resume workflow runs"),
            ("cancel_run", "Can cancel workflow runs"),
            ("retry_run", "Can retry failed workflow runs (hand-over or compensation)"),
        ]
        indexes = [models.Index(fields=["status", "lease_expires_at"], name="run_status_lease_idx")]

    def __str__(self) -> str:
        return f"run {self.id} ({self.status})"

    def to_domain(self) -> WorkflowRun:
        return WorkflowRun(
            id=self.id,
            status=RunStatus(self.status),
            definition=self.definition,
            definition_version=self.definition_version,
            options=self.options,
            input=self.input,
            created_at=self.created_at,
            updated_at=self.updated_at,
            brief_id=self.brief_id,
            strategy_id=self.strategy_id,
            package_id=self.package_id,
            idempotency_key=self.idempotency_key,
            current_step=self.current_step,
            error=from_primitive(StepError, self.error) if self.error else None,
            claimed_by=self.claimed_by,
            lease_expires_at=self.lease_expires_at,
            started_at=self.started_at,
            finished_at=self.finished_at,
            cancel_requested=self.cancel_requested,
        )

    @staticmethod
    def fields_from_domain(run: WorkflowRun) -> dict:
        return {
            "status": run.status.value,
            "definition": run.definition,
            "definition_version": run.definition_version,
            "options": to_primitive(run.options),
            "input": to_primitive(run.input),
            "brief_id": run.brief_id,
            "strategy_id": run.strategy_id,
            "package_id": run.package_id,
            "idempotency_key": run.idempotency_key,
            "current_step": run.current_step,
            "error": to_primitive(run.error),
            "claimed_by": run.claimed_by,
            "lease_expires_at": run.lease_expires_at,
            "cancel_requested": run.cancel_requested,
            "created_at": run.created_at,
            "updated_at": run.updated_at,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
        }


class StepRecordRow(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(RunRecord, on_delete=models.CASCADE, related_name="steps")
    seq = models.PositiveIntegerField(help_text="Order of this record within its run.")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=[(k.value, k.value) for k in StepKind])
    status = models.CharField(max_length=12, choices=[(s.value, s.value) for s in StepStatus])
    attempt = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    output = models.JSONField(default=dict)
    error = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["run", "seq"]
        verbose_name = "step"
        constraints = [
            models.UniqueConstraint(fields=["run", "seq"], name="step_unique_seq_per_run"),
            models.UniqueConstraint(fields=["run", "name", "kind", "attempt"], name="step_unique_attempt"),
            models.CheckConstraint(condition=models.Q(attempt__gte=1), name="step_attempt_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} #{self.attempt}: {self.status}"

    def to_domain(self) -> StepRecord:
        return StepRecord(
            id=self.id,
            run_id=self.run_id,
            seq=self.seq,
            name=self.name,
            kind=StepKind(self.kind),
            status=StepStatus(self.status),
            attempt=self.attempt,
            started_at=self.started_at,
            finished_at=self.finished_at,
            output=self.output,
            error=from_primitive(StepError, self.error) if self.error else None,
        )

    @staticmethod
    def from_domain(step: StepRecord) -> StepRecordRow:
        return StepRecordRow(
            id=step.id,
            run_id=step.run_id,
            seq=step.seq,
            name=step.name,
            kind=step.kind.value,
            status=step.status.value,
            attempt=step.attempt,
            started_at=step.started_at,
            finished_at=step.finished_at,
            output=to_primitive(step.output),
            error=to_primitive(step.error),
        )
