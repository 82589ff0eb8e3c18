"""Strategy documents: versioned per brief, with KPIs, a channel plan and milestones, and the rules they obey."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID


class StrategyStatus(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


@dataclass(frozen=True)
class KPI:
    metric: str
    target: Decimal
    unit: str
    timeframe_start: date
    timeframe_end: date
    goal_type: str = ""
    rationale: str = ""


@dataclass(frozen=True)
class Cadence:
    """How often a channel publishes: `posts` per `period` ("day" or "week")."""

    posts: int
    period: str

    @property
    def per_week(self) -> float:
        return self.posts * 7 if self.period == "day" else float(self.posts)

    def __str__(self) -> str:
        return f"{self.posts} per {self.period}"


@dataclass(frozen=True)
class ChannelPlan:
    channel: str
    budget_share: Decimal
    tactics: tuple[str, ...]
    cadence: Cadence
    asset_types: tuple[str, ...]
    rationale: str = ""


@dataclass(frozen=True)
class Milestone:
    name: str
    date: date
    description: str = ""


@dataclass(frozen=True)
class Pillar:
    """One message pillar: a value proposition, the proof behind it and the pain it answers.

    `sources` are the brief paths it was built from ("product.value_propositions[0]"), so copy
    written for the pillar can record its provenance.
    """

    key: str
    name: str
    message: str
    value_proposition: str
    proof: str = ""
    pain: str = ""
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlannedAsset:
    """One asset the plan commits to: its channel, type, slot, publication time and pillar.

    `scheduled_at` is aware, in the client's time zone; `occasion` names a key date or moment
    the asset is written for ("Giving Tuesday"), empty for an ordinary slot.
    """

    channel: str
    asset_type: str
    slot: int
    scheduled_at: datetime
    pillar: str = ""
    occasion: str = ""

    @property
    def key(self) -> str:
        return f"{self.channel}-{self.slot:02d}-{self.asset_type}"


@dataclass(frozen=True)
class Strategy:
    id: UUID
    brief_id: UUID
    version: int
    status: StrategyStatus
    executive_summary: str
    positioning: str
    kpis: tuple[KPI, ...]
    channel_plans: tuple[ChannelPlan, ...]
    milestones: tuple[Milestone, ...]
    timeline_start: date
    timeline_end: date
    created_at: datetime
    generator: str = "rules-v1"
    # How earlier rejection notes were taken into account when this version was made.
    addressed_notes: tuple[str, ...] = ()
    decided_by: str = ""
    decided_at: datetime | None = None
    decision_notes: str = ""
    run_id: UUID | None = None
    # Set when an approved newer version superseded this one; kept so that discarding that
    # newer version can give this one back the status it had.
    superseded_by: UUID | None = None
    status_before_supersede: str = ""
    # The message pillars copy draws from, and every asset the plan commits to, in calendar order.
    pillars: tuple[Pillar, ...] = ()
    calendar: tuple[PlannedAsset, ...] = ()

    def pillar(self, key: str) -> Pillar | None:
        return next((p for p in self.pillars if p.key == key), None)

    def planned_for(self, channel: str) -> tuple[PlannedAsset, ...]:
        return tuple(a for a in self.calendar if a.channel == channel)
