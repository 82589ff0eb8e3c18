"""How a brief reads over the API, and the intake document the submit endpoint documents."""

from __future__ import annotations

from rest_framework import serializers

from onboarding.domain import CHANNELS, GOAL_TYPES, BriefStatus

BRIEF_STATUSES = [s.value for s in BriefStatus]


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


class BriefProductSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    value_propositions = _texts()
    proof_points = _texts()
    offer = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True)


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


class BriefTimelineSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
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


class BriefScopeSerializer(serializers.Serializer):
    deliverables = _texts()
    exclusions = _texts()


class BriefDeliverySerializer(serializers.Serializer):
    email = serializers.CharField(allow_blank=True)
    webhook_url = serializers.CharField(allow_blank=True)


class BriefSerializer(serializers.Serializer):
    """A normalized brief, as the rest of AICMO reads it."""

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


class IntakeSerializer(serializers.Serializer):
    """The raw intake as read from the stored record."""

    id = serializers.UUIDField()
    source = serializers.CharField()
    content_type = serializers.CharField()
    received_at = serializers.DateTimeField()
    payload = serializers.CharField(help_text="The intake document exactly as it was received.")


# --- the intake document (what POST /briefs/ accepts) ----------------------------------------------
# For the schema only: the intake is validated as a whole by onboarding's normalizer, which reports
# every problem with its path, and the text is stored exactly as received.


class IntakeClientSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    website = serializers.URLField(required=False)
    contact_email = serializers.EmailField(required=False)
    postal_address = serializers.CharField(required=False)
    industry = serializers.CharField(required=False)


class IntakeProductSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False)
    value_propositions = _texts(required=False)
    proof_points = _texts(required=False)
    offer = serializers.CharField(required=False)
    url = serializers.URLField(required=False)


class IntakeGoalSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=GOAL_TYPES)
    description = serializers.CharField()
    target = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, coerce_to_string=False
    )
    unit = serializers.CharField(required=False)


class IntakeAudienceSerializer(serializers.Serializer):
    description = serializers.CharField()
    pains = _texts(required=False)
    phrases = _texts(required=False)
    locations = _texts(required=False)


class IntakeTimelineSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class IntakeBudgetSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, coerce_to_string=False
    )
    currency = serializers.CharField(min_length=3, max_length=3, required=False, help_text="ISO 4217, e.g. EUR.")


class IntakeBrandSerializer(serializers.Serializer):
    tone = serializers.CharField(required=False)
    voice_notes = serializers.CharField(required=False)
    banned_terms = _texts(required=False)
    preferred_terms = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Term to avoid -> term to use instead."
    )
    disclaimers = _texts(required=False)
    colors = _texts(required=False)
    hashtags = _texts(required=False)
    substantiated_claims = _texts(required=False)
    allowed_domains = _texts(required=False)
    max_grade_level = serializers.FloatField(min_value=1, max_value=20, required=False)


class IntakeScopeSerializer(serializers.Serializer):
    deliverables = _texts(required=False)
    exclusions = _texts(required=False)


class IntakeDeliverySerializer(serializers.Serializer):
    email = serializers.EmailField(required=False)
    webhook_url = serializers.URLField(required=False)


class IntakeDocumentSerializer(serializers.Serializer):
    """A client intake (see examples/briefs/*.json); unknown fields are reported, never dropped."""

    client = IntakeClientSerializer()
    product = IntakeProductSerializer()
    goals = IntakeGoalSerializer(many=True)
    audience = IntakeAudienceSerializer()
    channels = serializers.ListField(
        child=serializers.CharField(), min_length=1, help_text="One or more of: " + ", ".join(CHANNELS)
    )
    timeline = IntakeTimelineSerializer()
    budget = IntakeBudgetSerializer(required=False)
    brand = IntakeBrandSerializer(required=False)
    scope = IntakeScopeSerializer(required=False)
    delivery = IntakeDeliverySerializer(required=False)
    sponsored = serializers.BooleanField(required=False)
    language = serializers.CharField(required=False, help_text="A language tag such as en or en-GB.")
