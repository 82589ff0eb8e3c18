"""What the client reads: strategy.md/html in a strategist's order, approval in words, the brand's colour,
and strategy.json as structured data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import uuid
from collections import Counter
from decimal import Decimal

import pytest

from delivery import packaging
from kernel.vocabulary import AUTO_APPROVER
from tests.factories import STRATEGY_SECTIONS as SECTIONS
from tests.factories import SYSTEM_WORDING, make_brief, make_package_inputs, make_strategy


def headings(markdown: str) -> list[str]:
    return re.findall(r"(?m)^## (.+)$", markdown)


def approved(strategy, by="Dana Reviewer", at=dt.datetime(2027, 4, 5, 9, 30, tzinfo=dt.UTC)):
    return dataclasses.replace(strategy, status="approved", decided_by=by, decided_at=at)


def test_sections_come_in_a_strategist_s_order_without_system_wording():
    brief = make_brief()
    md = packaging.render_strategy_markdown(brief, approved(make_strategy(brief)))
    assert headings(md) == list(SECTIONS)
    assert not any(word in md for word in SYSTEM_WORDING)
    assert md.startswith(f"# {brief.product.name}: marketing strategy\n")


def test_compliance_and_what_changed_appear_only_when_there_is_something_to_say():
    brief = make_brief()
    strategy = dataclasses.replace(
        approved(make_strategy(brief)),
        compliance=("Every asset carries the disclaimer.",),
        changes=("Budget shifted towards LinkedIn: 22.9% to 30%.",),
        unapplied_notes=("Make it feel more premium",),
    )
    md = packaging.render_strategy_markdown(brief, strategy)
    assert headings(md) == [*SECTIONS, "Compliance", "What changed"]
    changed = md.split("## What changed", 1)[1]
    assert "- Budget shifted towards LinkedIn: 22.9% to 30%." in changed
    assert "Recorded, not applied by the rule-based planner:\n\n- Make it feel more premium" in changed


@pytest.mark.parametrize(
    ("language", "timezone", "expected"),
    [
        ("en-GB", "Europe/London", "Approved by Dana Reviewer on 5 April 2027"),
        ("en-US", "America/New_York", "Approved by Dana Reviewer on April 5, 2027"),
        # 01:30 UTC on 6 April is still 5 April in Chicago: the client's day
        ("en-US", "America/Chicago", "Approved by Dana Reviewer on April 5, 2027"),
    ],
)
def test_approval_names_the_reviewer_and_the_day_in_the_client_s_language_and_zone(language, timezone, expected):
    at = dt.datetime(2027, 4, 6, 1, 30, tzinfo=dt.UTC) if timezone == "America/Chicago" else None
    brief = make_brief(language=language)
    brief = dataclasses.replace(brief, client=dataclasses.replace(brief.client, timezone=timezone))
    strategy = approved(make_strategy(brief), **({"at": at} if at else {}))
    md = packaging.render_strategy_markdown(brief, strategy)
    assert f"- **Approval:** {expected}\n" in md


def test_an_undecided_strategy_is_not_yet_approved_and_an_auto_approved_one_says_so():
    brief = make_brief()
    draft = make_strategy(brief)
    auto = approved(draft, by=AUTO_APPROVER)
    assert "- **Approval:** Not yet approved\n" in packaging.render_strategy_markdown(brief, draft)
    auto_md = packaging.render_strategy_markdown(brief, dataclasses.replace(auto, decision_notes="auto"))
    assert "- **Approval:** Approved automatically (no review requested)\n" in auto_md
    assert AUTO_APPROVER not in auto_md and "Reviewer's notes" not in auto_md
    rejected = dataclasses.replace(draft, status="rejected", decided_by="Dana", decided_at=dt.datetime.now(dt.UTC))
    assert "Not yet approved" in packaging.render_strategy_markdown(brief, rejected)


def test_the_channel_table_shows_roles_and_planned_counts_and_skips_empty_columns():
    brief = make_brief()
    strategy = approved(make_strategy(brief))
    md = packaging.render_strategy_markdown(brief, strategy)
    header = next(line for line in md.splitlines() if line.startswith("| Channel"))
    assert header == "| Channel | Role | Purpose | Budget or effort | Cadence | Assets planned |"
    # a plan without roles (an older version) leaves those columns out
    bare = tuple(dataclasses.replace(p, role="", purpose="") for p in strategy.channel_plans)
    strategy = dataclasses.replace(strategy, channel_plans=bare)
    md = packaging.render_strategy_markdown(brief, strategy)
    header = next(line for line in md.splitlines() if line.startswith("| Channel"))
    assert header == "| Channel | Budget or effort | Cadence | Assets planned |"
    first = strategy.channel_plans[0]
    label = packaging.channel_label(first.channel)
    row = next(line for line in md.splitlines() if line.startswith(f"| {label} |"))
    assert row.endswith(f"| {len(strategy.planned_for(first.channel))} |")
    roles = dataclasses.replace(
        first, role="owned", purpose="consideration", effort="2 posts a week written in-house", assets_planned=9
    )
    md = packaging.render_strategy_markdown(brief, dataclasses.replace(strategy, channel_plans=(roles,)))
    assert "| Channel | Role | Purpose | Budget or effort | Cadence | Assets planned |" in md
    assert f"| {label} | owned | consideration | 2 posts a week written in-house | " in md
    assert md.split(f"| {label} |", 1)[1].splitlines()[0].endswith("| 9 |")


def test_the_message_hierarchy_shows_the_core_message_pillars_and_their_mix():
    brief = make_brief()
    strategy = approved(make_strategy(brief))
    md = packaging.render_strategy_markdown(brief, strategy)
    section = md.split("## Message hierarchy", 1)[1].split("## Channel plan", 1)[0]
    assert f"> {strategy.core_message}" in section
    mix = Counter(a.pillar for a in strategy.calendar)
    for number, pillar in enumerate(strategy.pillars, start=1):
        assert f"| {number}. {pillar.name} | {pillar.message} |" in section
        assert f"| {mix[pillar.key]} of {len(strategy.calendar)} |" in section


def test_measurement_plan_shows_source_baseline_and_review_date_when_known():
    brief = make_brief(language="en-GB")
    strategy = approved(make_strategy(brief))
    kpi = dataclasses.replace(
        strategy.kpis[0],
        source="Google Analytics 4, utm_campaign=spring",
        baseline=Decimal("120"),
        review_date=dt.date(2027, 1, 31),
        rationale="about 1,000 clicks at roughly £12 each",
    )
    md = packaging.render_strategy_markdown(brief, dataclasses.replace(strategy, kpis=(kpi,)))
    assert "| KPI | Target | Source | Baseline | Review date | By |" in md
    assert "| Google Analytics 4, utm_campaign=spring | 120 | 31 January 2027 |" in md
    assert "About 1,000 clicks at roughly £12 each." in md


def test_html_uses_the_brand_s_first_readable_colour_and_loads_nothing():
    page = packaging.render_strategy_html("# T\n\n## S", title="T", language="en", colors=("#0B3D5C", "#F2A541"))
    assert "h1,h2,h3{color:#0b3d5c}" in page
    light_first = packaging.render_strategy_html("# T", title="T", language="en", colors=("#F5E6C8", "#7A4B2A"))
    assert "color:#7a4b2a" in light_first
    hostile = packaging.render_strategy_html(
        "# T", title="T", language="en", colors=("red;background:url(https://evil.example/x)", "#12")
    )
    assert f"color:{packaging.NEUTRAL_ACCENT}" in hostile
    for document in (page, light_first, hostile):
        assert "url(" not in document and "evil" not in document and "@import" not in document


def test_strategy_json_holds_the_strategy_and_counts_delivered_assets_per_channel():
    brief = make_brief()
    inputs = make_package_inputs(brief)
    package_inputs = packaging.PackageInputs(
        package_id=uuid.uuid4(),
        brief=brief,
        generated_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        aicmo_version="test",
        **inputs,
    )
    files = {f.name: f for f in packaging.render_package(package_inputs)}
    data = json.loads(files["strategy.json"].content)
    assert {
        "insight",
        "positioning",
        "core_message",
        "pillars",
        "channel_plans",
        "kpis",
        "milestones",
        "key_dates",
        "risks",
        "compliance",
        "changes",
    } <= set(data)
    delivered = Counter(d.channel for d in inputs["drafts"])
    assert {p["channel"]: p["assets_planned"] for p in data["channel_plans"]} == {
        p.channel: delivered[p.channel] for p in inputs["strategy"].channel_plans
    }
    for plan in data["channel_plans"]:
        assert {"channel", "role", "budget_share", "cadence", "assets_planned"} <= set(plan)
    for kpi in data["kpis"]:
        assert {"metric", "target", "unit", "source", "baseline", "review_date"} <= set(kpi)
    assert data["approval"] == {"state": "approved", "by": "reviewer@agency.example", "at": data["approval"]["at"]}
    manifest = json.loads(files["manifest.json"].content)
    assert "strategy.json" in [f["name"] for f in manifest["files"]]
    assert manifest["strategy"]["file"] == "strategy.json"


def test_the_client_e_mail_states_the_approval_in_words_never_the_system_approver():
    from delivery.handover import delivery_email_body

    brief = make_brief(language="en-GB")
    inputs = make_package_inputs(brief)
    auto = approved(inputs["strategy"], by=AUTO_APPROVER)
    package_inputs = packaging.PackageInputs(
        package_id=uuid.uuid4(),
        brief=brief,
        generated_at=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        aicmo_version="test",
        **{**inputs, "strategy": auto},
    )
    manifest = json.loads({f.name: f for f in packaging.render_package(package_inputs)}["manifest.json"].content)
    body = delivery_email_body(client_name="Zoë", manifest=manifest, download_url="https://x.example/d", zip_size=1)
    assert f"Strategy: version {auto.version}, approved automatically (no review requested)." in body
    assert AUTO_APPROVER not in body and AUTO_APPROVER not in json.dumps(manifest)
    assert manifest["approval"]["state"] == "approved_automatically"
    reviewed = dict(manifest, approval=dict(manifest["approval"], summary="Approved by Dana on 5 April 2027"))
    body = delivery_email_body(client_name="Zoë", manifest=reviewed, download_url="https://x.example/d", zip_size=1)
    assert "Strategy: version 2, approved by Dana on 5 April 2027." in body
