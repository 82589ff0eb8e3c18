"""Builders of valid domain objects for tests: small, explicit, no magic."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from decimal import Decimal
from pathlib import Path

from kernel import clock
from onboarding.domain import (
    CHANNELS,
    Audience,
    Brand,
    Brief,
    Budget,
    Client,
    DeliveryContacts,
    Goal,
    Intake,
    KeyDate,
    PreferredTerm,
    Product,
    Scope,
    Timeline,
)

__all__ = ["CHANNELS", "KeyDate"]  # onboarding vocabulary, for test modules that may not import onboarding


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


def make_draft(**overrides):
    """A valid production Draft (an Instagram post); override any field."""
    from production.domain import Draft

    values = {
        "id": uuid.uuid4(),
        "run_id": uuid.uuid4(),
        "brief_id": uuid.uuid4(),
        "strategy_id": uuid.uuid4(),
        "channel": "instagram",
        "asset_type": "post",
        "slot": 1,
        "title": "Crème Box, fresh every morning",
        "body": "Fresh every morning: the Crème Box for Parisian commuters. Order yours today. #ZoeCafe",
        "fields": {"hashtags": ["#ZoeCafe"], "cta": "Order yours today.", "link": "https://zoe.example.org"},
        "scheduled_at": dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC),
        "generator": "template",
        "template": "instagram.post.v1",
        "sources": ("product.name", "audience.description"),
        "fixes": (),
    }
    values.update(overrides)
    return Draft(**values)


def make_qc_result(draft=None, **overrides):
    """A QC result for `draft` (a new draft when omitted) with one minor issue; override any field."""
    from production.domain import QCIssue, QCResult, Severity

    draft = draft or make_draft()
    values = {
        "id": uuid.uuid4(),
        "draft_id": draft.id,
        "run_id": draft.run_id,
        "score": 92.5,
        "passed": True,
        "rules_applied": 12,
        "rules_passed": 11,
        "ruleset_version": "qc-test",
        "threshold": 80,
        "evaluated_at": clock.now(),
        "issues": (
            QCIssue(
                rule_id="terms.preferred",
                severity=Severity.MINOR,
                message="Prefer 'use' over 'utilize'.",
                field="body",
                start=10,
                end=17,
                suggestion="use",
            ),
        ),
    }
    values.update(overrides)
    return QCResult(**values)


def make_package_inputs(brief: Brief, *, run_id: uuid.UUID | None = None, per_asset_type: int = 2) -> dict:
    """Realistic inputs of a delivery package for `brief`, as {run_id, strategy, drafts, qc_results}.

    The strategy is the rule-built one, approved; every planned channel and asset type gets
    `per_asset_type` drafts written from the brief's own fields, each with a passing QC result.
    """
    from strategy.domain import StrategyStatus
    from strategy.rules import build_strategy

    run_id = run_id or uuid.uuid4()
    now = clock.now()
    strategy = build_strategy(brief, strategy_id=uuid.uuid4(), version=2, now=now)
    strategy = dataclasses.replace(
        strategy,
        status=StrategyStatus.APPROVED,
        decided_by="reviewer@agency.example",
        decided_at=now,
        decision_notes="Approved: go with the weekly cadence.",
        run_id=run_id,
    )
    drafts = []
    for hour, plan in enumerate(strategy.channel_plans):
        for asset_type in plan.asset_types:
            for slot in range(1, per_asset_type + 1):
                drafts.append(_package_draft(brief, strategy, run_id, plan.channel, asset_type, slot, hour))
    qc_results = [make_qc_result(d, score=90.0 + d.slot) for d in drafts]
    return {"run_id": run_id, "strategy": strategy, "drafts": drafts, "qc_results": qc_results}


def _package_draft(brief: Brief, strategy, run_id: uuid.UUID, channel: str, asset_type: str, slot: int, hour: int):
    from production.domain import Draft

    product, link = brief.product, brief.product.url or brief.client.website or "https://client.example.org"
    values = product.value_propositions or (product.name,)
    value = values[(slot - 1) % len(values)]
    pain = brief.audience.pains[0] if brief.audience.pains else "no time"
    hashtags = list(brief.brand.hashtags[:3])
    cta = "Order yours today."
    body = f"{product.name} for {brief.audience.description}: {value}. Made for days with {pain}. {cta}"
    fields: dict = {"cta": cta, "link": link}
    if channel == "email":
        fields |= {
            "subject": f"{product.name}: {value}"[:50],
            "preheader": f"Made for {brief.audience.description}"[:80],
            "footer": f"{brief.client.name}, {brief.client.postal_address}. Unsubscribe: {link}/unsubscribe",
        }
    elif channel == "google_ads":
        body = ""
        fields |= {
            "headlines": [product.name[:30], value[:30], "Order Today", f"{brief.client.name}"[:30], "Fresh Daily"],
            "descriptions": [f"{product.name}: {value}."[:90], f"For {brief.audience.description}. {cta}"[:90]],
            "paths": ["offer", f"slot-{slot}"],
        }
    elif channel == "blog":
        body = "\n\n".join([body, f"## Why {product.name}", value, "## How it works", f"Every day. {cta}"])
        fields |= {"meta_description": f"{product.name}: {value}. {cta}"[:156], "headings": ["Why", "How it works"]}
    else:
        body = f"{body} {' '.join(hashtags)}".strip()
        fields |= {"hashtags": hashtags}
    return Draft(
        id=uuid.uuid4(),
        run_id=run_id,
        brief_id=brief.id,
        strategy_id=strategy.id,
        channel=channel,
        asset_type=asset_type,
        slot=slot,
        title=f"{product.name}: {value}"[:80] or product.name,
        body=body,
        fields=fields,
        scheduled_at=dt.datetime.combine(
            brief.timeline.start + dt.timedelta(days=slot), dt.time(9 + hour % 8), tzinfo=dt.UTC
        ),
        generator="template",
        template=f"{asset_type}.v1",
        sources=("product.name", "product.value_propositions", "audience.description", "audience.pains"),
        fixes=("terms.preferred: utilize -> use",) if slot == 1 else (),
        created_at=clock.now(),
    )


EXAMPLE_BRIEFS_DIR = Path(__file__).resolve().parent.parent / "examples" / "briefs"


def example_brief_paths() -> list[Path]:
    """The example intakes shipped in examples/briefs (empty when there are none)."""
    return sorted(EXAMPLE_BRIEFS_DIR.glob("*.json"))


def example_brief(path: Path) -> Brief:
    """The brief normalized from an example intake file, through onboarding's own service."""
    from onboarding.services import brief_validate

    return brief_validate(raw=path.read_text(encoding="utf-8"))


def make_package(**overrides):
    """A built delivery Package with two artifacts (no files behind it); override any field."""
    from delivery.domain import Artifact, Package, PackageStatus

    package_id = overrides.pop("id", uuid.uuid4())
    run_id = overrides.pop("run_id", uuid.uuid4())
    folder = f"packages/{run_id}"
    values = {
        "id": package_id,
        "run_id": run_id,
        "brief_id": uuid.uuid4(),
        "strategy_id": uuid.uuid4(),
        "status": PackageStatus.BUILT,
        "zip_path": f"{folder}/package.zip",
        "zip_size": 2048,
        "zip_sha256": "a" * 64,
        "created_at": clock.now(),
        "artifacts": tuple(
            Artifact(
                id=uuid.uuid4(),
                name=name,
                media_type=media_type,
                size=100 + order,
                sha256=f"{order:x}" * 64,
                storage_path=f"{folder}/{name}",
                order=order,
            )
            for order, (name, media_type) in enumerate(
                [("strategy.md", "text/markdown; charset=utf-8"), ("manifest.json", "application/json")]
            )
        ),
    }
    values.update(overrides)
    return Package(**values)


def make_strategy(brief: Brief | None = None, *, version: int = 1, **overrides):
    """A rule-built draft Strategy for `brief` (a new brief when omitted); override any field."""
    from strategy.rules import build_strategy

    brief = brief or make_brief()
    strategy = build_strategy(brief, strategy_id=uuid.uuid4(), version=version, now=clock.now())
    return dataclasses.replace(strategy, **overrides)


# The client's strategy document: its sections in a strategist's order (Compliance and What changed
# follow when a brief needs them), and words of the system that must never reach it.
STRATEGY_SECTIONS = (
    "Executive summary",
    "Insight",
    "Positioning",
    "Message hierarchy",
    "Channel plan",
    "Measurement plan",
    "Milestones and key dates",
    "Risks",
)
SYSTEM_WORDING = (
    "rules-v1",
    "(no recorded decision)",
    "aicmo (approval",
    "Generated by",
    "noted; no rule applies",
    "None",
    "draft (",
)
