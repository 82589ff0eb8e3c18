"""Strategies over the API: list by brief and status, read, approve and reject (with the permission)."""

from __future__ import annotations

import uuid

import pytest

from strategy.services import REJECTED_WITH_OTHER_NOTES, STRATEGY_NOT_FOUND
from tests.api.conftest import STRATEGIES, example_intake, submit


@pytest.fixture
def waiting_strategy(api, start_run) -> dict:
    """The draft strategy a run waits on for approval (a brief of its own)."""
    brief = submit(api, example_intake("b2b-saas-launch"))
    run = api.get(start_run(brief["id"], require_approval=True)["Location"]).json()
    return api.get(f"{STRATEGIES}{run['strategy_id']}/").json()


def test_a_strategy_reads_with_its_plan(api, waiting_strategy):
    """GET /strategies/{id}/ returns the version with KPIs, channel plans and milestones."""
    # then
    assert api.get(f"/api/v1/briefs/{waiting_strategy['brief_id']}/").status_code == 200
    assert waiting_strategy["version"] == 1
    assert waiting_strategy["status"] == "draft"
    assert waiting_strategy["kpis"]
    assert waiting_strategy["channel_plans"]
    assert waiting_strategy["milestones"]
    plan = waiting_strategy["channel_plans"][0]
    assert set(plan["cadence"]) == {"posts", "period", "per_week"}
    # the measurement plan and the channel roles
    assert all(k["source"] and k["review_date"] and k["derivation"]["formula"] for k in waiting_strategy["kpis"])
    roles = {p["channel"]: (p["role"], p["budget_share"]) for p in waiting_strategy["channel_plans"]}
    assert roles["email"] == ("owned", "0.0") and roles["google_ads"][0] == "paid"
    assert "google_ads-gbp-b2b_software" in next(
        p["benchmarks"] for p in waiting_strategy["channel_plans"] if p["channel"] == "google_ads"
    )
    assert waiting_strategy["decided_by"] == ""
    assert waiting_strategy["decided_at"] is None


def test_a_strategy_reads_with_the_strategist_s_reading(api, waiting_strategy):
    """The insight, core message, pillars, risks and compliance are part of a version (read-only)."""
    assert waiting_strategy["insight"].startswith("For financial controllers and CFOs, month-end close takes")
    assert waiting_strategy["core_message"] == (
        "With Tallyfold Close, you close the books in 4 working days instead of 10."
    )
    assert [p["key"] for p in waiting_strategy["pillars"]] == ["pillar-1", "pillar-2", "pillar-3"]
    assert {"name", "message", "value_proposition", "proof", "pain"} <= set(waiting_strategy["pillars"][0])
    assert waiting_strategy["risks"]
    assert waiting_strategy["compliance"] == [
        "The claim “#1” may appear only with its source: “Rated #1 for month-end close on G2, Fall 2026 report”.",
        "Approvals needed: Tallyfold confirms every claim's source before launch.",
    ]


def test_the_list_filters_by_brief_and_status(api, approver_api, waiting_strategy, completed_run):
    """brief_id gives that brief's versions; status narrows to a review state."""
    # when
    by_brief = api.get(STRATEGIES, {"brief_id": waiting_strategy["brief_id"]}).json()
    drafts = api.get(STRATEGIES, {"status": "draft"}).json()
    approved_for_brief = api.get(STRATEGIES, {"brief_id": completed_run["brief_id"], "status": "approved"}).json()
    everything = api.get(STRATEGIES).json()
    # then
    assert [s["id"] for s in drafts["results"]] == [waiting_strategy["id"]]
    assert [s["id"] for s in approved_for_brief["results"]] == [completed_run["strategy_id"]]
    assert everything["count"] == 2
    assert [s["id"] for s in by_brief["results"]] == [waiting_strategy["id"]]


def test_a_bad_filter_is_a_400_naming_each_parameter(api):
    """A brief_id that is not a UUID and an unknown status are both reported."""
    # when
    response = api.get(STRATEGIES, {"brief_id": "x", "status": "maybe"})
    # then
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"brief_id", "status"}


def test_approving_twice_changes_nothing(approver_api, waiting_strategy, django_capture_on_commit_callbacks):
    """A repeated approval answers the approved version as it was."""
    # given
    url = f"{STRATEGIES}{waiting_strategy['id']}/approve/"
    with django_capture_on_commit_callbacks(execute=True):
        first = approver_api.post(url, {}, format="json").json()
    # when
    second = approver_api.post(url, {"notes": "again"}, format="json")
    # then
    assert second.status_code == 200
    assert second.json() == first


def test_rejecting_needs_notes(approver_api, waiting_strategy):
    """Notes say what the next version must change: missing or blank notes are a 400 on `notes`."""
    # when
    missing = approver_api.post(f"{STRATEGIES}{waiting_strategy['id']}/reject/", {}, format="json")
    blank = approver_api.post(f"{STRATEGIES}{waiting_strategy['id']}/reject/", {"notes": "  "}, format="json")
    # then
    for response in (missing, blank):
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == ["notes"]


def test_rejecting_again_with_other_notes_is_a_409(approver_api, waiting_strategy, django_capture_on_commit_callbacks):
    """A rejection is the review record: a second one with different notes conflicts with it."""
    # given
    url = f"{STRATEGIES}{waiting_strategy['id']}/reject/"
    with django_capture_on_commit_callbacks(execute=True):
        approver_api.post(url, {"notes": "Shorter posts"}, format="json")
    # when
    same = approver_api.post(url, {"notes": "Shorter posts"}, format="json")
    other = approver_api.post(url, {"notes": "Longer posts"}, format="json")
    # then
    assert same.status_code == 200
    assert other.status_code == 409
    assert other.json()["error"] == {"code": "invalid_state", "message": REJECTED_WITH_OTHER_NOTES}


@pytest.mark.parametrize(("method", "suffix"), [("get", ""), ("post", "approve/"), ("post", "reject/")])
def test_an_unknown_strategy_is_a_404(approver_api, method, suffix):
    """Reading or deciding on a strategy that does not exist is a 404."""
    # when
    body = {"notes": "n"} if method == "post" else None
    response = getattr(approver_api, method)(f"{STRATEGIES}{uuid.uuid4()}/{suffix}", body, format="json")
    # then
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": STRATEGY_NOT_FOUND}


DONE_WHEN = [
    {"kind": "shift_budget", "channel": "linkedin", "direction": "towards"},
    {"kind": "lead_with_pillar", "pillar": "pillar-2"},
    {"kind": "tone", "direction": "more_formal"},
]


def test_a_rejection_with_requests_reaches_the_next_version(
    approver_api, waiting_strategy, start_run, django_capture_on_commit_callbacks
):
    """Issue 12: requests are stored on the rejected version; the next run's version applies and lists
    them, and the free text is shown as not applied."""
    # given
    url = f"{STRATEGIES}{waiting_strategy['id']}/reject/"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        rejected = approver_api.post(url, {"requests": DONE_WHEN, "notes": "Too generic"}, format="json")
    run = approver_api.get(start_run(waiting_strategy["brief_id"], require_approval=True)["Location"]).json()
    v2 = approver_api.get(f"{STRATEGIES}{run['strategy_id']}/").json()
    # then
    assert rejected.status_code == 200, rejected.content
    assert [r["kind"] for r in rejected.json()["revision_requests"]] == ["shift_budget", "lead_with_pillar", "tone"]
    assert rejected.json()["decision_notes"] == "Too generic"
    assert v2["version"] == 2
    linkedin = [
        p["budget_share"] for s in (waiting_strategy, v2) for p in s["channel_plans"] if p["channel"] == "linkedin"
    ]
    assert float(linkedin[1]) > float(linkedin[0])
    assert v2["changes"] == [
        f"Budget shifted towards LinkedIn: {linkedin[0]}% -> {linkedin[1]}%",
        'Pillar 2 ("Every reconciliation matched and evidenced automatically") now leads',
        "Tone: more formal",
    ]
    assert v2["tone"] == "more formal"
    assert v2["unapplied_notes"] == ["Too generic"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"requests": [{"kind": "shift_budget", "channel": "facebook", "direction": "towards"}]},
            ["requests[0].channel"],
        ),
        (
            {"requests": [{"kind": "shift_budget", "channel": "tiktok", "direction": "towards"}]},
            ["requests[0].channel"],
        ),
        ({"requests": [{"kind": "shift_budget", "channel": "linkedin"}]}, ["requests[0].direction"]),
        ({"requests": [{"kind": "lead_with_pillar", "pillar": "pillar-7"}]}, ["requests[0].pillar"]),
        ({"notes": "x", "requests": [{"kind": "add_kpi", "metric": "happiness"}]}, ["requests[0].metric"]),
        ({"requests": [{"kind": "louder"}]}, ["requests[0].kind"]),
    ],
)
def test_a_bad_request_is_a_400_naming_the_field(approver_api, waiting_strategy, body, fields):
    """Checked by the serializer (shape) and against the version (meaning); the draft stays a draft."""
    # when
    response = approver_api.post(f"{STRATEGIES}{waiting_strategy['id']}/reject/", body, format="json")
    # then
    assert response.status_code == 400, response.content
    assert list(response.json()["error"]["fields"]) == fields
    assert approver_api.get(f"{STRATEGIES}{waiting_strategy['id']}/").json()["status"] == "draft"
