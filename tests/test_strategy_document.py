"""End to end, for every example brief: the client's strategy.md reads as written (issue 11's seam rules
find nothing in it), carries no system wording, and strategy.json plans exactly the assets delivered.

Lives under tests/ because it runs the workflow and production's QC rules over delivery's document
(a context's own tests may not import another context)."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import zipfile
from collections import Counter
from functools import cache

import pytest
from django.core.management import call_command

from kernel.channels import default_asset_type
from production.qc.engine import evaluate_run
from production.qc.rules import SEAM_RULES
from tests.factories import STRATEGY_SECTIONS as SECTIONS
from tests.factories import SYSTEM_WORDING, example_brief, example_brief_paths
from tests.qc_examples import draft

# The seam rules that judge writing. copy.internal_leak is left out on purpose: it flags the
# audience description, the budget and the goals' targets as planning notes that must not reach
# the audience, and the strategy is the planning document whose job is to state them.
STRATEGY_SEAM_RULES = tuple(rule for rule in SEAM_RULES if rule != "copy.internal_leak")
EXAMPLES = example_brief_paths()


@cache
def package_of(path) -> dict[str, bytes]:
    """Every file of the package the workflow builds for an example brief (in memory, auto-approved)."""
    from io import StringIO

    out = StringIO()
    call_command("run_workflow", str(path), "--persistence", "memory", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["status"] == "completed", result
    with zipfile.ZipFile(result["package"]) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def seam_findings(markdown: str, brief) -> list[str]:
    """What the seam rules find in `markdown`, read as a document published on launch day."""
    launch = brief.timeline.first_publish_day
    document = draft(
        "blog",
        default_asset_type("blog"),
        1,
        run_id=uuid.uuid4(),
        title=f"{brief.product.name}: marketing strategy",
        body=markdown,
        scheduled_at=dt.datetime.combine(launch, dt.time(9), tzinfo=dt.UTC),
    )
    run = evaluate_run([document], brief, threshold=80, now=dt.datetime(2027, 1, 1, tzinfo=dt.UTC))
    return [f"{i.rule_id}: {i.message}" for r in run.results for i in r.issues if i.rule_id in STRATEGY_SEAM_RULES]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_seam_rules_find_nothing_in_the_strategy_of_any_example(path):
    brief = example_brief(path)
    markdown = package_of(path)["strategy.md"].decode("utf-8")
    assert seam_findings(markdown, brief) == []


def test_the_seam_check_catches_the_old_pasted_positioning():
    """The check above is not vacuous: the template positioning issue 12 quoted is a pasted clause."""
    [path] = [p for p in EXAMPLES if p.stem == "b2b-saas-launch"]
    brief = example_brief(path)
    old = (
        "## Positioning\n\nFor Financial controllers and CFOs facing Month-end close takes 8 to 12 working days, "
        "Tallyfold Close: Close the books in 4 working days instead of 10.\n"
    )
    assert any(f.startswith("copy.pasted_clause") for f in seam_findings(old, brief))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_strategy_document_has_every_section_and_no_system_wording(path):
    files = package_of(path)
    markdown = files["strategy.md"].decode("utf-8")
    found = re.findall(r"(?m)^## (.+)$", markdown)
    assert tuple(found[: len(SECTIONS)]) == SECTIONS
    for document in (markdown, files["strategy.html"].decode("utf-8")):
        assert not any(word in document for word in SYSTEM_WORDING)
    assert "- **Approval:** Approved automatically (no review requested)" in markdown
    brief = example_brief(path)
    if brief.brand.colors:
        assert f"color:{brief.brand.colors[0].lower()}" in files["strategy.html"].decode("utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_strategy_json_plans_exactly_the_assets_delivered_per_channel(path):
    files = package_of(path)
    data = json.loads(files["strategy.json"])
    manifest = json.loads(files["manifest.json"])
    delivered = Counter(name.split("/")[1] for name in files if re.fullmatch(r"content/[^/]+/[^/]+\.md", name))
    planned = {plan["channel"]: plan["assets_planned"] for plan in data["channel_plans"]}
    assert planned == dict(delivered)
    assert planned == manifest["assets_per_channel"]
    assert "strategy.json" in [f["name"] for f in manifest["files"]]
    for plan in data["channel_plans"]:
        assert {"channel", "role", "budget_share", "cadence", "assets_planned"} <= set(plan)
    for kpi in data["kpis"]:
        assert {"metric", "target", "unit", "source", "baseline", "review_date"} <= set(kpi)
    assert data["insight"] and data["positioning"] and data["core_message"] and len(data["pillars"]) == 3
    assert {"milestones", "key_dates", "risks", "compliance", "changes"} <= set(data)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_each_key_date_is_one_row_and_money_targets_read_as_money(path):
    """A key date is listed once (with what the calendar does on it), not once as a milestone and
    again as a date; a target in a currency reads "$420,000", never "420000 USD"."""
    brief = example_brief(path)
    md = package_of(path)["strategy.md"].decode()
    dates = md.split("## Milestones and key dates", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ")[:2] for line in dates.splitlines() if line.startswith("| ") and " --- " not in line]
    assert len(rows) == len({tuple(r) for r in rows}), rows
    for key_date in brief.timeline.key_dates:
        assert sum(key_date.label in line for line in dates.splitlines()) == 1, key_date.label
    measurement = md.split("## Measurement plan", 1)[1].split("\n## ", 1)[0]
    assert not re.search(r"\| [\d,.]+ (USD|GBP|EUR)\b", measurement), measurement


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_effort_and_reasons_of_a_channel_count_the_assets_it_delivers(path):
    """An owned channel's effort ("3 e-mails to the existing list") and its reason name the number of
    assets the calendar delivers, not the uncapped cadence."""
    plans = json.loads(package_of(path)["strategy.json"])["channel_plans"]
    for plan in plans:
        if plan["role"] == "paid":
            continue
        stated = re.search(r"(\d+) (?:posts?|articles?|e-mails?)\b", plan["effort"])
        assert stated and int(stated.group(1)) == plan["assets_planned"], plan
        for number in re.findall(r"\b(\d+) (?:posts?|articles?|e-mails?)\b", plan["rationale"]):
            assert int(number) == plan["assets_planned"], plan
