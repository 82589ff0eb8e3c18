"""The run admin: status and timeline, the link to the strategy a run waits for, and resume / retry / cancel."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from config import registry
from orchestration import services
from orchestration.domain import RunStatus
from orchestration.models import RunRecord
from tests.factories import EXAMPLE_BRIEFS_DIR

pytestmark = pytest.mark.django_db

BAKERY = (EXAMPLE_BRIEFS_DIR / "local-bakery.json").read_bytes()


@pytest.fixture
def runs(media_root):
    from config import registry

    return registry.repository("orchestration.runs")


@pytest.fixture
def waiting_run(runs):
    """A client-delivery run stopped at the approval of its strategy."""
    run = services.run_start_for_intake(
        runs=runs, briefs=registry.repository("onboarding.briefs"), raw=BAKERY, source="test", require_approval=True
    ).run
    waiting = services.run_execute(run_id=run.id)
    assert waiting.status == RunStatus.WAITING_APPROVAL
    return waiting


@pytest.fixture
def failed_compensation(runs, settings):
    """A run of the test workflow whose compensation of step b failed twice (it succeeds on a retry)."""
    settings.AICMO_WORKFLOWS = {**settings.AICMO_WORKFLOWS, "letters": "orchestration.tests.workflows.LETTERS"}
    settings.AICMO_RETRY_BACKOFF_SECONDS = 0
    settings.AICMO_COMPENSATION_MAX_ATTEMPTS = 2
    run, _ = services.run_create(
        runs=runs,
        input={"permanent_at": "d", "compensation_fails_at": "b", "compensation_fail_times": 2},
        definition="letters",
    )
    failed = services.run_execute(run_id=run.id)
    assert failed.status == RunStatus.COMPENSATION_FAILED
    return failed


def status_of(run) -> str:
    return RunRecord.objects.get(id=run.id).status


def change_url(run) -> str:
    return reverse("admin:orchestration_runrecord_change", args=[run.id])


def operate(client, run, slug: str, **kwargs):
    name = f"admin:orchestration_runrecord_{slug.replace('-', '_')}"
    return client.post(reverse(name, args=[run.id]), **kwargs)


def test_changelist_shows_status_badges_and_filters(admin_client, waiting_run, failed_compensation):
    """Runs are listed with a coloured status; the status filter, the brief link and search narrow the list."""
    # given
    url = reverse("admin:orchestration_runrecord_changelist")
    # when
    everything = admin_client.get(url)
    waiting = admin_client.get(url, {"status__exact": "waiting_approval"})
    of_brief = admin_client.get(url, {"brief_id": str(waiting_run.brief_id)})
    searched = admin_client.get(url, {"q": str(failed_compensation.id)})
    # then
    assert everything.status_code == 200
    page = everything.content.decode()
    assert 'aicmo-badge--warn">waiting approval' in page
    assert 'aicmo-badge--bad">compensation failed' in page
    assert [r.id for r in waiting.context["cl"].result_list] == [waiting_run.id]
    assert [r.id for r in of_brief.context["cl"].result_list] == [waiting_run.id]
    assert [r.id for r in searched.context["cl"].result_list] == [failed_compensation.id]


def test_waiting_run_page_links_to_its_strategy_and_shows_the_timeline(admin_client, waiting_run):
    """The run page says it waits, links to the strategy's page, and lists every step record."""
    # when
    response = admin_client.get(change_url(waiting_run))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    strategy_url = reverse("admin:strategy_strategyrecord_change", args=[waiting_run.strategy_id])
    assert f'href="{strategy_url}" id="review-strategy"' in page
    timeline = page[page.index('id="run-timeline"') :]
    for step in ("normalize_brief", "generate_strategy", "await_approval"):
        assert f"<strong>{step}</strong>" in timeline
    assert 'aicmo-badge--warn">waiting' in timeline
    assert 'id="run-cancel"' in page
    assert 'id="run-resume"' not in page


def test_cancel_button_compensates_a_waiting_run(admin_client, waiting_run):
    """Cancelling goes through the service: what the run finished is undone and it ends cancelled."""
    # when
    response = operate(admin_client, waiting_run, "cancel", follow=True)
    # then
    assert response.status_code == 200
    assert status_of(waiting_run) == RunStatus.CANCELLED.value
    page = response.content.decode()
    assert "cancelled." in page
    assert "↶ compensation" in page


def test_approving_its_strategy_in_the_admin_completes_the_waiting_run(
    admin_client, waiting_run, django_capture_on_commit_callbacks
):
    """The strategy's approve button resumes the run (through the strategy's signal), which runs to the end."""
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:strategy_strategyrecord_approve", args=[waiting_run.strategy_id]))
    # then
    assert response.status_code == 302
    assert status_of(waiting_run) == RunStatus.COMPLETED.value
    page = admin_client.get(change_url(waiting_run)).content.decode()
    assert 'aicmo-badge--ok">completed' in page
    assert (
        reverse("admin:delivery_packagerecord_change", args=[RunRecord.objects.get(id=waiting_run.id).package_id])
        in page
    )


def test_rejecting_its_strategy_in_the_admin_compensates_the_waiting_run(
    admin_client, waiting_run, django_capture_on_commit_callbacks
):
    """The strategy's reject form sends the waiting run into compensation; the run page shows why."""
    # when
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:strategy_strategyrecord_reject", args=[waiting_run.strategy_id]),
            {"notes": "Too generic for a bakery."},
        )
    # then
    assert status_of(waiting_run) == RunStatus.COMPENSATED.value
    assert "Too generic for a bakery." in admin_client.get(change_url(waiting_run)).content.decode()


def test_resume_refuses_a_run_that_waits_for_approval(admin_client, waiting_run):
    """A waiting run goes on when its strategy is decided, not on a resume: the operator is told so."""
    # when
    response = operate(admin_client, waiting_run, "resume", follow=True)
    # then
    assert "Resume refused" in response.content.decode()
    assert status_of(waiting_run) == RunStatus.WAITING_APPROVAL.value


def test_resume_queues_a_pending_run_which_then_runs(admin_client, runs, django_capture_on_commit_callbacks):
    """Resume hands the run to the task queue (immediate in tests): it runs up to its approval."""
    # given
    pending = services.run_start_for_intake(
        runs=runs, briefs=registry.repository("onboarding.briefs"), raw=BAKERY, source="test", require_approval=True
    ).run
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = operate(admin_client, pending, "resume")
    # then
    assert response.status_code == 302
    assert status_of(pending) == RunStatus.WAITING_APPROVAL.value


def test_retry_compensation_button_finishes_a_failed_compensation(admin_client, failed_compensation):
    """A run whose compensation failed shows its error and a retry button; retrying finishes the undo."""
    # given
    page = admin_client.get(change_url(failed_compensation)).content.decode()
    # when
    response = operate(admin_client, failed_compensation, "retry-compensation")
    # then
    assert "cannot undo b" in page
    assert 'id="run-retry-compensation"' in page
    assert response.status_code == 302
    assert status_of(failed_compensation) == RunStatus.COMPENSATED.value


def test_bulk_actions_operate_each_run_and_report_refusals(admin_client, waiting_run, failed_compensation):
    """The cancel action cancels what it can and names the run it could not cancel."""
    # when
    response = admin_client.post(
        reverse("admin:orchestration_runrecord_changelist"),
        {"action": "cancel_selected", "_selected_action": [str(waiting_run.id), str(failed_compensation.id)]},
        follow=True,
    )
    # then
    assert status_of(waiting_run) == RunStatus.CANCELLED.value
    assert status_of(failed_compensation) == RunStatus.COMPENSATION_FAILED.value
    assert "Cancel refused" in response.content.decode()


def test_retry_action_retries_failed_compensations(admin_client, failed_compensation):
    """The retry action is the bulk form of the retry button."""
    # when
    admin_client.post(
        reverse("admin:orchestration_runrecord_changelist"),
        {"action": "retry_compensation_selected", "_selected_action": [str(failed_compensation.id)]},
    )
    # then
    assert status_of(failed_compensation) == RunStatus.COMPENSATED.value


def test_without_the_change_permission_runs_are_read_only(client, waiting_run):
    """A user who may only view runs sees no buttons, and the operation views answer 403."""
    # given
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_runrecord"))
    client.force_login(user)
    # when
    page = client.get(change_url(waiting_run))
    cancelled = operate(client, waiting_run, "cancel")
    # then
    assert page.status_code == 200
    assert 'id="run-cancel"' not in page.content.decode()
    assert cancelled.status_code == 403
    assert status_of(waiting_run) == RunStatus.WAITING_APPROVAL.value


def test_run_fields_cannot_be_changed_by_post(admin_client, waiting_run):
    """Status and step belong to the saga: a POST to the change form is refused and nothing moves."""
    # when
    response = admin_client.post(change_url(waiting_run), {"status": "completed", "current_step": ""})
    deleted = admin_client.post(reverse("admin:orchestration_runrecord_delete", args=[waiting_run.id]), {"post": "yes"})
    # then
    assert (response.status_code, deleted.status_code) == (403, 403)
    record = RunRecord.objects.get(id=waiting_run.id)
    assert (record.status, record.current_step) == ("waiting_approval", "await_approval")


def test_each_operation_needs_its_own_permission_the_one_the_api_checks(client, waiting_run):
    """The old catch-all (change_runrecord) opens nothing; cancel_run opens Cancel and nothing else."""
    # given
    user = User.objects.create_user("operator", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_runrecord", "change_runrecord"]))
    client.force_login(user)
    refused = operate(client, waiting_run, "cancel")
    user.user_permissions.add(Permission.objects.get(codename="cancel_run"))
    user = User.objects.get(pk=user.pk)
    client.force_login(user)
    # when
    page = client.get(change_url(waiting_run))
    resumed = operate(client, waiting_run, "resume")
    cancelled = operate(client, waiting_run, "cancel")
    # then
    assert refused.status_code == 403
    assert 'id="run-cancel"' in page.content.decode()
    assert resumed.status_code == 403
    assert cancelled.status_code == 302
    assert status_of(waiting_run) in (RunStatus.CANCELLED.value, RunStatus.COMPENSATING.value)


@pytest.fixture
def failed_delivery(runs, settings):
    """A run of the policies test workflow whose hold step d failed its 3 attempts (a 4th would pass)."""
    settings.AICMO_WORKFLOWS = {**settings.AICMO_WORKFLOWS, "policies": "orchestration.tests.workflows.POLICIES"}
    run, _ = services.run_create(runs=runs, input={"work": {"d": {"fail_times": 3}}}, definition="policies")
    held = services.run_execute(run_id=run.id)
    assert held.status == RunStatus.DELIVERY_FAILED
    return held


def test_a_run_whose_delivery_failed_shows_why_and_its_retry_button_delivers(
    admin_client, failed_delivery, django_capture_on_commit_callbacks
):
    """delivery_failed is shown as a failure with its reason; the retry button queues the hand-over again,
    which completes the run without redoing the steps before it."""
    # given
    page = admin_client.get(change_url(failed_delivery)).content.decode()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = operate(admin_client, failed_delivery, "retry-delivery", follow=True)
    # then
    assert 'aicmo-badge--bad">delivery failed' in page
    assert "d failed (attempt 3)" in page
    assert 'id="run-retry-delivery"' in page and 'id="run-cancel"' in page
    assert 'id="run-resume"' not in page
    assert "hand-over queued to be retried" in response.content.decode()
    assert status_of(failed_delivery) == RunStatus.COMPLETED.value


def test_reject_with_requests_then_generate_next_version_from_the_strategy_page(
    admin_client, waiting_run, django_capture_on_commit_callbacks
):
    """Issue 12 in the admin: the reject form's requests, the rejected version's “Generate next
    version” button (a new run that stops for approval), and the new version's changes."""
    # given
    strategies = registry.repository("strategy.documents")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:strategy_strategyrecord_reject", args=[waiting_run.strategy_id]),
            {
                "shift_channel": "instagram",
                "shift_direction": "towards",
                "lead_pillar": "pillar-2",
                "tone": "more_formal",
            },
        )
    strategy_page = admin_client.get(
        reverse("admin:strategy_strategyrecord_change", args=[waiting_run.strategy_id])
    ).content.decode()
    next_url = reverse("admin:orchestration_runrecord_next_version", args=[waiting_run.brief_id])
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(next_url)
    # then
    assert status_of(waiting_run) == RunStatus.COMPENSATED.value
    assert f'action="{next_url}"' in strategy_page
    assert response.status_code == 302
    next_run = RunRecord.objects.exclude(id=waiting_run.id).get(brief_id=waiting_run.brief_id)
    assert response["Location"] == change_url(next_run)
    assert next_run.status == RunStatus.WAITING_APPROVAL.value
    v2 = strategies.get(next_run.strategy_id)
    assert v2.version == 2
    assert [line.split(":")[0].split(" (")[0] for line in v2.changes] == [
        "Budget shifted towards Instagram",
        "Pillar 2",
        "Tone",
    ]
    assert admin_client.get(next_url).status_code == 405


def test_generate_next_version_needs_the_start_run_permission(client, waiting_run):
    """A staff user who may not start runs gets a 403 and no run is made."""
    # given
    user = User.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename="view_runrecord"))
    client.force_login(user)
    # when
    response = client.post(reverse("admin:orchestration_runrecord_next_version", args=[waiting_run.brief_id]))
    # then
    assert response.status_code == 403
    assert RunRecord.objects.filter(brief_id=waiting_run.brief_id).count() == 1
