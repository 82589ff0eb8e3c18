"""Shared words about briefs that several contexts read: goal types and product kinds."""

from __future__ import annotations

GOAL_TYPES: tuple[str, ...] = ("awareness", "engagement", "traffic", "leads", "sales", "retention")

# What kind of thing the product is. It decides the verbs copy may use (an app is installed, a
# table is booked, a donation is given) and the register (a donor is not a customer).
PRODUCT_KINDS: tuple[str, ...] = (
    "software",
    "app",
    "subscription",
    "physical_product",
    "service",
    "local_service",
    "venue",
    "event",
    "financial_product",
    "nonprofit_cause",
)
