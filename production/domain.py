"""Content drafts per channel and asset type, and the quality-control results held against them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


@dataclass(frozen=True)
class Draft:
    id: UUID
    run_id: UUID
    brief_id: UUID
    strategy_id: UUID
    channel: str
    asset_type: str
    slot: int
    title: str
    body: str
    # Structured parts per asset type: subject, preheader, cta, headlines, descriptions,
    # hashtags, link, meta_description, headings, footer...
    fields: dict[str, Any]
    scheduled_at: datetime
    generator: str
    template: str
    # Which brief fields fed this asset, and which mechanical fixes were applied.
    sources: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()
    created_at: datetime | None = None
    # The strategy pillar this asset serves (its key), and the occasion it was written for.
    pillar: str = ""
    occasion: str = ""

    @property
    def key(self) -> str:
        return f"{self.channel}-{self.slot:02d}-{self.asset_type}"


@dataclass(frozen=True)
class QCIssue:
    rule_id: str
    severity: Severity
    message: str
    field: str
    start: int
    end: int
    suggestion: str = ""


@dataclass(frozen=True)
class QCResult:
    id: UUID
    draft_id: UUID
    run_id: UUID
    score: float
    passed: bool
    rules_applied: int
    rules_passed: int
    ruleset_version: str
    threshold: int
    evaluated_at: datetime
    issues: tuple[QCIssue, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class LLMCall:
    """One call to a chat-completions endpoint, kept as a ledger row."""

    id: UUID
    model: str
    prompt_hash: str
    prompt_tokens: int
    completion_tokens: int
    latency_ms: float
    status: str
    error: str
    created_at: datetime
    run_id: UUID | None = None
