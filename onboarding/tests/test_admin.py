"""The brief and intake admin: lists, search and filters, the brief laid out for reading, and nothing editable."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from onboarding import services
from onboarding.models import BriefRecord, IntakeRecord
from tests.factories import EXAMPLE_BRIEFS_DIR

pytestmark = pytest.mark.django_db


def submit(name: str, **changes):
    """Submit an example intake (optionally changed) through onboarding's service; returns the brief."""
    from config import registry

    raw = json.loads((EXAMPLE_BRIEFS_DIR / name).read_text(encoding="utf-8"))
    raw.update(changes)
    return services.brief_submit(
        raw=json.dumps(raw), source="admin-test", briefs=registry.repository("onboarding.briefs")
    )


@pytest.fixture
def bakery():
    return submit("local-bakery.json")


@pytest.fixture
def saas():
    return submit("b2b-saas-launch.json")


def test_brief_changelist_lists_client_product_channels_and_status(admin_client, bakery, saas):
    """The list shows every brief with its client, product, channels and status."""
    # when
    response = admin_client.get(reverse("admin:onboarding_briefrecord_changelist"))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Crumb &amp; Kettle Bakery" in page
    assert bakery.product.name in page
    assert saas.product.name in page
    assert "instagram, facebook, email" in page
    assert 'class="aicmo-badge aicmo-badge--info">normalized' in page


def test_brief_search_finds_by_client_name(admin_client, bakery, saas):
    """Searching by client name keeps only that client's briefs."""
    # when
    response = admin_client.get(reverse("admin:onboarding_briefrecord_changelist"), {"q": "Crumb"})
    # then
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [BriefRecord.objects.get(id=bakery.id)]


def test_brief_filters_by_channel_and_status(admin_client, bakery, saas):
    """The channel filter matches one channel in the brief's list; the status filter matches the status."""
    # given
    url = reverse("admin:onboarding_briefrecord_changelist")
    only_bakery = next(c for c in bakery.channels if c not in saas.channels)
    # when
    by_channel = admin_client.get(url, {"channel": only_bakery})
    by_status = admin_client.get(url, {"status__exact": "delivered"})
    # then
    assert [r.id for r in by_channel.context["cl"].result_list] == [bakery.id]
    assert list(by_status.context["cl"].result_list) == []


def test_brief_page_lays_out_the_brief_and_the_raw_intake(admin_client, bakery):
    """Goals, audience, brand rules and scope are tables and lists; the raw intake is beside them, escaped."""
    # when
    response = admin_client.get(reverse("admin:onboarding_briefrecord_change", args=[bakery.id]))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sign up new Loaf Club members before the holiday season" in page
    assert '<td class="num">150</td>' in page
    assert "The Saturday line is out the door by 9 am" in page
    assert '<span class="aicmo-badge aicmo-badge--bad">mass-produced</span>' in page
    assert "<td><del>utilize</del></td><td>use</td>" in page
    assert "Gluten-free claims" in page
    assert 'aria-label="Raw intake"' in page
    assert "&quot;client&quot;: {" in page  # pretty-printed and escaped
    assert "{&#x27;client&#x27;" not in page
    assert "'goals':" not in page


def test_brief_page_links_to_its_strategies_runs_drafts_and_packages(admin_client, bakery):
    """Other contexts' records of the brief are one click away, filtered by the brief's id."""
    # when
    page = admin_client.get(reverse("admin:onboarding_briefrecord_change", args=[bakery.id])).content.decode()
    # then
    for name in (
        "strategy_strategyrecord",
        "orchestration_runrecord",
        "production_draftrecord",
        "delivery_packagerecord",
    ):
        assert f'href="{reverse(f"admin:{name}_changelist")}?brief_id={bakery.id}"' in page


def test_strategy_changelist_accepts_the_brief_link(admin_client, bakery):
    """The link the brief page builds is a valid filter of the strategy list (not an admin error)."""
    # when
    response = admin_client.get(reverse("admin:strategy_strategyrecord_changelist"), {"brief_id": str(bakery.id)})
    # then
    assert response.status_code == 200
    assert "?e=1" not in response.get("Location", "")


def test_intake_list_and_page_show_the_payload_pretty_and_escaped(admin_client, bakery):
    """The intake page shows the payload as received, indented, with HTML escaped."""
    # when
    listing = admin_client.get(reverse("admin:onboarding_intakerecord_changelist"))
    page = admin_client.get(reverse("admin:onboarding_intakerecord_change", args=[bakery.intake_id]))
    # then
    assert listing.status_code == 200
    assert "admin-test" in listing.content.decode()
    assert page.status_code == 200
    assert '<pre class="aicmo-json">{\n  &quot;client&quot;: {' in page.content.decode()


def test_briefs_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, bakery):
    """Onboarding's services own the rows: posting a change is refused and the row stays as it was."""
    # given
    change_url = reverse("admin:onboarding_briefrecord_change", args=[bakery.id])
    # when
    posted = admin_client.post(change_url, {"client_name": "Hacked", "status": "delivered"})
    added = admin_client.get(reverse("admin:onboarding_briefrecord_add"))
    deleted = admin_client.post(reverse("admin:onboarding_briefrecord_delete", args=[bakery.id]), {"post": "yes"})
    intake_posted = admin_client.post(
        reverse("admin:onboarding_intakerecord_change", args=[bakery.intake_id]), {"payload": "{}"}
    )
    # then
    assert (posted.status_code, added.status_code, deleted.status_code, intake_posted.status_code) == (403,) * 4
    record = BriefRecord.objects.get(id=bakery.id)
    assert (record.client_name, record.status) == ("Crumb & Kettle Bakery", "normalized")
    assert IntakeRecord.objects.get(id=bakery.intake_id).payload != "{}"


def test_brief_page_shows_every_typed_fact_and_the_warnings(admin_client):
    """Phone, time zone, kind, category, alternative, price, offer expiry, search terms, testimonials,
    launch, key dates and allowed phrases are on the brief's page, with the intake's warnings."""
    # given
    brief = submit("nonprofit-appeal.json", client={"name": "Full Plates Food Bank", "phone": "(937) 555-0123"})
    # when
    page = admin_client.get(reverse("admin:onboarding_briefrecord_change", args=[brief.id])).content.decode()
    # then
    for text in (
        "(937) 555-0123",
        "not given (times are UTC)",
        "nonprofit cause",
        "local food bank",
        "giving nothing this year",
        "Any amount; $25 provides 75 meals",
        "31 December 2027",
        "donate to food bank dayton",
        "I give monthly because I can see where it goes.",
        "Content starts 15 Nov 2027",
        "Giving Tuesday",
        "client.timezone",
    ):
        assert text in page, text
