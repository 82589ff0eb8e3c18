"""How a draft and its quality-control (QC) result read over the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from production.domain import Severity

SEVERITIES = [s.value for s in Severity]


class QCIssueSerializer(serializers.Serializer):
    rule_id = serializers.CharField()
    severity = serializers.ChoiceField(choices=SEVERITIES)
    message = serializers.CharField()
    field = serializers.CharField(help_text="The draft field the issue is in (body, title, fields.subject...).")
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    suggestion = serializers.CharField(allow_blank=True)


class QCResultSerializer(serializers.Serializer):
    score = serializers.FloatField()
    passed = serializers.BooleanField()
    rules_applied = serializers.IntegerField()
    rules_passed = serializers.IntegerField()
    ruleset_version = serializers.CharField()
    threshold = serializers.IntegerField()
    evaluated_at = serializers.DateTimeField()
    issues = QCIssueSerializer(many=True)


class DraftSerializer(serializers.Serializer):
    """A draft asset with its QC result (null until QC ran).

    The results come in the context as `qc_by_draft` ({draft id: QCResult}).
    """

    id = serializers.UUIDField()
    run_id = serializers.UUIDField()
    brief_id = serializers.UUIDField()
    strategy_id = serializers.UUIDField()
    key = serializers.CharField(help_text="channel-slot-asset type, unique within the run.")
    channel = serializers.CharField()
    asset_type = serializers.CharField()
    slot = serializers.IntegerField()
    title = serializers.CharField(allow_blank=True)
    body = serializers.CharField(allow_blank=True)
    fields = serializers.DictField(help_text="Structured parts per asset type (subject, cta, hashtags...).")
    scheduled_at = serializers.DateTimeField()
    generator = serializers.CharField()
    template = serializers.CharField(allow_blank=True)
    sources = serializers.ListField(child=serializers.CharField())
    fixes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField(allow_null=True)
    qc = serializers.SerializerMethodField()

    @extend_schema_field(QCResultSerializer(allow_null=True))
    def get_qc(self, draft) -> dict | None:
        result = self.context.get("qc_by_draft", {}).get(draft.id)
        return QCResultSerializer(result).data if result is not None else None


def qc_by_draft(results) -> dict:
    """{draft id: result} for a DraftSerializer's context."""
    return {result.draft_id: result for result in results}
