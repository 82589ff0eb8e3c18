"""Strategy tables: one row per strategy version of a brief."""

from __future__ import annotations

import uuid

from django.db import models

from kernel.codec import from_primitive, to_primitive
from strategy.domain import KPI, ChannelPlan, Milestone, Pillar, PlannedAsset, RevisionRequest, Strategy, StrategyStatus


class StrategyRecord(models.Model):
    """A strategy version. Queried fields are columns; KPIs, channel plans and milestones are JSON."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The brief lives in another context: referenced by id, never by foreign key.
    brief_id = models.UUIDField(db_index=True)
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=20,
        choices=[(s.value, s.value) for s in StrategyStatus],
        default=StrategyStatus.DRAFT.value,
        db_index=True,
    )
    executive_summary = models.TextField()
    positioning = models.TextField(blank=True)
    kpis = models.JSONField(default=list)
    channel_plans = models.JSONField(default=list)
    milestones = models.JSONField(default=list)
    timeline_start = models.DateField()
    timeline_end = models.DateField()
    created_at = models.DateTimeField(db_index=True)
    generator = models.CharField(max_length=50, default="rules-v1")
    addressed_notes = models.JSONField(default=list, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_notes = models.TextField(blank=True)
    run_id = models.UUIDField(null=True, blank=True, db_index=True)
    superseded_by = models.UUIDField(null=True, blank=True, db_index=True)
    status_before_supersede = models.CharField(max_length=20, blank=True)
    pillars = models.JSONField(default=list, blank=True)
    calendar = models.JSONField(default=list, blank=True, help_text="Every planned asset, in calendar order.")
    insight = models.TextField(blank=True)
    core_message = models.TextField(blank=True)
    risks = models.JSONField(default=list, blank=True)
    compliance = models.JSONField(default=list, blank=True)
    tone = models.CharField(max_length=20, blank=True)
    revision_requests = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True, help_text="What each applied revision request changed.")
    unapplied_notes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["brief_id", "version"]
        verbose_name = "strategy"
        verbose_name_plural = "strategies"
        permissions = [("approve_strategy", "Can approve or reject strategies")]
        constraints = [
            models.UniqueConstraint(fields=["brief_id", "version"], name="strategy_one_row_per_brief_version"),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="strategy_version_at_least_1"),
            models.CheckConstraint(
                condition=models.Q(timeline_end__gte=models.F("timeline_start")),
                name="strategy_timeline_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"strategy v{self.version} of brief {self.brief_id} ({self.status})"

    def to_domain(self) -> Strategy:
        return Strategy(
            id=self.id,
            brief_id=self.brief_id,
            version=self.version,
            status=StrategyStatus(self.status),
            executive_summary=self.executive_summary,
            positioning=self.positioning,
            kpis=from_primitive(tuple[KPI, ...], self.kpis),
            channel_plans=from_primitive(tuple[ChannelPlan, ...], self.channel_plans),
            milestones=from_primitive(tuple[Milestone, ...], self.milestones),
            timeline_start=self.timeline_start,
            timeline_end=self.timeline_end,
            created_at=self.created_at,
            generator=self.generator,
            addressed_notes=tuple(self.addressed_notes),
            decided_by=self.decided_by,
            decided_at=self.decided_at,
            decision_notes=self.decision_notes,
            run_id=self.run_id,
            superseded_by=self.superseded_by,
            status_before_supersede=self.status_before_supersede,
            pillars=from_primitive(tuple[Pillar, ...], self.pillars),
            calendar=from_primitive(tuple[PlannedAsset, ...], self.calendar),
            insight=self.insight,
            core_message=self.core_message,
            risks=tuple(self.risks),
            compliance=tuple(self.compliance),
            tone=self.tone,
            revision_requests=from_primitive(tuple[RevisionRequest, ...], self.revision_requests),
            changes=tuple(self.changes),
            unapplied_notes=tuple(self.unapplied_notes),
        )

    @classmethod
    def fields_from_domain(cls, strategy: Strategy) -> dict:
        return {
            "brief_id": strategy.brief_id,
            "version": strategy.version,
            "status": strategy.status.value,
            "executive_summary": strategy.executive_summary,
            "positioning": strategy.positioning,
            "kpis": to_primitive(strategy.kpis),
            "channel_plans": to_primitive(strategy.channel_plans),
            "milestones": to_primitive(strategy.milestones),
            "timeline_start": strategy.timeline_start,
            "timeline_end": strategy.timeline_end,
            "created_at": strategy.created_at,
            "generator": strategy.generator,
            "addressed_notes": list(strategy.addressed_notes),
            "decided_by": strategy.decided_by,
            "decided_at": strategy.decided_at,
            "decision_notes": strategy.decision_notes,
            "run_id": strategy.run_id,
            "superseded_by": strategy.superseded_by,
            "status_before_supersede": strategy.status_before_supersede,
            "pillars": to_primitive(strategy.pillars),
            "calendar": to_primitive(strategy.calendar),
            "insight": strategy.insight,
            "core_message": strategy.core_message,
            "risks": list(strategy.risks),
            "compliance": list(strategy.compliance),
            "tone": strategy.tone,
            "revision_requests": to_primitive(strategy.revision_requests),
            "changes": list(strategy.changes),
            "unapplied_notes": list(strategy.unapplied_notes),
        }
