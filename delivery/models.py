"""Delivery tables: one package per run, the files (artifacts) it is made of, and webhook endpoints."""

from __future__ import annotations

import hashlib
import uuid

from django.db import models

from delivery import secret_box
from delivery.domain import Artifact, Package, PackageStatus, WebhookEndpoint


class PackageRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run_id = models.UUIDField(unique=True, help_text="The workflow run that built this package (one per run).")
    brief_id = models.UUIDField(db_index=True)
    strategy_id = models.UUIDField()
    status = models.CharField(
        max_length=20, choices=[(s.value, s.value) for s in PackageStatus], default=PackageStatus.BUILT.value
    )
    zip_path = models.CharField(max_length=500, help_text="Storage name of the package zip.")
    zip_size = models.PositiveBigIntegerField()
    zip_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    notified_email = models.CharField(max_length=254, blank=True)
    webhook_url = models.CharField(max_length=2000, blank=True)
    webhook_status = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "package"

    def __str__(self) -> str:
        return f"package {self.id} (run {self.run_id}, {self.status})"

    def to_domain(self, artifacts: list[ArtifactRecord]) -> Package:
        return Package(
            id=self.id,
            run_id=self.run_id,
            brief_id=self.brief_id,
            strategy_id=self.strategy_id,
            status=PackageStatus(self.status),
            zip_path=self.zip_path,
            zip_size=self.zip_size,
            zip_sha256=self.zip_sha256,
            created_at=self.created_at,
            artifacts=tuple(a.to_domain() for a in artifacts),
            delivered_at=self.delivered_at,
            notified_email=self.notified_email,
            webhook_url=self.webhook_url,
            webhook_status=self.webhook_status,
        )

    @staticmethod
    def fields_from_domain(package: Package) -> dict:
        return {
            "run_id": package.run_id,
            "brief_id": package.brief_id,
            "strategy_id": package.strategy_id,
            "status": package.status.value,
            "zip_path": package.zip_path,
            "zip_size": package.zip_size,
            "zip_sha256": package.zip_sha256,
            "created_at": package.created_at,
            "delivered_at": package.delivered_at,
            "notified_email": package.notified_email,
            "webhook_url": package.webhook_url,
            "webhook_status": package.webhook_status,
        }


class ArtifactRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    package = models.ForeignKey(PackageRecord, on_delete=models.CASCADE, related_name="artifacts")
    name = models.CharField(max_length=500, help_text="Path inside the package, e.g. content/email/email-01-news.md")
    media_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_path = models.CharField(max_length=600)
    order = models.PositiveIntegerField()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "artifact"
        constraints = [
            models.UniqueConstraint(fields=["package", "name"], name="artifact_name_unique_per_package"),
        ]

    def __str__(self) -> str:
        return self.name

    def to_domain(self) -> Artifact:
        return Artifact(
            id=self.id,
            name=self.name,
            media_type=self.media_type,
            size=self.size,
            sha256=self.sha256,
            storage_path=self.storage_path,
            order=self.order,
        )

    @classmethod
    def from_domain(cls, artifact: Artifact, *, package_id: uuid.UUID) -> ArtifactRecord:
        return cls(
            id=artifact.id,
            package_id=package_id,
            name=artifact.name,
            media_type=artifact.media_type,
            size=artifact.size,
            sha256=artifact.sha256,
            storage_path=artifact.storage_path,
            order=artifact.order,
        )


class WebhookEndpointRecord(models.Model):
    """A client's webhook URL and its signing secret, encrypted (delivery.secret_box)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.CharField(max_length=2000)
    # Unique on the URL's hash: an index on the URL itself could exceed the database's key size.
    url_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    secret_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField()
    secret_created_at = models.DateTimeField()
    secret_revealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = "webhook endpoint"
        permissions = [("manage_webhook_secrets", "Can reveal and rotate webhook signing secrets")]

    def __str__(self) -> str:
        return self.url

    def to_domain(self) -> WebhookEndpoint:
        return WebhookEndpoint(
            id=self.id,
            url=self.url,
            secret=secret_box.decrypt(self.secret_encrypted),
            created_at=self.created_at,
            secret_created_at=self.secret_created_at,
            secret_revealed_at=self.secret_revealed_at,
        )

    @staticmethod
    def fields_from_domain(endpoint: WebhookEndpoint) -> dict:
        return {
            "url": endpoint.url,
            "url_sha256": url_digest(endpoint.url),
            "secret_encrypted": secret_box.encrypt(endpoint.secret),
            "created_at": endpoint.created_at,
            "secret_created_at": endpoint.secret_created_at,
            "secret_revealed_at": endpoint.secret_revealed_at,
        }


def url_digest(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()
