"""Strategy documents: versioned per brief, with KPIs, a channel plan and milestones, and the rules they obey."""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
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
    # A sentence a client understands ("about 1,000 clicks at roughly £12 each ...").
    rationale: str = ""
    # The measurement plan: where the number is read (platform, analytics with the UTM scheme,
    # CRM), the baseline when the brief gives one, and the date the KPI is reviewed.
    source: str = ""
    baseline: Decimal | None = None
    review_date: date | None = None
    # How the target was worked out, as structured data (kept out of the client's sentence):
    # {"formula": "budget / cpc", "inputs": {"budget": "12000", "cpc": "12"}, "benchmarks": ["..."]}
    derivation: dict[str, Any] = field(default_factory=dict)


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
    # "paid", "owned" or "earned"; only paid channels take media budget (owned ones get
    # production effort, stated in `effort`).
    role: str = ""
    # What the channel is for in this plan: "reach", "consideration", "conversion" or "retention".
    purpose: str = ""
    effort: str = ""
    # The number of assets the calendar commits to, and why it is lower than the cadence when capped.
    assets_planned: int = 0
    cap_note: str = ""
    # The benchmark rows (ids of the versioned table) this channel's numbers come from.
    benchmarks: tuple[str, ...] = ()


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
    # False once the brief's offer has expired: such an asset must not promote it.
    offer: bool = True

    @property
    def key(self) -> str:
        return f"{self.channel}-{self.slot:02d}-{self.asset_type}"


class RevisionKind(enum.StrEnum):
    SHIFT_BUDGET = "shift_budget"  # channel, direction ("towards" | "away")
    DROP_CHANNEL = "drop_channel"  # channel
    ADD_CHANNEL = "add_channel"  # channel
    LEAD_WITH_PILLAR = "lead_with_pillar"  # pillar ("pillar-2")
    TONE = "tone"  # direction ("more_formal" | "more_casual")
    ADD_KPI = "add_kpi"  # metric
    REMOVE_KPI = "remove_kpi"  # metric


@dataclass(frozen=True)
class RevisionRequest:
    """One structured change a reviewer asks for when rejecting a version; the rules apply it."""

    kind: RevisionKind
    channel: str = ""
    direction: str = ""
    pillar: str = ""
    metric: str = ""


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
    # The strategist's reading: the insight, the one core message above the pillars, the risks
    # and (for a regulated brief) the compliance section.
    insight: str = ""
    core_message: str = ""
    risks: tuple[str, ...] = ()
    compliance: tuple[str, ...] = ()
    # The tone the copy takes ("", "more formal", "more casual"), set by a revision request.
    tone: str = ""
    # Revision: the structured requests a rejection made (on the rejected version), and on the
    # next version what each applied request changed and the free-text notes no rule could apply.
    revision_requests: tuple[RevisionRequest, ...] = ()
    changes: tuple[str, ...] = ()
    unapplied_notes: tuple[str, ...] = ()

    def pillar(self, key: str) -> Pillar | None:
        return next((p for p in self.pillars if p.key == key), None)

    def planned_for(self, channel: str) -> tuple[PlannedAsset, ...]:
        return tuple(a for a in self.calendar if a.channel == channel)

    def planned_count(self, channel: str) -> int:
        """The assets the plan commits to on `channel`: its plan's count, or the calendar's."""
        plan = next((p for p in self.channel_plans if p.channel == channel), None)
        return (plan.assets_planned if plan else 0) or len(self.planned_for(channel))

    def pillar_mix(self) -> dict[str, int]:
        """How many planned assets serve each pillar, in pillar order."""
        served = Counter(a.pillar for a in self.calendar)
        return {p.key: served[p.key] for p in self.pillars}
