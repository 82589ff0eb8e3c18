"""How a strategy version reads over the API."""

from __future__ import annotations

from rest_framework import serializers

from kernel.api import StrictCharField
from kernel.channels import CHANNELS
from strategy import revisions
from strategy.domain import RevisionKind, StrategyStatus

STRATEGY_STATUSES = [s.value for s in StrategyStatus]
REVISION_KINDS = [k.value for k in RevisionKind]


def _amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)


class KPISerializer(serializers.Serializer):
    metric = serializers.CharField()
    target = _amount()
    unit = serializers.CharField(allow_blank=True)
    timeframe_start = serializers.DateField()
    timeframe_end = serializers.DateField()
    goal_type = serializers.CharField(allow_blank=True)
    rationale = serializers.CharField(allow_blank=True, help_text="Where the target comes from, in a sentence.")
    source = serializers.CharField(allow_blank=True, help_text="Where the number is read: platform, analytics, CRM.")
    baseline = _amount(allow_null=True, help_text="The starting value, when the brief gives one.")
    review_date = serializers.DateField(allow_null=True, help_text="The mid-campaign review of this KPI.")
    derivation = serializers.DictField(help_text="The formula, its inputs and the benchmark row ids.")


class CadenceSerializer(serializers.Serializer):
    posts = serializers.IntegerField()
    period = serializers.ChoiceField(choices=["day", "week"])
    per_week = serializers.FloatField()


class ChannelPlanSerializer(serializers.Serializer):
    channel = serializers.CharField()
    budget_share = _amount(help_text="Per cent of the media budget, 0 to 100 (0 for owned and earned channels).")
    tactics = serializers.ListField(child=serializers.CharField())
    cadence = CadenceSerializer()
    asset_types = serializers.ListField(child=serializers.CharField())
    rationale = serializers.CharField(allow_blank=True)
    role = serializers.CharField(allow_blank=True, help_text="paid, owned or earned.")
    purpose = serializers.CharField(allow_blank=True, help_text="reach, consideration, conversion or retention.")
    effort = serializers.CharField(allow_blank=True, help_text="The production effort of an unpaid channel.")
    benchmarks = serializers.ListField(child=serializers.CharField(), help_text="Ids of the benchmark rows used.")


class MilestoneSerializer(serializers.Serializer):
    name = serializers.CharField()
    date = serializers.DateField()
    description = serializers.CharField(allow_blank=True)


class RevisionRequestSerializer(serializers.Serializer):
    """One structured change asked for when rejecting a version; which fields it needs depends on `kind`."""

    kind = serializers.ChoiceField(
        choices=REVISION_KINDS,
        help_text="shift_budget (channel, direction towards|away), drop_channel (channel), add_channel (channel), "
        "lead_with_pillar (pillar), tone (direction more_formal|more_casual), add_kpi (metric), remove_kpi (metric).",
    )
    channel = serializers.ChoiceField(choices=list(CHANNELS), required=False, default="")
    direction = serializers.ChoiceField(
        choices=[*revisions.BUDGET_DIRECTIONS, *revisions.TONE_DIRECTIONS], required=False, default=""
    )
    pillar = StrictCharField(
        required=False, default="", max_length=20, help_text='A pillar key of the version ("pillar-2").'
    )
    metric = StrictCharField(
        required=False, default="", max_length=50, help_text='A KPI metric ("leads", "cost per lead").'
    )

    class Meta:
        ref_name = "RevisionRequest"

    def validate(self, attrs):
        kind = RevisionKind(attrs["kind"])
        missing = {
            name: [revisions.REQUIRED.format(field=name, kind=kind.value)]
            for name in revisions.NEEDS[kind]
            if not attrs.get(name)
        }
        if missing:
            raise serializers.ValidationError(missing)
        return revisions.make_request(kind, **{name: attrs.get(name, "") for name in revisions.NEEDS[kind]})


class PillarSerializer(serializers.Serializer):
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    message = serializers.CharField(read_only=True)
    value_proposition = serializers.CharField(read_only=True)
    proof = serializers.CharField(read_only=True, allow_blank=True)
    pain = serializers.CharField(read_only=True, allow_blank=True)


class StrategySerializer(serializers.Serializer):
    """One version of a brief's strategy with its review decision."""

    id = serializers.UUIDField()
    brief_id = serializers.UUIDField()
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=STRATEGY_STATUSES)
    executive_summary = serializers.CharField()
    positioning = serializers.CharField(allow_blank=True)
    kpis = KPISerializer(many=True)
    channel_plans = ChannelPlanSerializer(many=True)
    milestones = MilestoneSerializer(many=True)
    timeline_start = serializers.DateField()
    timeline_end = serializers.DateField()
    created_at = serializers.DateTimeField()
    generator = serializers.CharField()
    addressed_notes = serializers.ListField(
        child=serializers.CharField(), help_text="How earlier rejection notes were taken into account."
    )
    decided_by = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_notes = serializers.CharField(allow_blank=True)
    run_id = serializers.UUIDField(allow_null=True)
    superseded_by = serializers.UUIDField(allow_null=True)
    tone = serializers.CharField(allow_blank=True, help_text='"", "more formal" or "more casual" (revision requests).')
    revision_requests = RevisionRequestSerializer(
        many=True, help_text="On a rejected version: the structured changes the rejection asked for."
    )
    changes = serializers.ListField(
        child=serializers.CharField(), help_text="What each applied revision request changed in this version."
    )
    unapplied_notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Review notes no rule could apply: recorded, not applied by the rule-based planner.",
    )
    # The strategist's reading (read-only: written by the planner, never by a client).
    insight = serializers.CharField(read_only=True, allow_blank=True)
    core_message = serializers.CharField(read_only=True, allow_blank=True)
    pillars = PillarSerializer(many=True, read_only=True)
    risks = serializers.ListField(child=serializers.CharField(), read_only=True)
    compliance = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Disclaimers, claims and approvals (regulated briefs)."
    )
