"""How a brief reads over the API, and the intake document the submit endpoint documents."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from onboarding import services
from onboarding.domain import CHANNELS, GOAL_TYPES, PRODUCT_KINDS, Brief, BriefStatus

BRIEF_STATUSES = [s.value for s in BriefStatus]
PRODUCT_KIND_CHOICES = ["", *PRODUCT_KINDS]


def _texts(**kwargs) -> serializers.ListField:
    return serializers.ListField(child=serializers.CharField(), **kwargs)


def _amount(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)


class BriefClientSerializer(serializers.Serializer):
    name = serializers.CharField()
    website = serializers.CharField(allow_blank=True)
    contact_email = serializers.CharField(allow_blank=True)
    postal_address = serializers.CharField(allow_blank=True)
    industry = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    timezone = serializers.CharField(allow_blank=True, help_text="IANA zone; empty means UTC.")


class BriefProductSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    value_propositions = _texts()
    proof_points = _texts()
    offer = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=PRODUCT_KIND_CHOICES, allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    alternative = serializers.CharField(allow_blank=True)
    price = serializers.CharField(allow_blank=True)
    offer_expires = serializers.DateField(allow_null=True)


class BriefGoalSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=GOAL_TYPES)
    description = serializers.CharField()
    target = _amount(allow_null=True)
    unit = serializers.CharField(allow_blank=True)


class BriefAudienceSerializer(serializers.Serializer):
    description = serializers.CharField()
    pains = _texts()
    phrases = _texts()
    locations = _texts()
    search_terms = _texts()
    testimonials = _texts()


class KeyDateSerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField()


class BriefTimelineSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    launch = serializers.DateField(help_text="The day content starts going out.")
    key_dates = KeyDateSerializer(many=True)
    days = serializers.IntegerField(help_text="Days from start to end, both included.")


class BriefBudgetSerializer(serializers.Serializer):
    amount = _amount(allow_null=True)
    currency = serializers.CharField(allow_blank=True)


class PreferredTermSerializer(serializers.Serializer):
    avoid = serializers.CharField()
    use = serializers.CharField()


class BriefBrandSerializer(serializers.Serializer):
    tone = serializers.CharField(allow_blank=True)
    voice_notes = serializers.CharField(allow_blank=True)
    banned_terms = _texts()
    preferred_terms = PreferredTermSerializer(many=True)
    disclaimers = _texts()
    colors = _texts()
    hashtags = _texts()
    substantiated_claims = _texts()
    allowed_domains = _texts()
    max_grade_level = serializers.FloatField(allow_null=True)
    allowed_phrases = _texts()


class BriefScopeSerializer(serializers.Serializer):
    deliverables = _texts()
    exclusions = _texts()


class BriefDeliverySerializer(serializers.Serializer):
    email = serializers.CharField(allow_blank=True)
    webhook_url = serializers.CharField(allow_blank=True)


class IntakeWarningSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="The field the warning is about, such as `client.timezone`.")
    message = serializers.CharField()


class BriefSerializer(serializers.Serializer):
    """A normalized brief, as the rest of AICMO reads it, with the warnings its facts raise."""

    id = serializers.UUIDField()
    intake_id = serializers.UUIDField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=BRIEF_STATUSES)
    client = BriefClientSerializer()
    product = BriefProductSerializer()
    goals = BriefGoalSerializer(many=True)
    audience = BriefAudienceSerializer()
    channels = serializers.ListField(child=serializers.ChoiceField(choices=CHANNELS))
    timeline = BriefTimelineSerializer()
    budget = BriefBudgetSerializer()
    brand = BriefBrandSerializer()
    scope = BriefScopeSerializer()
    delivery = BriefDeliverySerializer()
    sponsored = serializers.BooleanField()
    language = serializers.CharField()
    fingerprint = serializers.CharField(help_text="sha256 of the brief's content: equal briefs share it.")
    created_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    warnings = serializers.SerializerMethodField(
        help_text="Facts that are valid but will limit the output (no time zone, a disclaimer too long for ads...)."
    )

    @extend_schema_field(IntakeWarningSerializer(many=True))
    def get_warnings(self, brief: Brief) -> list[dict[str, str]]:
        return [{"path": w.path, "message": w.message} for w in services.brief_warnings(brief=brief)]


class IntakeSerializer(serializers.Serializer):
    """The raw intake as read from the stored record."""

    id = serializers.UUIDField()
    source = serializers.CharField()
    content_type = serializers.CharField()
    received_at = serializers.DateTimeField()
    payload = serializers.CharField(help_text="The intake document exactly as it was received.")
