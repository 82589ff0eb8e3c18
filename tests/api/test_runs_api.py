"""Runs over the API: start (202, queued), idempotency, the step timeline, approval, resume and cancel."""

from __future__ import annotations

import uuid

import pytest

from orchestration.api.views import BAD_IDEMPOTENCY_KEY, RUN_HAS_NO_PACKAGE
from orchestration.services import IDEMPOTENCY_KEY_REUSED, RUN_FINISHED, RUN_NOT_FOUND
from strategy.services import CANNOT_APPROVE
from tests.api.conftest import BRIEFS, RUNS, STRATEGIES, example_intake, submit

FORWARD_STEPS = [
    "normalize_brief",
    "generate_strategy",
    "await_approval",
    "produce_drafts",
    "check_quality",
    "build_package",
    "notify_webhook",
    "email_client",
]


def test_starting_a_run_answers_202_with_its_url_and_the_run_completes(api, brief, start_run):
    """POST /runs/ queues the run: 202, Location and body carry its URL; the run then shows its whole timeline."""
    # when
    response = start_run(brief["id"])
    # then
    assert response.status_code == 202
    accepted = response.json()
    assert set(accepted) == {"id", "status", "url"}
    assert response["Location"] == accepted["url"] == f"http://testserver/api/v1/runs/{accepted['id']}/"
    run = api.get(accepted["url"]).json()
    assert accepted["status"] == "pending"  # queued: the worker ran it once the request committed
    assert run["status"] == "completed"
    assert run["brief_id"] == brief["id"]
    assert run["options"] == {"require_approval": False}
    assert run["strategy_version"] == 1
    assert [s["name"] for s in run["steps"]] == FORWARD_STEPS
    assert all(s["kind"] == "forward" and s["status"] == "completed" for s in run["steps"])
    assert [s["seq"] for s in run["steps"]] == sorted(s["seq"] for s in run["steps"])
    assert run["steps"][0]["output"]["brief_id"] == brief["id"]
    assert run["package_id"]
    assert run["strategy_id"]
    assert run["finished_at"] is not None
    assert run["error"] is None


def test_a_repeated_idempotency_key_returns_the_same_run(api, brief, start_run):
    """The same Idempotency-Key answers the first run (200, same id and URL) and starts nothing new."""
    # given
    first = start_run(brief["id"], key="order-42")
    # when
    again = start_run(brief["id"], key="order-42")
    # then
    assert first.status_code == 202
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again["Location"] == first["Location"]
    assert api.get(RUNS, {"brief_id": brief["id"]}).json()["count"] == 1


def test_an_idempotency_key_used_for_another_brief_is_a_409(api, brief, start_run):
    """A key names one request: reusing it for another brief is a conflict, and no run is started."""
    # given
    other = submit(api, example_intake("b2b-saas-launch"))
    start_run(brief["id"], key="order-43")
    # when
    response = start_run(other["id"], key="order-43")
    # then
    assert response.status_code == 409
    assert response.json()["error"] == {"code": "duplicate", "message": IDEMPOTENCY_KEY_REUSED}
    assert api.get(RUNS, {"brief_id": other["id"]}).json()["count"] == 0


def test_an_overlong_idempotency_key_is_a_400_on_the_header(api, brief, start_run):
    """The key is at most 255 characters; the error names the header."""
    # when
    response = start_run(brief["id"], key="k" * 256)
    # then
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"Idempotency-Key": [BAD_IDEMPOTENCY_KEY]}


def test_starting_a_run_for_an_unknown_brief_is_a_404(api, start_run):
    """The brief must exist; nothing is queued otherwise."""
    # when
    response = start_run(str(uuid.uuid4()))
    # then
    assert response.status_code == 404
    assert api.get(RUNS).json()["count"] == 0


@pytest.fixture
def waiting_run(api, brief, start_run) -> dict:
    """A run that stopped at the approval gate."""
    response = start_run(brief["id"], require_approval=True)
    assert response.status_code == 202
    run = api.get(response["Location"]).json()
    assert run["status"] == "waiting_approval"
    return run


def test_a_run_that_needs_approval_waits_and_an_approval_through_the_api_finishes_it(
    api, approver_api, waiting_run, django_capture_on_commit_callbacks
):
    """Approving the strategy the run waits on resumes it in the background, to completion."""
    # given
    assert waiting_run["steps"][-1]["name"] == "await_approval"
    assert waiting_run["steps"][-1]["status"] == "waiting"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        approved = approver_api.post(
            f"{STRATEGIES}{waiting_run['strategy_id']}/approve/", {"notes": "Good to go"}, format="json"
        )
    # then
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "reviewer"
    assert approved.json()["decision_notes"] == "Good to go"
    run = api.get(f"{RUNS}{waiting_run['id']}/").json()
    assert run["status"] == "completed"
    assert run["steps"][-1]["name"] == "email_client"


def test_a_rejection_undoes_the_run_and_the_rejected_strategy_cannot_be_approved(
    api, approver_api, waiting_run, django_capture_on_commit_callbacks
):
    """Rejecting sends the waiting run to compensation; approving that strategy afterwards is a 409."""
    # given
    strategy_url = f"{STRATEGIES}{waiting_run['strategy_id']}"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        rejected = approver_api.post(f"{strategy_url}/reject/", {"notes": "Lead with the pastry box"}, format="json")
    late_approval = approver_api.post(f"{strategy_url}/approve/", {}, format="json")
    # then
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    run = api.get(f"{RUNS}{waiting_run['id']}/").json()
    assert run["status"] == "compensated"
    assert any(s["kind"] == "compensation" for s in run["steps"])
    assert late_approval.status_code == 409
    assert late_approval.json()["error"] == {
        "code": "invalid_state",
        "message": CANNOT_APPROVE.format(status="rejected"),
    }


def test_resuming_a_waiting_run_is_accepted_and_a_finished_one_is_a_409(
    api, start_run, completed_run, django_capture_on_commit_callbacks
):
    """Resume queues an unfinished run (202 + Location); a finished run cannot be resumed."""
    # given a run of another brief waiting for approval (one of the same brief would have ended when
    # the completed run's version superseded the one it waits on)
    other = submit(api, example_intake("regulated-finance"))
    waiting_run = api.get(start_run(other["id"], require_approval=True)["Location"]).json()
    assert waiting_run["status"] == "waiting_approval"
    # when
    with django_capture_on_commit_callbacks(execute=True):
        resumed = api.post(f"{RUNS}{waiting_run['id']}/resume/")
    refused = api.post(f"{RUNS}{completed_run['id']}/resume/")
    # then
    assert resumed.status_code == 202
    assert resumed["Location"] == f"http://testserver{RUNS}{waiting_run['id']}/"
    assert resumed.json()["status"] == "waiting_approval"  # still waiting for its approval
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == RUN_FINISHED.format(run_id=completed_run["id"], status="completed")


def test_cancelling_a_waiting_run_undoes_it_and_cancelling_again_changes_nothing(api, waiting_run):
    """Cancel compensates what the run finished and ends it cancelled; a second cancel answers the same run."""
    # when
    cancelled = api.post(f"{RUNS}{waiting_run['id']}/cancel/")
    again = api.post(f"{RUNS}{waiting_run['id']}/cancel/")
    # then
    assert cancelled.status_code == 200
    run = cancelled.json()
    assert run["status"] == "cancelled"
    # finished steps are undone in reverse; the approval gate never finished, so it has nothing to undo
    assert [s["name"] for s in run["steps"] if s["kind"] == "compensation"] == ["generate_strategy", "normalize_brief"]
    assert again.status_code == 200
    assert again.json()["status"] == "cancelled"
    assert api.get(f"{BRIEFS}{waiting_run['brief_id']}/").status_code == 200  # the brief existed before the run


def test_cancelling_a_completed_run_is_a_409(api, completed_run):
    """A delivered run is final."""
    # when
    response = api.post(f"{RUNS}{completed_run['id']}/cancel/")
    # then
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"


def test_the_run_list_filters_by_status_and_brief(api, completed_run, waiting_run):
    """status, brief_id and strategy_id narrow the list; a bad status is a 400."""
    # when
    completed = api.get(RUNS, {"status": "completed"}).json()
    waiting = api.get(RUNS, {"status": "waiting_approval", "brief_id": waiting_run["brief_id"]}).json()
    by_strategy = api.get(RUNS, {"strategy_id": completed_run["strategy_id"]}).json()
    bad = api.get(RUNS, {"status": "sleeping"})
    # then
    assert [r["id"] for r in completed["results"]] == [completed_run["id"]]
    assert [r["id"] for r in waiting["results"]] == [waiting_run["id"]]
    assert [r["id"] for r in by_strategy["results"]] == [completed_run["id"]]
    assert api.get(RUNS).json()["count"] == 2
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["status"]


@pytest.mark.parametrize("suffix", ["", "drafts/", "package/"])
def test_reading_an_unknown_run_is_a_404(api, suffix):
    """Every run address answers 404 for an id no run has."""
    # given
    missing = uuid.uuid4()
    # when
    response = api.get(f"{RUNS}{missing}/{suffix}")
    # then
    assert response.status_code == 404
    assert response.json()["error"]["message"] == RUN_NOT_FOUND.format(run_id=missing)


@pytest.mark.parametrize("action", ["resume", "cancel"])
def test_acting_on_an_unknown_run_is_a_404(api, action):
    """Resume and cancel answer 404 for an id no run has, naming the id in the error body."""
    # given
    missing = uuid.uuid4()
    # when
    response = api.post(f"{RUNS}{missing}/{action}/")
    # then
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": RUN_NOT_FOUND.format(run_id=missing)}


def test_a_run_without_a_package_answers_404_for_its_package(api, waiting_run):
    """A run still waiting for approval has built no package yet."""
    # when
    response = api.get(f"{RUNS}{waiting_run['id']}/package/")
    # then
    assert response.status_code == 404
    assert response.json()["error"]["message"] == RUN_HAS_NO_PACKAGE.format(run_id=waiting_run["id"])


def test_the_whole_workflow_runs_through_the_api_in_memory_mode(api, settings, start_run):
    """With AICMO_PERSISTENCE=memory the same endpoints submit, run, list drafts and download the package."""
    # given
    settings.AICMO_PERSISTENCE = "memory"
    brief = submit(api, example_intake("regulated-finance"))
    # when
    started = start_run(brief["id"])
    # then
    run = api.get(started["Location"]).json()
    assert run["status"] == "completed", run["error"]
    assert [s["name"] for s in run["steps"]] == FORWARD_STEPS
    drafts = api.get(f"{RUNS}{run['id']}/drafts/").json()
    assert drafts["count"] > 0
    assert all(d["qc"]["passed"] for d in drafts["results"])
    download = api.get(f"/api/v1/packages/{run['package_id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"
