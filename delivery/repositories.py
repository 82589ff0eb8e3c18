"""Package and webhook endpoint persistence: the contracts, and their Django ORM and in-memory implementations."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Protocol
from uuid import UUID

from django.db import IntegrityError, transaction

from delivery.domain import Artifact, Package, PackageStatus, WebhookEndpoint
from delivery.models import ArtifactRecord, PackageRecord, WebhookEndpointRecord, url_digest
from kernel.errors import DuplicateError
from kernel.memory import InMemoryTable


class PackageRepository(Protocol):
    def save(self, package: Package) -> Package:
        """Insert, or replace the package of the same run (and all its artifacts), keeping the stored id."""

    def get(self, package_id: UUID) -> Package | None: ...

    def get_for_run(self, run_id: UUID) -> Package | None: ...

    def list(self, *, brief_id: UUID | None = None) -> list[Package]:
        """Newest first, ties broken by id."""

    def record_webhook(self, package_id: UUID, *, url: str, status: int) -> Package | None:
        """Record that the client's webhook at `url` accepted the delivery with `status`; None when there
        is no such package."""

    def set_delivered(self, package_id: UUID, *, delivered_at: datetime, notified_email: str) -> Package | None:
        """Record the e-mail hand-over and mark the package delivered; None when there is no such package."""

    def delete_for_run(self, run_id: UUID) -> bool:
        """Delete the run's package and its artifacts; False when there was none."""


def _sort_key(package: Package) -> tuple:
    return (-package.created_at.timestamp(), str(package.id))


def _ordered(artifacts: tuple[Artifact, ...]) -> tuple[Artifact, ...]:
    return tuple(sorted(artifacts, key=lambda a: (a.order, a.name)))


def _duplicate_names(artifacts: tuple[Artifact, ...]) -> list[str]:
    seen: set[str] = set()
    return sorted({a.name for a in artifacts if a.name in seen or seen.add(a.name)})


class DjangoPackageRepository:
    def save(self, package: Package) -> Package:
        try:
            with transaction.atomic():
                package_id = self._upsert_row(package)
                ArtifactRecord.objects.bulk_create(
                    [ArtifactRecord.from_domain(a, package_id=package_id) for a in package.artifacts]
                )
        except IntegrityError as exc:
            raise DuplicateError(f"package {package.id} for run {package.run_id}: {exc}") from exc
        return self.get(package_id)  # type: ignore[return-value]

    @staticmethod
    def _upsert_row(package: Package) -> UUID:
        """Write the package row; an existing row of the same run keeps its id and loses its artifacts."""
        fields = PackageRecord.fields_from_domain(package)
        stored_id = (
            PackageRecord.objects.select_for_update().filter(run_id=package.run_id).values_list("id", flat=True).first()
        )
        if stored_id is None:
            PackageRecord.objects.create(id=package.id, **fields)
            return package.id
        PackageRecord.objects.filter(id=stored_id).update(**fields)
        ArtifactRecord.objects.filter(package_id=stored_id).delete()
        return stored_id

    def get(self, package_id: UUID) -> Package | None:
        return self._first(PackageRecord.objects.filter(id=package_id))

    def get_for_run(self, run_id: UUID) -> Package | None:
        return self._first(PackageRecord.objects.filter(run_id=run_id))

    def list(self, *, brief_id: UUID | None = None) -> list[Package]:
        qs = PackageRecord.objects.order_by("-created_at", "id").prefetch_related("artifacts")
        if brief_id is not None:
            qs = qs.filter(brief_id=brief_id)
        return [r.to_domain(list(r.artifacts.all())) for r in qs]

    def record_webhook(self, package_id: UUID, *, url: str, status: int) -> Package | None:
        updated = PackageRecord.objects.filter(id=package_id).update(webhook_url=url, webhook_status=status)
        return self.get(package_id) if updated else None

    def set_delivered(self, package_id: UUID, *, delivered_at: datetime, notified_email: str) -> Package | None:
        updated = PackageRecord.objects.filter(id=package_id).update(
            status=PackageStatus.DELIVERED.value, delivered_at=delivered_at, notified_email=notified_email
        )
        return self.get(package_id) if updated else None

    def delete_for_run(self, run_id: UUID) -> bool:
        deleted, _ = PackageRecord.objects.filter(run_id=run_id).delete()
        return deleted > 0

    @staticmethod
    def _first(qs) -> Package | None:
        """The package `qs` selects (by id or run: at most one) with its artifacts, in one statement:
        the package row joined to its artifact rows (one row with empty artifact columns when it has none)."""
        rows = list(
            qs.order_by("artifacts__order", "artifacts__name").values(
                *_PACKAGE_COLUMNS, *(f"artifacts__{name}" for name in _ARTIFACT_COLUMNS)
            )
        )
        if not rows:
            return None
        package = PackageRecord(**{name: rows[0][name] for name in _PACKAGE_COLUMNS})
        artifacts = [
            ArtifactRecord(package_id=package.id, **{name: row[f"artifacts__{name}"] for name in _ARTIFACT_COLUMNS})
            for row in rows
            if row["artifacts__id"] is not None
        ]
        return package.to_domain(artifacts)


_PACKAGE_COLUMNS = tuple(f.attname for f in PackageRecord._meta.concrete_fields)
_ARTIFACT_COLUMNS = tuple(f.attname for f in ArtifactRecord._meta.concrete_fields if f.attname != "package_id")


class InMemoryPackageRepository:
    def __init__(self) -> None:
        self._packages: InMemoryTable[Package] = InMemoryTable(unique={"run": lambda p: p.run_id})

    def save(self, package: Package) -> Package:
        with self._packages.lock:
            stored = self._packages.find_one(lambda p: p.run_id == package.run_id)
            if stored is not None:
                package = dataclasses.replace(package, id=stored.id)
            elif self._packages.peek(package.id) is not None:
                raise DuplicateError(f"package {package.id} already exists for another run")
            self._check_artifacts(package)
            return self._packages.put(dataclasses.replace(package, artifacts=_ordered(package.artifacts)))

    def _check_artifacts(self, package: Package) -> None:
        duplicates = _duplicate_names(package.artifacts)
        if duplicates:
            raise DuplicateError(f"package {package.id}: artifact names repeat: {', '.join(duplicates)}")
        ids = {a.id for a in package.artifacts}
        if len(ids) != len(package.artifacts) or self._packages.find_one(
            lambda p: p.id != package.id and any(a.id in ids for a in p.artifacts)
        ):
            raise DuplicateError(f"package {package.id}: an artifact id is already taken")

    def get(self, package_id: UUID) -> Package | None:
        return self._packages.get(package_id)

    def get_for_run(self, run_id: UUID) -> Package | None:
        return self._packages.find_one(lambda p: p.run_id == run_id)

    def list(self, *, brief_id: UUID | None = None) -> list[Package]:
        return self._packages.find(lambda p: brief_id is None or p.brief_id == brief_id, key=_sort_key)

    def record_webhook(self, package_id: UUID, *, url: str, status: int) -> Package | None:
        return self._update(package_id, webhook_url=url, webhook_status=status)

    def set_delivered(self, package_id: UUID, *, delivered_at: datetime, notified_email: str) -> Package | None:
        return self._update(
            package_id, status=PackageStatus.DELIVERED, delivered_at=delivered_at, notified_email=notified_email
        )

    def _update(self, package_id: UUID, **changes) -> Package | None:
        with self._packages.lock:
            package = self._packages.get(package_id)
            if package is None:
                return None
            return self._packages.put(dataclasses.replace(package, **changes))

    def delete_for_run(self, run_id: UUID) -> bool:
        return self._packages.delete_where(lambda p: p.run_id == run_id) > 0


# --- webhook endpoints -------------------------------------------------------------------------------


class WebhookEndpointRepository(Protocol):
    def create(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        """Insert; DuplicateError when the id or the URL is taken."""

    def save(self, endpoint: WebhookEndpoint) -> WebhookEndpoint | None:
        """Replace the stored endpoint of the same id; None when there is none."""

    def get(self, endpoint_id: UUID) -> WebhookEndpoint | None: ...

    def get_for_url(self, url: str) -> WebhookEndpoint | None: ...

    def list(self) -> list[WebhookEndpoint]:
        """Newest first, ties broken by id."""


def _endpoint_sort_key(endpoint: WebhookEndpoint) -> tuple:
    return (-endpoint.created_at.timestamp(), str(endpoint.id))


class DjangoWebhookEndpointRepository:
    """Secrets are encrypted in the row (delivery.secret_box) and decrypted on the way out."""

    def create(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        try:
            with transaction.atomic():
                WebhookEndpointRecord.objects.create(
                    id=endpoint.id, **WebhookEndpointRecord.fields_from_domain(endpoint)
                )
        except IntegrityError as exc:
            raise DuplicateError(f"webhook endpoint {endpoint.id} or its URL already exists") from exc
        return self.get(endpoint.id)  # type: ignore[return-value]

    def save(self, endpoint: WebhookEndpoint) -> WebhookEndpoint | None:
        try:
            with transaction.atomic():
                fields = WebhookEndpointRecord.fields_from_domain(endpoint)
                updated = WebhookEndpointRecord.objects.filter(id=endpoint.id).update(**fields)
        except IntegrityError as exc:
            raise DuplicateError(f"webhook endpoint {endpoint.id}: its URL belongs to another endpoint") from exc
        return self.get(endpoint.id) if updated else None

    def get(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        record = WebhookEndpointRecord.objects.filter(id=endpoint_id).first()
        return record.to_domain() if record else None

    def get_for_url(self, url: str) -> WebhookEndpoint | None:
        record = WebhookEndpointRecord.objects.filter(url_sha256=url_digest(url)).first()
        return record.to_domain() if record else None

    def list(self) -> list[WebhookEndpoint]:
        return [r.to_domain() for r in WebhookEndpointRecord.objects.order_by("-created_at", "id")]


class InMemoryWebhookEndpointRepository:
    def __init__(self) -> None:
        self._endpoints: InMemoryTable[WebhookEndpoint] = InMemoryTable(unique={"url": lambda e: e.url})

    def create(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        return self._endpoints.insert(endpoint)

    def save(self, endpoint: WebhookEndpoint) -> WebhookEndpoint | None:
        with self._endpoints.lock:
            if self._endpoints.peek(endpoint.id) is None:
                return None
            return self._endpoints.put(endpoint)

    def get(self, endpoint_id: UUID) -> WebhookEndpoint | None:
        return self._endpoints.get(endpoint_id)

    def get_for_url(self, url: str) -> WebhookEndpoint | None:
        return self._endpoints.find_one(lambda e: e.url == url)

    def list(self) -> list[WebhookEndpoint]:
        return self._endpoints.find(lambda _e: True, key=_endpoint_sort_key)
