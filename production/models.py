"""Production tables: drafts, the QC result (with its issues) held against each draft, and the LLM ledger."""

from __future__ import annotations

import uuid

from django.db import models

from production.domain import Draft, LLMCall, QCIssue, QCResult, Severity


class DraftRecord(models.Model):
    # run_id, brief_id and strategy_id point into other contexts: UUIDs, never foreign keys.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run_id = models.UUIDField()
    brief_id = models.UUIDField(db_index=True)
    strategy_id = models.UUIDField()
    channel = models.CharField(max_length=30)
    asset_type = models.CharField(max_length=50)
    slot = models.PositiveIntegerField()
    title = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    fields = models.JSONField(default=dict, help_text="Structured parts: subject, headlines, hashtags, footer...")
    scheduled_at = models.DateTimeField()
    generator = models.CharField(max_length=100)
    template = models.CharField(max_length=100, blank=True)
    sources = models.JSONField(default=list, help_text="Which brief fields fed this asset.")
    fixes = models.JSONField(default=list, help_text="Mechanical fixes applied after generation.")
    created_at = models.DateTimeField()
    pillar = models.CharField(max_length=50, blank=True, help_text="The strategy pillar this asset serves.")
    occasion = models.CharField(max_length=200, blank=True, help_text="The key date or moment it was written for.")

    class Meta:
        ordering = ["scheduled_at", "channel", "slot"]
        verbose_name = "draft"
        constraints = [
            models.UniqueConstraint(fields=["run_id", "channel", "asset_type", "slot"], name="draft_natural_key"),
        ]
        indexes = [models.Index(fields=["run_id"], name="draft_run_idx")]

    def __str__(self) -> str:
        return f"{self.channel}-{self.slot:02d}-{self.asset_type}: {self.title}"

    def to_domain(self) -> Draft:
        return Draft(
            id=self.id,
            run_id=self.run_id,
            brief_id=self.brief_id,
            strategy_id=self.strategy_id,
            channel=self.channel,
            asset_type=self.asset_type,
            slot=self.slot,
            title=self.title,
            body=self.body,
            fields=dict(self.fields),
            scheduled_at=self.scheduled_at,
            generator=self.generator,
            template=self.template,
            sources=tuple(self.sources),
            fixes=tuple(self.fixes),
            created_at=self.created_at,
            pillar=self.pillar,
            occasion=self.occasion,
        )

    @classmethod
    def from_domain(cls, draft: Draft) -> DraftRecord:
        return cls(
            id=draft.id,
            run_id=draft.run_id,
            brief_id=draft.brief_id,
            strategy_id=draft.strategy_id,
            channel=draft.channel,
            asset_type=draft.asset_type,
            slot=draft.slot,
            title=draft.title,
            body=draft.body,
            fields=draft.fields,
            scheduled_at=draft.scheduled_at,
            generator=draft.generator,
            template=draft.template,
            sources=list(draft.sources),
            fixes=list(draft.fixes),
            created_at=draft.created_at,
            pillar=draft.pillar,
            occasion=draft.occasion,
        )


class QCResultRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # One result per draft: the latest evaluation replaces the earlier one.
    draft = models.OneToOneField(DraftRecord, on_delete=models.CASCADE, related_name="qc_result")
    run_id = models.UUIDField(db_index=True)
    score = models.FloatField()
    passed = models.BooleanField()
    rules_applied = models.PositiveIntegerField()
    rules_passed = models.PositiveIntegerField()
    ruleset_version = models.CharField(max_length=100)
    threshold = models.PositiveIntegerField()
    evaluated_at = models.DateTimeField()

    class Meta:
        ordering = ["draft__scheduled_at", "draft__channel", "draft__slot"]
        verbose_name = "QC result"

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "failed"
        return f"QC {verdict} ({self.score:.0f}) for draft {self.draft_id}"

    def to_domain(self, issues: list[QCIssueRecord]) -> QCResult:
        return QCResult(
            id=self.id,
            draft_id=self.draft_id,
            run_id=self.run_id,
            score=self.score,
            passed=self.passed,
            rules_applied=self.rules_applied,
            rules_passed=self.rules_passed,
            ruleset_version=self.ruleset_version,
            threshold=self.threshold,
            evaluated_at=self.evaluated_at,
            issues=tuple(issue.to_domain() for issue in issues),
        )

    @classmethod
    def from_domain(cls, result: QCResult) -> QCResultRecord:
        return cls(
            id=result.id,
            draft_id=result.draft_id,
            run_id=result.run_id,
            score=result.score,
            passed=result.passed,
            rules_applied=result.rules_applied,
            rules_passed=result.rules_passed,
            ruleset_version=result.ruleset_version,
            threshold=result.threshold,
            evaluated_at=result.evaluated_at,
        )


class QCIssueRecord(models.Model):
    result = models.ForeignKey(QCResultRecord, on_delete=models.CASCADE, related_name="issues")
    rule_id = models.CharField(max_length=100)
    severity = models.CharField(max_length=10, choices=[(s.value, s.value) for s in Severity])
    message = models.TextField()
    field = models.CharField(max_length=100, blank=True)
    start = models.IntegerField(default=0)
    end = models.IntegerField(default=0)
    suggestion = models.TextField(blank=True)
    ordering = models.PositiveIntegerField(help_text="Position of the issue within its result.")

    class Meta:
        ordering = ["result", "ordering"]
        verbose_name = "QC issue"
        constraints = [
            models.UniqueConstraint(fields=["result", "ordering"], name="qc_issue_position"),
        ]

    def __str__(self) -> str:
        return f"{self.severity} {self.rule_id}: {self.message}"

    def to_domain(self) -> QCIssue:
        return QCIssue(
            rule_id=self.rule_id,
            severity=Severity(self.severity),
            message=self.message,
            field=self.field,
            start=self.start,
            end=self.end,
            suggestion=self.suggestion,
        )

    @classmethod
    def from_domain(cls, issue: QCIssue, *, result_id: uuid.UUID, position: int) -> QCIssueRecord:
        return cls(
            result_id=result_id,
            rule_id=issue.rule_id,
            severity=Severity(issue.severity).value,
            message=issue.message,
            field=issue.field,
            start=issue.start,
            end=issue.end,
            suggestion=issue.suggestion,
            ordering=position,
        )


class LLMCallRecord(models.Model):
    """The ledger of chat-completion calls: what was asked (by hash), what it cost, how it went."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run_id = models.UUIDField(null=True, blank=True, db_index=True)
    model = models.CharField(max_length=200)
    prompt_hash = models.CharField(max_length=64, help_text="sha256 of the prompt messages.")
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    latency_ms = models.FloatField()
    status = models.CharField(max_length=20)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "LLM call"

    def __str__(self) -> str:
        return f"{self.model} {self.status} ({self.latency_ms:.0f} ms)"

    def to_domain(self) -> LLMCall:
        return LLMCall(
            id=self.id,
            model=self.model,
            prompt_hash=self.prompt_hash,
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            latency_ms=self.latency_ms,
            status=self.status,
            error=self.error,
            created_at=self.created_at,
            run_id=self.run_id,
        )

    @classmethod
    def from_domain(cls, call: LLMCall) -> LLMCallRecord:
        return cls(
            id=call.id,
            model=call.model,
            prompt_hash=call.prompt_hash,
            prompt_tokens=call.prompt_tokens,
            completion_tokens=call.completion_tokens,
            latency_ms=call.latency_ms,
            status=call.status,
            error=call.error,
            created_at=call.created_at,
            run_id=call.run_id,
        )
