"""Brief parts for strategy tests, built from tests.factories (strategy never imports onboarding)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from tests.factories import make_brief

_BASE = make_brief()


def goal(type: str, description: str = "the goal", target: Decimal | None = None, unit: str = ""):
    return dataclasses.replace(_BASE.goals[0], type=type, description=description, target=target, unit=unit)


def product(name: str, **fields):
    empty = {"description": "", "value_propositions": (), "proof_points": (), "offer": "", "url": ""}
    return dataclasses.replace(_BASE.product, name=name, **{**empty, **fields})


def audience(description: str, **fields):
    empty = {"pains": (), "phrases": (), "locations": ()}
    return dataclasses.replace(_BASE.audience, description=description, **{**empty, **fields})


def budget(amount: Decimal | None = None, currency: str = ""):
    return dataclasses.replace(_BASE.budget, amount=amount, currency=currency)


def timeline(start: dt.date, end: dt.date):
    return dataclasses.replace(_BASE.timeline, start=start, end=end)
