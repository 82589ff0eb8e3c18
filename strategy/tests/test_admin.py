"""The strategy admin: reading versions, comparing two, and approving or rejecting through the services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils.html import escape

from strategy import services
from strategy.domain import StrategyStatus
from strategy.models import StrategyRecord
from tests.factories import make_brief

pytestmark = pytest.mark.django_db

REJECTION_NOTES = "Lead with the proof points and spend less on paid channels."


@pytest.fixture
def strategies():
    from config import registry

    return registry.repository("strategy.documents")


@pytest.fixture
def brief():
    return make_brief()


@pytest.fixture
def two_versions(brief, strategies):
    """v1 rejected with notes, v2 generated from those notes and waiting for review."""
    v1 = services.strategy_generate(brief=brief, strategies=strategies)
    services.strategy_reject(strategy_id=v1.id, by="reviewer", notes=REJECTION_NOTES, strategies=strategies)
    v2 = services.strategy_generate(brief=brief, strategies=strategies)
    return strategies.get(v1.id), v2


def user_with(*codenames: str) -> User:
    """A staff user holding exactly these strategy permissions."""
    user = User.objects.create_user("reader", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="strategy", codename__in=codenames))
    return user


def status_of(strategy) -> str:
    return StrategyRecord.objects.get(id=strategy.id).status


def test_changelist_lists_versions_and_filters_by_brief_and_status(admin_client, two_versions, strategies):
    """Every version is listed; the brief filter and the status filter narrow the list."""
    # given
    v1, v2 = two_versions
    other = services.strategy_generate(brief=make_brief(), strategies=strategies)
    url = reverse("admin:strategy_strategyrecord_changelist")
    # when
    everything = admin_client.get(url)
    of_brief = admin_client.get(url, {"brief_id": str(v1.brief_id)})
    drafts = admin_client.get(url, {"status__exact": "draft"})
    searched = admin_client.get(url, {"q": str(other.brief_id)})
    # then
    assert everything.status_code == 200
    assert {r.id for r in everything.context["cl"].result_list} == {v1.id, v2.id, other.id}
    assert {r.id for r in of_brief.context["cl"].result_list} == {v1.id, v2.id}
    assert "Compare versions of this brief" in of_brief.content.decode()
    assert {r.id for r in drafts.context["cl"].result_list} == {v2.id, other.id}
    assert [r.id for r in searched.context["cl"].result_list] == [other.id]


def test_change_page_shows_kpis_channel_plan_and_milestones_as_tables(admin_client, two_versions):
    """The version reads as a document: tables for KPIs, channel shares and milestones, not JSON."""
    # given
    _, v2 = two_versions
    # when
    response = admin_client.get(reverse("admin:strategy_strategyrecord_change", args=[v2.id]))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    for kpi in v2.kpis:
        assert f"<strong>{kpi.metric}</strong>" in page
    for plan in v2.channel_plans:
        # a paid channel shows its share, an owned one the production effort instead of 0%
        assert (f"{plan.budget_share}%" if plan.role == "paid" else escape(plan.effort)) in page
        assert f"{plan.role}</span> {plan.purpose}" in page
    for kpi in v2.kpis:
        assert escape(kpi.source) in page
    # the strategist's reading the reviewer approves: insight, core message, pillars, risks
    for text in (v2.insight, v2.core_message, *(p.message for p in v2.pillars), *v2.risks):
        assert escape(text) in page
    for milestone in v2.milestones:
        assert f"<strong>{milestone.name}</strong>" in page
    assert '"budget_share"' not in page
    assert "&quot;budget_share&quot;" not in page
    assert REJECTION_NOTES in page  # the notes v2 addressed
    assert 'id="approve-strategy"' in page
    assert 'id="reject-strategy"' in page


def test_compare_view_shows_both_versions_with_changes_marked(admin_client, two_versions):
    """Two versions side by side: summaries word-diffed, tables row by row."""
    # given
    v1, v2 = two_versions
    url = reverse("admin:strategy_strategyrecord_compare")
    # when
    response = admin_client.get(url, {"brief_id": str(v1.brief_id), "a": 1, "b": 2})
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "Compare strategy versions v1 and v2" in page
    assert v1.decision_notes in page
    assert 'id="compare-kpis"' in page
    assert 'id="compare-channels"' in page
    assert 'id="compare-milestones"' in page
    diff = response.context["diff"]
    if v1.executive_summary != v2.executive_summary:
        assert "<ins>" in str(diff["summary"]["new"]) or "<del>" in str(diff["summary"]["old"])


def test_compare_marks_changed_added_and_removed_rows():
    """A changed share is shown old → new; a channel only in one version is added or removed."""
    # given
    from strategy.admin import compare_rows, word_diff

    old = [{"channel": "email", "share": "60%"}, {"channel": "x", "share": "40%"}]
    new = [{"channel": "email", "share": "70%"}, {"channel": "blog", "share": "30%"}]
    # when
    rows = compare_rows(old, new, key="channel", columns=("share",))
    left, right = word_diff("Grow <fast> now", "Grow slowly now")
    # then
    assert [(r["key"], r["state"]) for r in rows] == [("email", "changed"), ("x", "removed"), ("blog", "added")]
    assert rows[0]["cells"][0] == {"old": "60%", "new": "70%", "changed": True}
    assert str(left) == "Grow <del>&lt;fast&gt;</del> now"
    assert str(right) == "Grow <ins>slowly</ins> now"


def test_compare_with_a_single_version_explains_and_goes_back(admin_client, brief, strategies):
    """With one version there is nothing to compare: a message, back to the brief's list."""
    # given
    services.strategy_generate(brief=brief, strategies=strategies)
    # when
    response = admin_client.get(reverse("admin:strategy_strategyrecord_compare"), {"brief_id": str(brief.id)})
    # then
    assert response.status_code == 302
    assert f"brief_id={brief.id}" in response["Location"]


def test_approve_button_approves_through_the_service(admin_client, two_versions, admin_user):
    """Approving on the change page makes the draft approved, recording who decided."""
    # given
    _, v2 = two_versions
    # when
    response = admin_client.post(reverse("admin:strategy_strategyrecord_approve", args=[v2.id]))
    # then
    assert response.status_code == 302
    record = StrategyRecord.objects.get(id=v2.id)
    assert (record.status, record.decided_by) == ("approved", admin_user.username)
    page = admin_client.get(response["Location"]).content.decode()
    assert "Strategy v2 approved" in page
    assert 'id="approve-strategy"' not in page


def test_approving_an_already_rejected_version_is_refused_with_a_message(admin_client, two_versions):
    """The service's refusal reaches the operator as an error message; nothing changes."""
    # given
    v1, _ = two_versions
    # when
    response = admin_client.post(reverse("admin:strategy_strategyrecord_approve", args=[v1.id]), follow=True)
    # then
    assert "Not approved: Only a draft strategy can be approved; this one is rejected." in response.content.decode()
    assert status_of(v1) == "rejected"


def test_reject_page_needs_notes_or_requests_then_rejects(admin_client, two_versions):
    """Rejecting asks for notes or change requests: without either the form says so; with notes it rejects."""
    # given
    _, v2 = two_versions
    url = reverse("admin:strategy_strategyrecord_reject", args=[v2.id])
    # when
    form_page = admin_client.get(url)
    empty = admin_client.post(url, {"notes": "   "})
    done = admin_client.post(url, {"notes": "Too much on X."})
    # then
    assert form_page.status_code == 200
    assert 'name="notes"' in form_page.content.decode()
    assert empty.status_code == 200
    assert services.NOTES_REQUIRED in empty.content.decode()
    assert done.status_code == 302
    record = StrategyRecord.objects.get(id=v2.id)
    assert (record.status, record.decision_notes) == ("rejected", "Too much on X.")


def test_bulk_approve_action_approves_each_draft_and_reports_refusals(admin_client, two_versions, strategies):
    """The changelist action approves the selected drafts and names the ones it could not approve."""
    # given
    v1, v2 = two_versions
    other = services.strategy_generate(brief=make_brief(), strategies=strategies)
    # when
    response = admin_client.post(
        reverse("admin:strategy_strategyrecord_changelist"),
        {"action": "approve_selected", "_selected_action": [str(v1.id), str(v2.id), str(other.id)]},
        follow=True,
    )
    # then
    assert response.status_code == 200
    # v1 could not be approved (it was rejected); approving v2 then superseded it
    assert (status_of(v1), status_of(v2), status_of(other)) == ("superseded", "approved", "approved")
    page = response.content.decode()
    assert "2 strategies approved" in page
    assert "Not approved: v1 of brief" in page


def test_bulk_reject_action_asks_for_notes_then_rejects(admin_client, brief, strategies):
    """The reject action shows a notes form first; confirming rejects every selected draft with those notes."""
    # given
    first = services.strategy_generate(brief=brief, strategies=strategies)
    second = services.strategy_generate(brief=make_brief(), strategies=strategies)
    url = reverse("admin:strategy_strategyrecord_changelist")
    selected = [str(first.id), str(second.id)]
    # when
    asked = admin_client.post(url, {"action": "reject_selected", "_selected_action": selected})
    confirmed = admin_client.post(
        url, {"action": "reject_selected", "_selected_action": selected, "post": "yes", "notes": "Not on brand."}
    )
    # then
    assert asked.status_code == 200
    assert 'id="confirm-reject"' in asked.content.decode()
    assert (status_of(first), status_of(second)) == ("rejected", "rejected")
    assert confirmed.status_code == 302
    assert StrategyRecord.objects.get(id=first.id).decision_notes == "Not on brand."


def test_without_the_approve_permission_there_are_no_buttons_and_views_answer_403(client, two_versions):
    """A reader sees the strategy but neither buttons nor actions, and the decision views refuse."""
    # given
    _, v2 = two_versions
    client.force_login(user_with("view_strategyrecord"))
    # when
    page = client.get(reverse("admin:strategy_strategyrecord_change", args=[v2.id]))
    listing = client.get(reverse("admin:strategy_strategyrecord_changelist"))
    approve = client.post(reverse("admin:strategy_strategyrecord_approve", args=[v2.id]))
    reject = client.post(reverse("admin:strategy_strategyrecord_reject", args=[v2.id]), {"notes": "no"})
    action = client.post(
        reverse("admin:strategy_strategyrecord_changelist"),
        {"action": "approve_selected", "_selected_action": [str(v2.id)]},
    )
    # then
    assert page.status_code == 200
    assert 'id="approve-strategy"' not in page.content.decode()
    assert "approve_selected" not in listing.content.decode()
    assert (approve.status_code, reject.status_code) == (403, 403)
    assert action.status_code in (200, 302)  # an unknown action is ignored by the changelist
    assert status_of(v2) == StrategyStatus.DRAFT.value


def test_with_the_approve_permission_a_staff_user_can_approve(client, two_versions):
    """The `strategy.approve_strategy` permission alone (with view) is enough to decide."""
    # given
    _, v2 = two_versions
    client.force_login(user_with("view_strategyrecord", "approve_strategy"))
    # when
    page = client.get(reverse("admin:strategy_strategyrecord_change", args=[v2.id]))
    response = client.post(reverse("admin:strategy_strategyrecord_approve", args=[v2.id]))
    # then
    assert 'id="approve-strategy"' in page.content.decode()
    assert response.status_code == 302
    assert status_of(v2) == "approved"


def test_strategy_fields_cannot_be_changed_by_post(admin_client, two_versions):
    """Status, version and decision belong to the services: a POST to the change form is refused."""
    # given
    _, v2 = two_versions
    # when
    response = admin_client.post(
        reverse("admin:strategy_strategyrecord_change", args=[v2.id]),
        {"status": "approved", "version": 9, "decided_by": "me"},
    )
    deleted = admin_client.post(reverse("admin:strategy_strategyrecord_delete", args=[v2.id]), {"post": "yes"})
    # then
    assert (response.status_code, deleted.status_code) == (403, 403)
    record = StrategyRecord.objects.get(id=v2.id)
    assert (record.status, record.version, record.decided_by) == ("draft", 2, "")


def test_the_reject_form_offers_structured_requests_and_says_how_to_get_the_next_version(
    admin_client, brief, strategies
):
    """Channel, direction, pillar, tone and KPI fields become requests on the rejected version; the
    message and the rejected version's page say how to get the next one."""
    # given
    v1 = services.strategy_generate(brief=brief, strategies=strategies)
    url = reverse("admin:strategy_strategyrecord_reject", args=[v1.id])
    # when
    form_page = admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "shift_channel": "email",
            "shift_direction": "towards",
            "lead_pillar": "pillar-2",
            "tone": "more_formal",
            "add_kpi": "clicks",
            "notes": "Too generic",
        },
        follow=True,
    )
    # then
    for name in ("shift_channel", "shift_direction", "drop_channel", "add_channel", "lead_pillar", "tone", "add_kpi"):
        assert f'name="{name}"' in form_page
    assert 'name="remove_kpi"' in form_page
    rejected = strategies.get(v1.id)
    assert [r.kind for r in rejected.revision_requests] == ["shift_budget", "lead_with_pillar", "tone", "add_kpi"]
    assert rejected.decision_notes == "Too generic"
    page = response.content.decode()
    assert "Strategy v1 rejected with 4 change requests" in page
    assert f"manage.py run_workflow --brief {brief.id} --require-approval" in page
    assert 'id="generate-next-version"' in page
    assert "shift budget towards E-mail" in page  # the requests, listed on the rejected version


def test_a_request_the_version_cannot_take_is_shown_on_its_field(admin_client, strategies):
    """The service's requests[i].<field> error lands on the form field the request came from."""
    # given
    v1 = services.strategy_generate(brief=make_brief(channels=("email",)), strategies=strategies)
    # when
    response = admin_client.post(
        reverse("admin:strategy_strategyrecord_reject", args=[v1.id]),
        {"shift_channel": "email", "shift_direction": "towards"},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "shift_channel": ["E-mail is the only channel in the plan; there is no other channel to shift budget from"]
    }
    assert status_of(v1) == "draft"


def test_compare_view_shows_what_the_requests_changed(admin_client, strategies):
    """Issue 12's scenario in the compare view: shares, pillar order, tone, what changed and the
    free text recorded as not applied."""
    # given: Instagram and Facebook share the media budget, e-mail is owned
    brief = make_brief(channels=("instagram", "facebook", "email"))
    v1 = services.strategy_generate(brief=brief, strategies=strategies)
    services.strategy_reject(
        strategy_id=v1.id,
        by="reviewer",
        notes="shift budget to Facebook, lead with pillar 2, more formal. Too generic",
        strategies=strategies,
    )
    v2 = services.strategy_generate(brief=brief, strategies=strategies)
    # when
    response = admin_client.get(reverse("admin:strategy_strategyrecord_compare"), {"brief_id": str(brief.id)})
    # then
    page = response.content.decode()
    diff = response.context["diff"]
    assert diff["changes"] == [
        "executive summary",
        "core message",
        "positioning",
        "KPIs",
        "channel plan",
        "pillar order",
        "tone",
    ]
    tables = {t["slug"]: t for t in diff["tables"]}
    facebook = next(r for r in tables["channels"]["rows"] if r["key"] == "facebook")
    assert facebook["cells"][0] == {
        "old": f"{v1.channel_plans[1].budget_share}%",
        "new": f"{v2.channel_plans[1].budget_share}%",
        "changed": True,
    }
    assert [r["cells"][0]["new"] for r in tables["pillars"]["rows"]] == [
        "Pillar 2: Zero waste — ☕",
        "Pillar 1: Fresh every morning",
    ]
    assert tables["tone"]["rows"][0]["cells"][0] == {"old": "the brand's own", "new": "more formal", "changed": True}
    for line in (*v2.changes, "Too generic", "Recorded, not applied by the rule-based planner"):
        assert escape(line) in page
    assert "shift budget towards Facebook" in page  # v1's requests
