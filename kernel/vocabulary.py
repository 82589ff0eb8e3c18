"""Shared words about briefs that several contexts read: goal types, product kinds and the verbs
each kind takes in a call to action."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

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

# The call-to-action verbs that fit each product kind (the copy standard's "Verbs follow the
# product"): what the writer picks its calls to action from. Verbs any kind may use (read, see,
# learn, find out, share) are in GENERAL_VERBS.
KIND_VERBS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "software": ("try", "start", "see", "book a demo", "request a demo", "get started", "sign up", "install"),
        "app": ("install", "download", "get", "try", "start", "open"),
        "subscription": ("join", "subscribe", "start", "try", "get"),
        "physical_product": ("order", "shop", "buy", "get", "pre-order", "try"),
        "service": ("book", "call", "get a quote", "request", "ask", "talk to", "contact"),
        "local_service": ("book", "call", "get a quote", "request", "message", "text"),
        "venue": ("book", "reserve", "visit", "plan", "stay", "join us"),
        "event": ("register", "save your seat", "book", "get tickets", "reserve", "join"),
        "financial_product": ("open", "compare", "read the risks", "check", "start", "see", "learn"),
        "nonprofit_cause": ("donate", "give", "support", "volunteer", "join", "sign", "share"),
    }
)
GENERAL_VERBS: tuple[str, ...] = ("read", "see", "learn", "find out", "discover", "explore", "share", "follow")

# Calls to action that contradict a product kind, compared at the start of a sentence: a hotel
# is not ordered, a donation is not bought, a non-advised investment is not "a conversation".
FORBIDDEN_VERBS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "software": ("order", "shop", "donate", "reserve"),
        "app": ("order", "shop", "donate", "reserve", "book a conversation"),
        "subscription": ("donate", "reserve", "book a conversation"),
        "physical_product": ("donate", "register", "book a conversation"),
        "service": ("order", "shop", "donate", "install", "download", "have you tried"),
        "local_service": ("order", "shop", "donate", "install", "download", "subscribe", "have you tried"),
        "venue": ("order", "shop", "buy", "install", "download", "subscribe", "donate", "have you tried"),
        "event": ("order", "shop", "install", "download", "donate", "have you tried"),
        "financial_product": (
            "book a conversation",
            "book a call",
            "book a consultation",
            "order",
            "shop",
            "buy now",
            "donate",
            "install",
            "have you tried",
        ),
        "nonprofit_cause": (
            "order",
            "shop",
            "buy",
            "purchase",
            "install",
            "download",
            "subscribe",
            "book",
            "pre-order",
            "have you tried",
        ),
    }
)

# Who "decides" a strategy the workflow approves by itself (a run that asks for no review): the
# client documents say "Approved automatically (no review requested)" for it, not this name.
AUTO_APPROVER = "aicmo (approval not required by this run)"
