"""Builders of valid domain objects for tests: small, explicit, no magic."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from kernel import clock
from onboarding.domain import (
    Audience,
    Brand,
    Brief,
    Budget,
    Client,
    DeliveryContacts,
    Goal,
    Intake,
    PreferredTerm,
    Product,
    Scope,
    Timeline,
)


def make_intake(**overrides) -> Intake:
    values = {
        "id": uuid.uuid4(),
        "payload": '{"client": {"name": "Zoë Café"}}',
        "content_type": "application/json",
        "source": "test",
        "received_at": clock.now(),
    }
    values.update(overrides)
    return Intake(**values)


def make_brief(intake: Intake | None = None, **overrides) -> Brief:
    intake = intake or make_intake()
    values = {
        "id": uuid.uuid4(),
        "intake_id": intake.id,
        "client": Client(name="Zoë Café", website="https://zoe.example.org", postal_address="1 Rue de Lyon, Paris"),
        "product": Product(name="Crème Box", value_propositions=("Fresh every morning", "Zero waste — ☕")),
        "goals": (Goal(type="awareness", description="Be known in the 11th", target=Decimal("50000"), unit="reach"),),
        "audience": Audience(description="Parisian commuters", pains=("no time",), phrases=("café on the go",)),
        "channels": ("instagram", "email"),
        "timeline": Timeline(start=dt.date(2027, 1, 4), end=dt.date(2027, 2, 28)),
        "budget": Budget(amount=Decimal("12000.50"), currency="EUR"),
        "brand": Brand(
            tone="warm",
            banned_terms=("cheap",),
            preferred_terms=(PreferredTerm(avoid="utilize", use="use"),),
            hashtags=("#ZoeCafe",),
        ),
        "scope": Scope(deliverables=("instagram posts",), exclusions=("politics",)),
        "delivery": DeliveryContacts(email="owner@zoe.example.org"),
    }
    values.update(overrides)
    return Brief(**values)
