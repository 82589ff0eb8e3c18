"""Delivery use cases: build a run's package, open it, discard it, and hand it over (webhook, e-mail);
webhook endpoints and their signing secrets.

Each hand-over effect is recorded on the package once it has happened (`webhook_status`, then
`delivered_at`), and a recorded effect is never repeated: retrying a failed e-mail does not post
the webhook again. A package the client has been told about is never discarded.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import secrets
import uuid
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import Storage, storages

from delivery import handover, packaging, webhooks
from delivery.coverage import check_coverage
from delivery.domain import (
    SECRET_ALREADY_SHOWN,
    STRATEGY_NOT_DELIVERABLE,
    Artifact,
    Package,
    PackageNotFound,
    PackageStatus,
    SecretAlreadyShown,
    StrategyNotDeliverable,
    WebhookEndpoint,
    WebhookEndpointNotFound,
)
from kernel import clock
from kernel.errors import DuplicateError
from kernel.heartbeat import NO_HEARTBEAT, Heartbeat

if TYPE_CHECKING:
    from delivery.repositories import PackageRepository, WebhookEndpointRepository
    from onboarding.domain import Brief
    from production.domain import Draft, QCResult
    from strategy.domain import Strategy

DEFAULT_AICMO_VERSION = "0.1.0"
# Strategy statuses that must never reach a client.
UNDELIVERABLE_STRATEGY_STATUSES = frozenset({"rejected", "superseded"})
# Package ids derive from the run, so a package rebuilt after a discard keeps its id (and download link).
_PACKAGE_NAMESPACE = uuid.UUID("1c0d6b52-8f3e-5a47-b1d2-7e9f0a4c3b18")


def _storage(storage: Storage | None) -> Storage:
    return storage if storage is not None else storages["default"]


def _package_id(run_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_PACKAGE_NAMESPACE, f"package:{run_id}")


def _artifact_id(package_id: uuid.UUID, name: str) -> uuid.UUID:
    return uuid.uuid5(package_id, name)


def download_url(package_id: uuid.UUID) -> str:
    return f"{settings.AICMO_PUBLIC_BASE_URL.rstrip('/')}/api/v1/packages/{package_id}/download/"


def package_build(
    *,
    run_id: uuid.UUID,
    brief: Brief,
    strategy: Strategy,
    drafts: Sequence[Draft],
    qc_results: Sequence[QCResult],
    packages: PackageRepository,
    storage: Storage | None = None,
    heartbeat: Heartbeat = NO_HEARTBEAT,
) -> Package:
    """Check scope coverage, write every file and the zip under `packages/<run_id>/`, record the package.

    Idempotent per run: a rebuild overwrites the same files, removes files the new build no longer
    has, and replaces the recorded package (same id). `heartbeat` is called before each file; a
    build stopped half-way (a full disk, a cancel) leaves files that `package_discard` removes.
    """
    storage = _storage(storage)
    if str(strategy.status) in UNDELIVERABLE_STRATEGY_STATUSES:
        raise StrategyNotDeliverable(
            STRATEGY_NOT_DELIVERABLE.format(strategy_id=strategy.id, version=strategy.version, status=strategy.status)
        )
    check_coverage(brief=brief, strategy=strategy, drafts=drafts)

    existing = packages.get_for_run(run_id)
    package_id = existing.id if existing else _package_id(run_id)
    generated_at = clock.now()
    inputs = packaging.PackageInputs(
        package_id=package_id,
        run_id=run_id,
        brief=brief,
        strategy=strategy,
        drafts=tuple(drafts),
        qc_results=tuple(qc_results),
        generated_at=generated_at,
        aicmo_version=getattr(settings, "AICMO_VERSION", DEFAULT_AICMO_VERSION),
    )
    files = packaging.render_package(inputs)
    archive = packaging.build_zip(files, generated_at=generated_at)

    folder = packaging.run_folder(run_id)
    artifacts = []
    for order, file in enumerate(files):
        heartbeat()
        path = packaging.store_file(storage, f"{folder}/{file.name}", file.content)
        artifacts.append(
            Artifact(
                id=_artifact_id(package_id, file.name),
                name=file.name,
                media_type=file.media_type,
                size=file.size,
                sha256=file.sha256,
                storage_path=path,
                order=order,
            )
        )
    heartbeat()
    zip_path = packaging.store_file(storage, f"{folder}/{archive.name}", archive.content)
    kept = {a.storage_path for a in artifacts} | {zip_path}
    packaging.delete_files(storage, [name for name in packaging.list_files(storage, folder) if name not in kept])

    return packages.save(
        Package(
            id=package_id,
            run_id=run_id,
            brief_id=brief.id,
            strategy_id=strategy.id,
            status=PackageStatus.BUILT,
            zip_path=zip_path,
            zip_size=archive.size,
            zip_sha256=archive.sha256,
            created_at=existing.created_at if existing else generated_at,
            artifacts=tuple(artifacts),
        )
    )


def package_get(*, package_id: uuid.UUID, packages: PackageRepository) -> Package:
    package = packages.get(package_id)
    if package is None:
        raise PackageNotFound(package_id)
    return package


def package_for_run(*, run_id: uuid.UUID, packages: PackageRepository) -> Package | None:
    return packages.get_for_run(run_id)


def package_open_zip(
    *, package_id: uuid.UUID, packages: PackageRepository, storage: Storage | None = None
) -> IO[bytes]:
    """The package zip opened for binary reading (the caller closes it)."""
    package = package_get(package_id=package_id, packages=packages)
    storage = _storage(storage)
    if not storage.exists(package.zip_path):
        raise PackageNotFound(package_id)
    return storage.open(package.zip_path, "rb")


def package_zip_filesystem_path(package: Package, storage: Storage | None = None) -> str | None:
    """Where the zip lies on a local disk, when the storage backend keeps it there (for sendfile-style serving)."""
    try:
        path = _storage(storage).path(package.zip_path)
    except NotImplementedError:
        return None
    # Some backends (InMemoryStorage) answer path() without keeping the file on disk.
    return path if os.path.isfile(path) else None


def package_discard(*, run_id: uuid.UUID, packages: PackageRepository, storage: Storage | None = None) -> bool:
    """Compensation: delete every file under the run's folder and the package rows. True if anything went.

    A package the client has been told about (see `package_kept_for_client`) is left alone.
    """
    if package_kept_for_client(run_id=run_id, packages=packages):
        return False
    storage = _storage(storage)
    folder = packaging.run_folder(run_id)
    removed_files = packaging.delete_files(storage, packaging.list_files(storage, folder))
    _remove_empty_directories(storage, folder)
    removed_rows = packages.delete_for_run(run_id)
    return removed_files > 0 or removed_rows


def _remove_empty_directories(storage: Storage, folder: str) -> None:
    """The storage API deletes files only; on a local disk also drop the emptied run folder."""
    try:
        root = storage.path(folder)
    except NotImplementedError:
        return
    if not os.path.isdir(root):
        return
    for directory, _subdirs, _files in sorted(os.walk(root), key=lambda entry: -len(entry[0])):
        with contextlib.suppress(OSError):  # not empty: someone wrote there meanwhile; leave it
            os.rmdir(directory)


def package_kept_for_client(*, run_id: uuid.UUID, packages: PackageRepository) -> bool:
    """Whether the run's package was announced to the client (webhook or e-mail), so that it stays:
    the client must never be told about a package that is then deleted."""
    package = packages.get_for_run(run_id)
    return package is not None and package.announced


def _manifest_bytes(package: Package, storage: Storage | None) -> bytes:
    manifest_artifact = package.artifact(packaging.MANIFEST_NAME)
    if manifest_artifact is None:
        raise PackageNotFound(package.id)
    with _storage(storage).open(manifest_artifact.storage_path, "rb") as handle:
        return handle.read()


def package_notify_webhook(
    *,
    package_id: uuid.UUID,
    brief: Brief,
    packages: PackageRepository,
    endpoints: WebhookEndpointRepository,
    storage: Storage | None = None,
    heartbeat: Heartbeat = NO_HEARTBEAT,
) -> Package:
    """POST the manifest to the brief's webhook once (one attempt), signed per Standard Webhooks with the
    endpoint's own secret (made at its first use), and record the answer.

    A package whose webhook already answered is returned as is (the webhook is never told twice);
    without a webhook URL nothing is sent. Errors: see `webhooks.deliver`.
    """
    package = package_get(package_id=package_id, packages=packages)
    url = brief.delivery.webhook_url.strip()
    if package.webhook_delivered or not url:
        return package
    body = _manifest_bytes(package, storage)
    heartbeat()
    status = heartbeat.during(
        webhooks.deliver,
        url=url,
        body=body,
        event_id=webhook_event_id(package.id),
        event_type=handover.WEBHOOK_EVENT,
        secret=webhook_endpoint_for_url(url=url, endpoints=endpoints).secret,
    )
    recorded = packages.record_webhook(package.id, url=url, status=status)
    if recorded is None:  # discarded while we were posting
        raise PackageNotFound(package_id)
    return recorded


def package_send_email(
    *,
    package_id: uuid.UUID,
    brief: Brief,
    packages: PackageRepository,
    storage: Storage | None = None,
    heartbeat: Heartbeat = NO_HEARTBEAT,
) -> Package:
    """E-mail the client the download link and a summary once (one attempt), then mark the package delivered.

    A delivered package is returned as is (never e-mailed twice); without an address the package
    is marked delivered without a message. Raises EmailFailed when the mail server refuses or is down.
    """
    package = package_get(package_id=package_id, packages=packages)
    if package.is_delivered:
        return package
    address = brief.delivery.email.strip() or brief.client.contact_email.strip()
    if address:
        manifest = json.loads(_manifest_bytes(package, storage))
        heartbeat()
        heartbeat.during(
            handover.send_delivery_email,
            to=address,
            subject=f"Your delivery package is ready: {brief.title}",
            body=handover.delivery_email_body(
                client_name=brief.client.name,
                manifest=manifest,
                download_url=download_url(package.id),
                zip_size=package.zip_size,
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            message_id=delivery_message_id(package.id),
        )
    delivered = packages.set_delivered(package.id, delivered_at=clock.now(), notified_email=address)
    if delivered is None:  # discarded while we were sending
        raise PackageNotFound(package_id)
    return delivered


def delivery_message_id(package_id: uuid.UUID) -> str:
    """The same Message-ID for every attempt of one package's e-mail (a repeat is recognisable)."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "aicmo.local"
    return f"<package-{package_id}@{domain}>"


# --- webhook endpoints and their secrets -------------------------------------------------------------

SECRET_PREFIX = "whsec_"  # Standard Webhooks' form: whsec_ + base64 of the key bytes
SECRET_BYTES = 32


_EVENT_NAMESPACE = uuid.UUID("6f0c2e4a-3b71-5d8e-9a14-c2b7e05d9f31")


def webhook_event_id(package_id: uuid.UUID, event: str = handover.WEBHOOK_EVENT) -> str:
    """The Standard Webhooks message id of `event` for a package: a package is announced once, so the
    id is unique per event, and every attempt of that event (a retried step) carries the same one."""
    return f"msg_{uuid.uuid5(_EVENT_NAMESPACE, f'{event}:{package_id}').hex}"


def _new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def webhook_endpoint_for_url(*, url: str, endpoints: WebhookEndpointRepository) -> WebhookEndpoint:
    """The endpoint of `url`, made with a new secret the first time the URL is used."""
    existing = endpoints.get_for_url(url)
    if existing is not None:
        return existing
    now = clock.now()
    try:
        return endpoints.create(
            WebhookEndpoint(id=uuid.uuid4(), url=url, secret=_new_secret(), created_at=now, secret_created_at=now)
        )
    except DuplicateError:  # another process made it meanwhile: use theirs
        made = endpoints.get_for_url(url)
        if made is None:
            raise
        return made


def webhook_endpoint_get(*, endpoint_id: uuid.UUID, endpoints: WebhookEndpointRepository) -> WebhookEndpoint:
    endpoint = endpoints.get(endpoint_id)
    if endpoint is None:
        raise WebhookEndpointNotFound(endpoint_id)
    return endpoint


def webhook_secret_reveal(*, endpoint_id: uuid.UUID, endpoints: WebhookEndpointRepository) -> str:
    """The endpoint's secret, once: afterwards only a rotation shows a (new) secret."""
    endpoint = webhook_endpoint_get(endpoint_id=endpoint_id, endpoints=endpoints)
    if endpoint.secret_revealed_at is not None:
        raise SecretAlreadyShown(SECRET_ALREADY_SHOWN.format(url=endpoint.url, at=endpoint.secret_revealed_at))
    endpoints.save(dataclasses.replace(endpoint, secret_revealed_at=clock.now()))
    return endpoint.secret


def webhook_secret_rotate(*, endpoint_id: uuid.UUID, endpoints: WebhookEndpointRepository) -> str:
    """A new secret for the endpoint, returned (shown) once; deliveries are signed with it from now on."""
    endpoint = webhook_endpoint_get(endpoint_id=endpoint_id, endpoints=endpoints)
    now = clock.now()
    secret = _new_secret()
    endpoints.save(dataclasses.replace(endpoint, secret=secret, secret_created_at=now, secret_revealed_at=now))
    return secret
