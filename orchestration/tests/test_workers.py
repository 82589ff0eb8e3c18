"""Crash recovery and concurrency with real worker processes (database mode only)."""

from __future__ import annotations

import json
import signal
import time

import pytest
from django.db import connection

from config import registry
from orchestration import services
from orchestration.domain import RunStatus, StepKind, StepStatus
from orchestration.tests.processes import SlowWebhook, child_env, manage
from orchestration.tests.support import intake
from orchestration.workflow import CLIENT_DELIVERY_WORKFLOW
from production import services as production

STEP_NAMES = [step.name for step in CLIENT_DELIVERY_WORKFLOW.steps]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def completed_forward_steps(run_id):
    steps = registry.repository("orchestration.runs").steps(run_id)
    return [s.name for s in steps if s.kind == StepKind.FORWARD and s.status == StepStatus.COMPLETED]


def test_a_worker_killed_mid_step_is_taken_over_after_its_lease(tmp_path, media_root):
    """SIGKILL during the handover: a second worker cannot take the run while the lease holds; once it
    expires the run resumes at the unfinished step, finished steps are not repeated, and the run
    completes with one set of drafts and one package."""
    with SlowWebhook() as webhook:
        brief_file = tmp_path / "brief.json"
        brief_file.write_text(json.dumps(intake("local-bakery", delivery={"webhook_url": webhook.url})))
        env = child_env(media_root, AICMO_LEASE_SECONDS="3", AICMO_WEBHOOK_TIMEOUT="30")
        # given a worker inside the handover step
        worker = manage("run_workflow", str(brief_file), env=env)
        first_line = worker.stdout.readline().split()
        assert first_line[0] == "run", first_line
        run_id = first_line[1]
        assert webhook.received.wait(timeout=60), worker.stderr.read() if worker.poll() is not None else "no webhook"
        # when it is killed
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        webhook.release()
        # then another worker can't take over while the lease holds
        early = manage("run_workflow", "--resume", run_id, "--json", env=env)
        out, _ = early.communicate(timeout=60)
        assert early.returncode == 1
        assert json.loads(out)["status"] == "running"
        # and once the lease has expired it resumes the run to completion
        time.sleep(3.5)
        late = manage("run_workflow", "--resume", run_id, "--json", env=env)
        out, err = late.communicate(timeout=120)
        assert late.returncode == 0, err
        report = json.loads(out)
    assert report["status"] == "completed"
    assert completed_forward_steps(run_id) == STEP_NAMES
    assert report["package"] is not None
    drafts = production.drafts_for_run(run_id=run_id, drafts=registry.repository("production.drafts"))
    [produce] = [s for s in report["steps"] if s["name"] == "produce_drafts"]
    assert sorted(str(d.id) for d in drafts) == sorted(produce["output"]["draft_ids"])
    assert len(list((media_root / "packages").iterdir())) == 1
    assert len(webhook.bodies) == 2 and webhook.bodies[0] == webhook.bodies[1]


@pytest.mark.postgres
def test_twenty_runs_on_two_db_workers_execute_every_step_exactly_once(media_root, settings):
    """20 runs enqueued through the Tasks API for two db_worker processes: all complete, each step once."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent workers are checked on PostgreSQL (the production database)")
    from django_tasks_db.models import DBTaskResult

    from orchestration.tasks import execute_run

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    runs = registry.repository("orchestration.runs")
    raw = json.dumps(intake("local-bakery"))
    run_ids = []
    for _ in range(20):
        run = services.run_start_for_intake(
            runs=runs, briefs=registry.repository("onboarding.briefs"), raw=raw, source="test", new_brief=True
        ).run
        execute_run.enqueue(str(run.id))
        run_ids.append(run.id)
    env = child_env(media_root)
    workers = [
        manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0.1", env=env)
        for _ in range(2)
    ]
    for worker in workers:
        worker.communicate(timeout=300)
        assert worker.returncode == 0
    for run_id in run_ids:
        assert services.run_get(run_id=run_id, runs=runs).status == RunStatus.COMPLETED
        records = [s for s in runs.steps(run_id) if s.kind == StepKind.FORWARD]
        assert [(s.name, s.attempt, s.status) for s in records] == [(n, 1, StepStatus.COMPLETED) for n in STEP_NAMES]
    worker_ids = {tuple(r.worker_ids) for r in DBTaskResult.objects.all()}
    assert len({ids[0] for ids in worker_ids}) == 2, "both workers took tasks"
