"""Delivery packages: the files handed to the client, their manifest, the handover, and the webhook
endpoints it signs for."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from kernel.errors import Conflict, NotFound, PermanentStepError, TransientStepError


class PackageStatus(enum.StrEnum):
    BUILT = "built"
    DELIVERED = "delivered"


@dataclass(frozen=True)
class Artifact:
    id: UUID
    name: str
    media_type: str
    size: int
    sha256: str
    storage_path: str
    order: int


@dataclass(frozen=True)
class Package:
    id: UUID
    run_id: UUID
    brief_id: UUID
    strategy_id: UUID
    status: PackageStatus
    zip_path: str
    zip_size: int
    zip_sha256: str
    created_at: datetime
    artifacts: tuple[Artifact, ...] = ()
    delivered_at: datetime | None = None
    notified_email: str = ""
    webhook_url: str = ""
    webhook_status: int | None = None

    @property
    def is_delivered(self) -> bool:
        return self.status == PackageStatus.DELIVERED

    @property
    def webhook_delivered(self) -> bool:
        """The client's webhook accepted the package.delivered event (recorded once, never re-sent)."""
        return self.webhook_status is not None

    @property
    def announced(self) -> bool:
        """The client has been told about this package (webhook or e-mail): it must stay downloadable."""
        return self.webhook_delivered or self.is_delivered

    def artifact(self, name: str) -> Artifact | None:
        return next((a for a in self.artifacts if a.name == name), None)


@dataclass(frozen=True)
class WebhookEndpoint:
    """A client's webhook URL and the secret its deliveries are signed with (one secret per endpoint).

    The secret is made when the URL is first used (or registered by an operator); an operator sees it
    once, to hand it to the client, and can rotate it (the new one is shown once too).
    """

    id: UUID
    url: str
    secret: str
    created_at: datetime
    secret_created_at: datetime
    secret_revealed_at: datetime | None = None

    @property
    def secret_revealed(self) -> bool:
        return self.secret_revealed_at is not None


# --- Errors (messages are constants so tests and the API can match them) ----------------------

PACKAGE_NOT_FOUND = "Package {package_id} does not exist."
SCOPE_GAP = "The package does not cover the brief's scope: {gaps}."
STRATEGY_NOT_DELIVERABLE = (
    "Strategy {strategy_id} (version {version}) is {status}; only a current strategy is delivered."
)
# Generic on purpose: whoever wrote the brief reads these; the operator log has the details.
WEBHOOK_REFUSED = "The webhook target was refused."
WEBHOOK_FAILED = "The client's webhook could not be reached."
WEBHOOK_REJECTED = "The client's webhook refused the delivery; it is not sent again."
SECRET_ALREADY_SHOWN = (
    "The signing secret of webhook {url} was already shown on {at:%Y-%m-%d %H:%M} UTC; rotate it to get a new one."
)
ENDPOINT_NOT_FOUND = "Webhook endpoint {endpoint_id} does not exist."
EMAIL_FAILED = "The delivery e-mail to {address} could not be sent: {cause}."


class PackageNotFound(NotFound):
    def __init__(self, package_id: UUID) -> None:
        super().__init__(PACKAGE_NOT_FOUND.format(package_id=package_id))
        self.package_id = package_id


class ScopeGap(PermanentStepError):
    """The drafts miss a deliverable or planned channel, or mention something the brief excludes."""

    code = "scope_gap"

    def __init__(self, gaps: tuple[str, ...]) -> None:
        super().__init__(SCOPE_GAP.format(gaps="; ".join(gaps)))
        self.gaps = gaps


class StrategyNotDeliverable(PermanentStepError):
    code = "strategy_not_deliverable"


class WebhookRefused(PermanentStepError):
    """The webhook target is not allowed (not public, outside the allowlist, not http(s), credentials)."""

    code = "webhook_refused"


class WebhookFailed(TransientStepError):
    """The webhook could not be reached, timed out, or answered 408/425/429/5xx: another attempt may pass."""

    code = "webhook_failed"


class WebhookRejected(PermanentStepError):
    """The webhook answered a redirect or a client error: the same POST would get the same answer."""

    code = "webhook_rejected"


class EmailFailed(TransientStepError):
    code = "email_failed"


class WebhookEndpointNotFound(NotFound):
    def __init__(self, endpoint_id: UUID) -> None:
        super().__init__(ENDPOINT_NOT_FOUND.format(endpoint_id=endpoint_id))


class SecretAlreadyShown(Conflict):
    code = "secret_already_shown"
