"""How a strategy version reads over the API."""

from __future__ import annotations

from rest_framework import serializers

from strategy.domain import StrategyStatus

STRATEGY_STATUSES = [s.value for s in StrategyStatus]


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
