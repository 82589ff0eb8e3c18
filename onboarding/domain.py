"""The client brief: the raw intake as received and the normalized brief the rest of AICMO reads."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from kernel.channels import CHANNELS

GOAL_TYPES = ("awareness", "engagement", "traffic", "leads", "sales", "retention")
__all__ = ["CHANNELS", "GOAL_TYPES"]


class BriefStatus(enum.StrEnum):
    NORMALIZED = "normalized"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    ARCHIVED = "archived"


@dataclass(frozen=True)
class Client:
    name: str
    website: str = ""
    contact_email: str = ""
    postal_address: str = ""
    industry: str = ""


@dataclass(frozen=True)
class Product:
    name: str
    description: str = ""
    value_propositions: tuple[str, ...] = ()
    proof_points: tuple[str, ...] = ()
    offer: str = ""
    url: str = ""


@dataclass(frozen=True)
class Goal:
    type: str
    description: str
    target: Decimal | None = None
    unit: str = ""


@dataclass(frozen=True)
class Audience:
    description: str
    pains: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Budget:
    amount: Decimal | None = None
    currency: str = ""


@dataclass(frozen=True)
class PreferredTerm:
    avoid: str
    use: str


@dataclass(frozen=True)
class Brand:
    tone: str = ""
    voice_notes: str = ""
    banned_terms: tuple[str, ...] = ()
    preferred_terms: tuple[PreferredTerm, ...] = ()
    disclaimers: tuple[str, ...] = ()
    colors: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    substantiated_claims: tuple[str, ...] = ()
    allowed_domains: tuple[str, ...] = ()
    max_grade_level: float | None = None


@dataclass(frozen=True)
class Scope:
    deliverables: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeliveryContacts:
    email: str = ""
    webhook_url: str = ""


@dataclass(frozen=True)
class Intake:
    """The intake exactly as received, kept for audit."""

    id: UUID
    payload: str
    content_type: str
    source: str
    received_at: datetime


@dataclass(frozen=True)
class Brief:
    id: UUID
    intake_id: UUID
    client: Client
    product: Product
    goals: tuple[Goal, ...]
    audience: Audience
    channels: tuple[str, ...]
    timeline: Timeline
    budget: Budget = field(default_factory=Budget)
    brand: Brand = field(default_factory=Brand)
    scope: Scope = field(default_factory=Scope)
    delivery: DeliveryContacts = field(default_factory=DeliveryContacts)
    sponsored: bool = False
    language: str = "en"
    status: BriefStatus = BriefStatus.NORMALIZED
    fingerprint: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def title(self) -> str:
        return f"{self.client.name}: {self.product.name}"
