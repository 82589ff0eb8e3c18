"""The client brief: the raw intake as received and the normalized brief the rest of AICMO reads."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from kernel.channels import CHANNELS
from kernel.vocabulary import GOAL_TYPES, PRODUCT_KINDS

__all__ = ["CHANNELS", "GOAL_TYPES", "PRODUCT_KINDS"]


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
    # E.164 ("+15035550100") or a national number kept as written.
    phone: str = ""
    # An IANA zone ("Europe/London"); empty means times are planned in UTC.
    timezone: str = ""


@dataclass(frozen=True)
class Product:
    name: str
    description: str = ""
    value_propositions: tuple[str, ...] = ()
    proof_points: tuple[str, ...] = ()
    offer: str = ""
    url: str = ""
    # One of PRODUCT_KINDS; empty when the brief does not say.
    kind: str = ""
    # What the product is, in the audience's words ("month-end close software").
    category: str = ""
    # What the audience does today instead ("spreadsheets and chasing clients by e-mail").
    alternative: str = ""
    # Free text, as the client states it ("£49 a month per firm").
    price: str = ""
    # The last day the offer may be promoted.
    offer_expires: date | None = None


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
    # The words the audience uses about the problem (never praise).
    phrases: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    # The queries the client wants to be found for (search ads, blog keywords).
    search_terms: tuple[str, ...] = ()
    # What happy customers say (praise only, never a pain).
    testimonials: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyDate:
    date: date
    label: str


@dataclass(frozen=True)
class Timeline:
    start: date
    end: date
    # The day content starts going out (the intake defaults it to `start`).
    launch: date | None = None
    key_dates: tuple[KeyDate, ...] = ()

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def first_publish_day(self) -> date:
        return self.launch or self.start


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
    # Proper nouns and fixed phrases exempt from banned-term checks ("Small Luxury Hotels of the World").
    allowed_phrases: tuple[str, ...] = ()


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
