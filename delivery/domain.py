"""Delivery packages: the files handed to the client, their manifest, and the handover."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID


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
