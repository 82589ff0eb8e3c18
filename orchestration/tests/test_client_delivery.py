"""The client-to-delivery workflow end to end, in both persistence modes, through the real contexts."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from config import registry
from orchestration import services
from orchestration.domain import RunStatus, StepKind, StepStatus
from orchestration.tests.support import closed_port, intake, leftovers, nothing_left, submit
from orchestration.workflow import CLIENT_DELIVERY_WORKFLOW
from strategy import services as strategy

STEP_NAMES = [step.name for step in CLIENT_DELIVERY_WORKFLOW.steps]


@pytest.fixture
def runs(persistence, settings, media_root, loopback_webhooks):
    settings.AICMO_RETRY_BACKOFF_SECONDS = 0
    settings.AICMO_WEBHOOK_ATTEMPTS = 1
    return registry.repository("orchestration.runs")


@pytest.fixture
def on_commit(persistence, django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the approval signal, enqueued runs) as a committed transaction would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def run_intake(runs, data, **options):
    run = services.run_start_for_intake(
        runs=runs, briefs=registry.repository("onboarding.briefs"), raw=json.dumps(data), source="test", **options
    ).run
    return services.run_execute(run_id=run.id)


def forward(runs, run_id):
    return [(s.name, s.status.value) for s in runs.steps(run_id) if s.kind == StepKind.FORWARD]


def compensations(runs, run_id):
    return [(s.name, s.status.value) for s in runs.steps(run_id) if s.kind == StepKind.COMPENSATION]


def test_happy_path_completes_every_step_in_order_and_leaves_a_package(runs, media_root):
    """Every step completes once, in order; the run is completed and its zip exists with a manifest."""
    # when
    done = run_intake(runs, intake("local-bakery"))
    # then
    assert done.status == RunStatus.COMPLETED
    assert forward(runs, done.id) == [(name, "completed") for name in STEP_NAMES]
    found = leftovers(done.id, done.brief_id, media_root)
    assert found["package"] is not None and len(found["drafts"]) > 0
    zip_path = Path(media_root) / found["package"].zip_path
    with zipfile.ZipFile(zip_path) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["strategy"]["version"] == 1
    assert done.package_id == found["package"].id


def test_qc_failure_compensates_in_reverse_and_leaves_nothing(runs, media_root):
    """A banned term the copy cannot avoid (the e-mail footer's postal address needs it, the strategy
    never says it) fails QC; the run's finished steps are undone in reverse and nothing of it remains,
    while an earlier successful run of another brief is untouched."""
    # given an earlier successful run of another brief
    earlier = run_intake(runs, intake("local-bakery"))
    before = leftovers(earlier.id, earlier.brief_id, media_root)
    # when a brief bans a word of its own postal address
    data = intake("b2b-saas-launch")
    banned_word = "Clerkenwell"
    assert banned_word in data["client"]["postal_address"]
    data["brand"]["banned_terms"] = [*data["brand"].get("banned_terms", []), banned_word]
    failed = run_intake(runs, data)
    # then
    assert failed.status == RunStatus.COMPENSATED
    assert failed.error.step == "check_quality"
    assert failed.error.type == "QCFailed"
    assert "terms.banned" in failed.error.message
    assert compensations(runs, failed.id) == [
        ("produce_drafts", "completed"),
        ("await_approval", "completed"),
        ("generate_strategy", "completed"),
        ("normalize_brief", "completed"),
    ]
    assert nothing_left(leftovers(failed.id, failed.brief_id, media_root))
    assert leftovers(earlier.id, earlier.brief_id, media_root) == before


def test_a_webhook_nobody_listens_on_holds_the_run_with_its_work_and_cancel_undoes_it(runs, media_root, settings):
    """A webhook on a closed port fails its bounded attempts; the run stops in delivery_failed with the
    package and everything before it intact and no e-mail sent; cancelling then undoes the whole run."""
    settings.AICMO_WEBHOOK_ATTEMPTS = 2
    earlier = run_intake(runs, intake("regulated-finance"))
    before = leftovers(earlier.id, earlier.brief_id, media_root)
    data = intake("local-bakery", delivery={"webhook_url": f"http://127.0.0.1:{closed_port()}/hooks/aicmo"})
    # when
    held = run_intake(runs, data)
    # then
    assert held.status == RunStatus.DELIVERY_FAILED
    assert (held.error.step, held.error.type) == ("notify_webhook", "WebhookFailed")
    assert held.current_step == "notify_webhook" and held.claimed_by == ""
    assert [s.attempt for s in runs.steps(held.id) if s.name == "notify_webhook"] == [1, 2]
    assert compensations(runs, held.id) == []
    kept = leftovers(held.id, held.brief_id, media_root)
    assert kept["package"] is not None and kept["files"] and kept["drafts"]
    assert not kept["package"].announced
    # when an operator gives up on it
    cancelled = services.run_cancel(run_id=held.id, runs=runs)
    # then
    assert cancelled.status == RunStatus.CANCELLED
    assert [name for name, _ in compensations(runs, held.id)] == list(reversed(STEP_NAMES[:6]))
    assert nothing_left(leftovers(held.id, held.brief_id, media_root))
    assert leftovers(earlier.id, earlier.brief_id, media_root) == before


def test_a_full_disk_during_the_package_build_undoes_the_run_and_leaves_no_file(runs, media_root, settings):
    """The storage runs out of space half-way through the package: the build fails, its partial files are
    removed by its own compensation, every earlier step is undone, and nothing of the run remains."""
    # given a disk with room for a few of the package's files
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "orchestration.tests.support.FullDiskStorage", "OPTIONS": {"capacity": 12_000}},
    }
    # when
    failed = run_intake(runs, intake("local-bakery"))
    # then
    assert failed.status == RunStatus.COMPENSATED
    assert (failed.error.step, failed.error.type) == ("build_package", "OSError")
    assert "No space left on device" in failed.error.message
    undo = [s for s in runs.steps(failed.id) if s.kind == StepKind.COMPENSATION]
    assert [s.name for s in undo] == list(reversed(STEP_NAMES[:6]))
    assert undo[0].output == {"deleted": True}  # the partial package's files went
    assert nothing_left(leftovers(failed.id, failed.brief_id, media_root))
    assert not (Path(media_root) / "packages" / str(failed.id)).exists()


def test_each_llm_call_is_in_the_ledger_even_when_the_drafting_step_fails(runs, media_root, settings, httpserver):
    """An LLM that answers 500 with no fallback: the drafting step fails its attempts and the run is undone,
    but the ledger keeps one row per call made, written as each call ended (the same in both modes)."""
    # given
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_data("overloaded", status=500)
    settings.AICMO_STEP_MAX_ATTEMPTS = 2
    settings.AICMO_GENERATOR = {
        "BACKEND": "production.generators.OpenAIChatGenerator",
        "OPTIONS": {"base_url": httpserver.url_for("/v1"), "model": "m", "fallback_to_template": False},
    }
    runs = registry.repository("orchestration.runs")  # the setting change gave the registry new instances
    # when
    failed = run_intake(runs, intake("local-bakery"))
    # then
    assert failed.status == RunStatus.COMPENSATED
    assert (failed.error.step, failed.error.type) == ("produce_drafts", "GenerationFailed")
    calls = registry.repository("production.llm_calls").list(run_id=failed.id)
    assert len(calls) == len(httpserver.log) == 2
    assert {(c.status, c.model) for c in calls} == {("error", "m")}
    assert all("HTTP 500" in c.error for c in calls)


def test_the_same_brief_twice_within_a_second_makes_two_runs_and_two_versions(runs, media_root):
    """Two runs of one brief started back to back: two runs, versions 1 and 2, both packages kept."""
    brief = submit(intake("local-bakery"))
    first, _ = services.run_start_for_brief(
        runs=runs, briefs=registry.repository("onboarding.briefs"), brief_id=brief.id
    )
    second, _ = services.run_start_for_brief(
        runs=runs, briefs=registry.repository("onboarding.briefs"), brief_id=brief.id
    )
    assert first.id != second.id
    done = [services.run_execute(run_id=first.id), services.run_execute(run_id=second.id)]
    assert [r.status for r in done] == [RunStatus.COMPLETED, RunStatus.COMPLETED]
    versions = strategy.strategy_list_versions(brief_id=brief.id, strategies=registry.repository("strategy.documents"))
    assert [v.version for v in versions] == [1, 2]
    assert [v.status for v in versions] == ["superseded", "approved"]
    for run in done:
        found = leftovers(run.id, None, media_root)
        assert found["package"] is not None and found["drafts"] and found["files"]


def test_a_failing_compensation_ends_in_compensation_failed_and_the_rest_still_run(runs, media_root, settings):
    """With a write-once storage the package can't be deleted: cancelling a held run ends
    compensation_failed, naming build_package, and every other compensation still ran."""
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "orchestration.tests.support.UndeletableStorage"}}
    settings.AICMO_COMPENSATION_MAX_ATTEMPTS = 2
    data = intake("local-bakery", delivery={"webhook_url": f"http://127.0.0.1:{closed_port()}/hook"})
    held = run_intake(runs, data)
    assert held.status == RunStatus.DELIVERY_FAILED
    # when
    failed = services.run_cancel(run_id=held.id, runs=runs)
    # then
    assert failed.status == RunStatus.COMPENSATION_FAILED
    assert failed.error.step == "build_package"
    assert "write-once" in failed.error.message
    undo = compensations(runs, failed.id)
    assert undo[:2] == [("build_package", "failed"), ("build_package", "failed")]
    assert [name for name, status in undo if status == "completed"] == list(reversed(STEP_NAMES[:5]))
    found = leftovers(failed.id, failed.brief_id, media_root)
    assert found["drafts"] == [] and found["strategies"] == [] and found["brief"] is None
    assert failed.claimed_by == ""


def test_approval_gate_waits_and_approval_resumes(runs, media_root, on_commit):
    """A run that asks for approval waits after the strategy; approving resumes it to completion;
    a second approval changes nothing."""
    waiting = run_intake(runs, intake("local-bakery"), require_approval=True)
    assert waiting.status == RunStatus.WAITING_APPROVAL
    assert waiting.current_step == "await_approval"
    assert forward(runs, waiting.id)[-1] == ("await_approval", "waiting")
    assert leftovers(waiting.id, None, media_root)["drafts"] == []
    strategies = registry.repository("strategy.documents")
    # when
    on_commit(
        strategy.strategy_approve, strategy_id=waiting.strategy_id, by="Ada (account lead)", strategies=strategies
    )
    # then
    done = services.run_get(run_id=waiting.id, runs=runs)
    assert done.status == RunStatus.COMPLETED
    approved = strategy.strategy_get(strategy_id=waiting.strategy_id, strategies=strategies)
    assert approved.decided_by == "Ada (account lead)"
    steps_before = runs.steps(waiting.id)
    on_commit(
        strategy.strategy_approve, strategy_id=waiting.strategy_id, by="Ada (account lead)", strategies=strategies
    )
    assert runs.steps(waiting.id) == steps_before
    assert services.run_get(run_id=waiting.id, runs=runs).status == RunStatus.COMPLETED


def test_rejection_compensates_the_waiting_run(runs, media_root, on_commit):
    """Rejecting the strategy sends the waiting run to compensation; the rejected version stays as
    the review record whose notes feed the next version."""
    waiting = run_intake(runs, intake("local-bakery"), require_approval=True)
    strategies = registry.repository("strategy.documents")
    on_commit(
        strategy.strategy_reject,
        strategy_id=waiting.strategy_id,
        by="Ada",
        notes="more instagram",
        strategies=strategies,
    )
    done = services.run_get(run_id=waiting.id, runs=runs)
    assert done.status == RunStatus.COMPENSATED
    assert done.error.type == "StrategyRejected"
    assert "more instagram" in done.error.message
    [kept] = strategy.strategy_list_versions(brief_id=done.brief_id, strategies=strategies)
    assert kept.status == "rejected"
    # the next run of the same brief makes version 2 and records how the notes were used
    again, _ = services.run_start_for_brief(
        runs=runs, briefs=registry.repository("onboarding.briefs"), brief_id=done.brief_id
    )
    rerun = services.run_execute(run_id=again.id)
    assert rerun.status == RunStatus.COMPLETED
    latest = strategy.strategy_get(strategy_id=rerun.strategy_id, strategies=strategies)
    assert latest.version == 2
    assert any("more instagram" in line for line in latest.addressed_notes)


def test_run_level_approve_is_idempotent(runs, media_root, on_commit):
    waiting = run_intake(runs, intake("local-bakery"), require_approval=True)
    strategies = registry.repository("strategy.documents")
    on_commit(services.run_approve, run_id=waiting.id, by="Ada", runs=runs, strategies=strategies)
    first = services.run_get(run_id=waiting.id, runs=runs)
    on_commit(services.run_approve, run_id=waiting.id, by="Ada", runs=runs, strategies=strategies)
    assert services.run_get(run_id=waiting.id, runs=runs) == first
    assert first.status == RunStatus.COMPLETED


def test_cancel_a_waiting_run_compensates_what_it_finished(runs, media_root):
    waiting = run_intake(runs, intake("local-bakery"), require_approval=True)
    cancelled = services.run_cancel(run_id=waiting.id, runs=runs)
    assert cancelled.status == RunStatus.CANCELLED
    assert [name for name, _ in compensations(runs, waiting.id)] == ["generate_strategy", "normalize_brief"]
    assert nothing_left(leftovers(waiting.id, waiting.brief_id, media_root))


def test_runs_in_one_process_do_not_share_state(runs, media_root):
    """Two briefs run one after the other keep their own drafts, strategies and packages."""
    a = run_intake(runs, intake("local-bakery"))
    b = run_intake(runs, intake("regulated-finance"))
    drafts_a = leftovers(a.id, None, media_root)["drafts"]
    drafts_b = leftovers(b.id, None, media_root)["drafts"]
    assert {d.run_id for d in drafts_a} == {a.id}
    assert {d.run_id for d in drafts_b} == {b.id}
    assert {d.channel for d in drafts_a} != {d.channel for d in drafts_b}
    assert a.strategy_id != b.strategy_id and a.package_id != b.package_id


def test_waiting_step_records_are_kept_in_order(runs, media_root, on_commit):
    waiting = run_intake(runs, intake("local-bakery"), require_approval=True)
    on_commit(
        services.run_approve,
        run_id=waiting.id,
        by="Ada",
        runs=runs,
        strategies=registry.repository("strategy.documents"),
    )
    statuses = [(s.name, s.status) for s in runs.steps(waiting.id) if s.name == "await_approval"]
    assert statuses == [("await_approval", StepStatus.WAITING), ("await_approval", StepStatus.COMPLETED)]
