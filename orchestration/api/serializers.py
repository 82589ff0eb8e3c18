"""How a workflow run and its step timeline read over the API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from orchestration.domain import RunStatus, StepKind, StepStatus
from orchestration.reports import strategy_version

RUN_STATUSES = [s.value for s in RunStatus]
STEP_STATUSES = [s.value for s in StepStatus]
STEP_KINDS = [k.value for k in StepKind]


class StepErrorSerializer(serializers.Serializer):
    step = serializers.CharField()
    type = serializers.CharField()
    message = serializers.CharField()


class StepSerializer(serializers.Serializer):
    """One attempt of a forward step or a compensation, in the order they ran."""

    seq = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=STEP_KINDS)
    status = serializers.ChoiceField(choices=STEP_STATUSES)
    attempt = serializers.IntegerField()
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    duration_ms = serializers.FloatField(allow_null=True)
    output = serializers.DictField(help_text="What the step recorded (ids it created, counts).")
    error = StepErrorSerializer(allow_null=True)


class _RunUrl(serializers.Serializer):
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(help_text="The run's address in this API."))
    def get_url(self, run) -> str:
        return reverse("v1:run-detail", kwargs={"run_id": run.id}, request=self.context.get("request"))


class RunAcceptedSerializer(_RunUrl):
    """The answer to starting or resuming a run: follow `url` (also the Location header) for progress."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=RUN_STATUSES)


class RunSummarySerializer(_RunUrl):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=RUN_STATUSES)
    definition = serializers.CharField()
    definition_version = serializers.IntegerField()
    brief_id = serializers.UUIDField(allow_null=True)
    strategy_id = serializers.UUIDField(allow_null=True)
    package_id = serializers.UUIDField(allow_null=True)
    options = serializers.DictField()
    current_step = serializers.CharField(allow_blank=True)
    cancel_requested = serializers.BooleanField()
    error = StepErrorSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class RunSerializer(RunSummarySerializer):
    """A run with its step timeline; the steps come in the context as `steps`."""

    strategy_version = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_strategy_version(self, run) -> int | None:
        return strategy_version(self.context["steps"])

    @extend_schema_field(StepSerializer(many=True))
    def get_steps(self, run) -> list[dict]:
        return StepSerializer(self.context["steps"], many=True).data
