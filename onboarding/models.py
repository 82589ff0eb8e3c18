"""Onboarding tables: the raw intake (audit) and the normalized brief."""

from __future__ import annotations

import uuid

from django.db import models

from kernel.codec import from_primitive, to_primitive
from onboarding.domain import Brief, BriefStatus, Intake


class IntakeRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payload = models.TextField(help_text="The intake exactly as received.")
    content_type = models.CharField(max_length=100, default="application/json")
    source = models.CharField(max_length=50, help_text="api, cli, admin...")
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-received_at", "id"]
        verbose_name = "intake"

    def __str__(self) -> str:
        return f"intake {self.id} ({self.source}, {self.received_at:%Y-%m-%d %H:%M})"

    def to_domain(self) -> Intake:
        return Intake(
            id=self.id,
            payload=self.payload,
            content_type=self.content_type,
            source=self.source,
            received_at=self.received_at,
        )

    @classmethod
    def from_domain(cls, intake: Intake) -> IntakeRecord:
        return cls(
            id=intake.id,
            payload=intake.payload,
            content_type=intake.content_type,
            source=intake.source,
            received_at=intake.received_at,
        )


class BriefRecord(models.Model):
    """The normalized brief. Queried fields are columns; the value objects live in `data`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    intake = models.OneToOneField(IntakeRecord, on_delete=models.PROTECT, related_name="brief")
    client_name = models.CharField(max_length=200, db_index=True)
    product_name = models.CharField(max_length=200)
    channels = models.JSONField(default=list)
    status = models.CharField(
        max_length=20, choices=[(s.value, s.value.replace("_", " ")) for s in BriefStatus], db_index=True
    )
    timeline_start = models.DateField()
    timeline_end = models.DateField()
    budget_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    budget_currency = models.CharField(max_length=3, blank=True)
    sponsored = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64, db_index=True)
    data = models.JSONField(help_text="The normalized brief (goals, audience, brand, scope, delivery...).")
    created_at = models.DateTimeField(db_index=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "brief"
        permissions = [("submit_brief", "Can submit briefs")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(timeline_end__gte=models.F("timeline_start")),
                name="brief_timeline_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_name}: {self.product_name}"

    def to_domain(self) -> Brief:
        return from_primitive(Brief, self.data)

    @classmethod
    def fields_from_domain(cls, brief: Brief) -> dict:
        return {
            "intake_id": brief.intake_id,
            "client_name": brief.client.name,
            "product_name": brief.product.name,
            "channels": list(brief.channels),
            "status": brief.status.value,
            "timeline_start": brief.timeline.start,
            "timeline_end": brief.timeline.end,
            "budget_amount": brief.budget.amount,
            "budget_currency": brief.budget.currency,
            "sponsored": brief.sponsored,
            "fingerprint": brief.fingerprint,
            "data": to_primitive(brief),
            "created_at": brief.created_at,
            "updated_at": brief.updated_at,
        }
