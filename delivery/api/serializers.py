"""How a delivery package reads over the API (storage paths stay inside)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from delivery.domain import PackageStatus

PACKAGE_STATUSES = [s.value for s in PackageStatus]


class ArtifactSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    media_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    order = serializers.IntegerField()


class PackageSerializer(serializers.Serializer):
    """A run's delivery package: its files, the zip and the handover."""

    id = serializers.UUIDField()
    run_id = serializers.UUIDField()
    brief_id = serializers.UUIDField()
    strategy_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=PACKAGE_STATUSES)
    zip_size = serializers.IntegerField()
    zip_sha256 = serializers.CharField()
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    notified_email = serializers.CharField(allow_blank=True)
    webhook_status = serializers.IntegerField(allow_null=True)
    artifacts = ArtifactSerializer(many=True)
    download_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.URLField(help_text="Where the zip downloads (same authentication)."))
    def get_download_url(self, package) -> str:
        return reverse("v1:package-download", kwargs={"package_id": package.id}, request=self.context.get("request"))
