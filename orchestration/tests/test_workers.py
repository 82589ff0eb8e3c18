"""Crash recovery, heartbeats and side effects with real processes (database mode): `run_worker` and
`run_workflow` subprocesses, SIGKILL, and real loopback servers (a webhook receiver, an SMTP server,
an LLM endpoint). Each test prints what it measured (`pytest -s` shows it)."""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path
from uuid import UUID

import pytest
from django.db import connection

from config import registry
from delivery import services as delivery
from kernel import clock
from orchestration import services
from orchestration.domain import TERMINAL_STATUSES, RunStatus, StepKind, StepStatus
from orchestration.tests.processes import MailServer, SlowLLM, Webhook, child_env, manage, stop, wait_until, worker
from orchestration.tests.support import intake
from orchestration.workflow import CLIENT_DELIVERY_WORKFLOW
from production import services as production

STEP_NAMES = [step.name for step in CLIENT_DELIVERY_WORKFLOW.steps]
OWNER = "owner@zoe-bakery.example"

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def queue(settings):
    """Runs started here are queued for worker processes (django-tasks-db), as the API does it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from orchestration.tasks import execute_run

    def _queue(data: dict, **options) -> UUID:
        # A brief per run: runs of one brief would supersede each other's strategy versions.
        run = services.run_start_for_intake(
            runs=_runs(),
            briefs=registry.repository("onboarding.briefs"),
            raw=json.dumps(data),
            source="test",
            new_brief=True,
            **options,
        ).run
        execute_run.enqueue(str(run.id))
        return run.id

    return _queue


def _runs():
    return registry.repository("orchestration.runs")


def completed_forward_steps(run_id):
    return [s.name for s in _runs().steps(run_id) if s.kind == StepKind.FORWARD and s.status == StepStatus.COMPLETED]


def package_files(media_root: Path, run_id) -> list[str]:
    return sorted(p.name for p in (Path(media_root) / "packages" / str(run_id)).rglob("*") if p.is_file())


def write_brief(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "brief.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_a_worker_killed_mid_step_is_taken_over_after_its_lease(tmp_path, media_root):
    """SIGKILL during the webhook POST: no other worker can take the run while the lease holds; once it
    expires the run resumes at the unfinished step, finished steps are not repeated, and the run
    completes with one set of drafts and one package. The webhook sees the POST again, with the same
    delivery id (the killed worker could not record its answer)."""
    with Webhook() as webhook:
        webhook.hold()
        brief = write_brief(tmp_path, intake("local-bakery", delivery={"webhook_url": webhook.url}))
        env = child_env(media_root, AICMO_LEASE_SECONDS="3", AICMO_WEBHOOK_TIMEOUT="30")
        # given a worker inside the webhook step
        process = manage("run_workflow", brief, env=env)
        first_line = process.stdout.readline().split()
        assert first_line[0] == "run", first_line
        run_id = first_line[1]
        assert webhook.received.wait(timeout=60), process.stderr.read() if process.poll() is not None else "no POST"
        # when it is killed
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
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
    assert len(webhook.posts) == 2 and webhook.posts[0] == webhook.posts[1]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent workers are checked on PostgreSQL")
def test_twenty_runs_on_two_workers_execute_every_step_exactly_once(media_root, queue):
    """20 runs queued through the Tasks API for two run_worker processes in batch mode: all complete, each
    step once, and both workers took tasks."""
    from django_tasks_db.models import DBTaskResult

    run_ids = [queue(intake("local-bakery")) for _ in range(20)]
    env = child_env(media_root)
    workers = [
        manage("run_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0.1", env=env)
        for _ in range(2)
    ]
    for process in workers:
        process.communicate(timeout=300)
        assert process.returncode == 0
    for run_id in run_ids:
        assert _runs().get(run_id).status == RunStatus.COMPLETED
        records = [s for s in _runs().steps(run_id) if s.kind == StepKind.FORWARD]
        assert [(s.name, s.attempt, s.status) for s in records] == [(n, 1, StepStatus.COMPLETED) for n in STEP_NAMES]
    worker_ids = {tuple(r.worker_ids) for r in DBTaskResult.objects.all()}
    assert len({ids[0] for ids in worker_ids}) == 2, "both workers took tasks"


def test_forty_runs_survive_five_sigkills_of_their_workers_without_an_operator(tmp_path, media_root, queue):
    """40 queued runs; the worker is SIGKILLed five times at random moments, then one fresh worker runs
    and nobody runs any command: every run completes, every step of every run has exactly one completed
    attempt, each run has one package, one webhook delivery and one e-mail, and no task row is left
    RUNNING. (A POST or an e-mail cut off by a kill before its answer was recorded is made again, with
    the same delivery id or Message-ID: receivers see one delivery.)"""
    mail = MailServer().start()
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    log = tmp_path / "workers.log"
    try:
        with Webhook() as webhook:
            data = intake("local-bakery", delivery={"webhook_url": webhook.url, "email": OWNER})
            run_ids = [queue(data) for _ in range(40)]
            env = child_env(
                media_root,
                AICMO_LEASE_SECONDS="2",
                AICMO_HEARTBEAT_SECONDS="0.4",
                AICMO_REAPER_INTERVAL_SECONDS="0.5",
                **mail.env(),
            )
            started = time.monotonic()
            kills = 0
            for _ in range(5):
                process = worker(env, log)
                # Kill it at a random moment of its work: after it finished 0 to 3 more runs (its first run
                # is slow, everything is cold), a random fraction of a second into the next one.
                finished = _finished(run_ids) + rng.randint(0, 3)
                wait_until(lambda: _working_on_a_run(run_ids), timeout=60, every=0.1, what="the worker to start a run")
                wait_until(lambda n=finished: _finished(run_ids) >= n, timeout=60, every=0.1, what="runs to finish")
                time.sleep(rng.uniform(0.05, 0.6))
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)
                kills += 1
            finished_before_fresh = _finished(run_ids)
            fresh = worker(env, log)
            try:
                wait_until(lambda: _finished(run_ids) == len(run_ids), timeout=300, what="every run to finish")
                from django_tasks_db.models import DBTaskResult

                wait_until(
                    lambda: not DBTaskResult.objects.filter(status="RUNNING").exists(),
                    timeout=30,
                    what="the dead workers' task rows to be settled",
                )
            finally:
                stop(fresh)
            elapsed = time.monotonic() - started
    finally:
        mail.stop()
    statuses = [_runs().get(r).status for r in run_ids]
    print(
        f"\n[sigkill] seed={seed} runs={len(run_ids)} kills={kills} done_before_fresh_worker={finished_before_fresh} "
        f"completed={statuses.count(RunStatus.COMPLETED)} posts={len(webhook.posts)} "
        f"emails={len(mail.messages)} seconds={elapsed:.1f}"
    )
    assert statuses == [RunStatus.COMPLETED] * 40, log.read_text()[-3000:]
    packages = registry.repository("delivery.packages")
    package_ids = set()
    for run_id in run_ids:
        completed = completed_forward_steps(run_id)
        assert sorted(completed) == sorted(STEP_NAMES), (run_id, completed)
        package = delivery.package_for_run(run_id=run_id, packages=packages)
        assert package is not None and package.is_delivered and package.webhook_status == 200
        assert package_files(media_root, run_id)
        package_ids.add(str(package.id))
    assert len(list((media_root / "packages").iterdir())) == 40
    deliveries = webhook.per_delivery()
    assert set(deliveries) == {delivery.webhook_event_id(UUID(p)) for p in package_ids}
    assert sum(deliveries.values()) <= 40 + kills
    message_ids = mail.message_ids()
    assert set(message_ids) == {delivery.delivery_message_id(UUID(p)) for p in package_ids}
    assert sum(message_ids.values()) <= 40 + kills


def _finished(run_ids) -> int:
    wanted = set(run_ids)
    return sum(run.status in TERMINAL_STATUSES for run in _runs().list() if run.id in wanted)


def _working_on_a_run(run_ids) -> bool:
    wanted, now = set(run_ids), clock.now()
    return any(
        run.claimed_by and run.lease_expires_at and run.lease_expires_at > now
        for run in _runs().list()
        if run.id in wanted
    )


def test_a_step_longer_than_its_lease_keeps_the_run_and_a_cancel_waits_for_it(tmp_path, media_root, queue):
    """The webhook answers after 1.5x the lease: the worker's heartbeats keep its claim (a second worker
    cannot take the run), a cancel asked for meanwhile is only a request, and once the answer is in the
    worker stops before the e-mail and undoes the run. The package the webhook announced stays, so the
    client is never told about a package that is then deleted."""
    lease = 2.0
    mail = MailServer().start()
    try:
        with Webhook() as webhook:
            webhook.hold()
            run_id = queue(intake("local-bakery", delivery={"webhook_url": webhook.url, "email": OWNER}))
            env = child_env(
                media_root, AICMO_LEASE_SECONDS=str(lease), AICMO_HEARTBEAT_SECONDS="0.4", AICMO_WEBHOOK_TIMEOUT="30"
            )
            process = worker(env, tmp_path / "worker.log", "--reap-interval", "0.5")
            try:
                assert webhook.received.wait(timeout=60), (tmp_path / "worker.log").read_text()
                posted_at = time.monotonic()
                time.sleep(1.5 * lease)
                # then another worker cannot take the run, though the lease it had when posting ran out
                held = _runs().get(run_id)
                assert held.lease_expires_at > clock.now()
                taken = _runs().claim(
                    run_id, worker="second-worker", now=clock.now(), lease=dt.timedelta(seconds=lease)
                )
                assert taken is None
                # and a cancel is recorded but undoes nothing yet
                flagged = services.run_cancel(run_id=run_id, runs=_runs())
                assert (flagged.status, flagged.cancel_requested) == (RunStatus.RUNNING, True)
                assert not any(s.kind == StepKind.COMPENSATION for s in _runs().steps(run_id))
                answered_after = time.monotonic() - posted_at
                webhook.release()
                wait_until(lambda: _runs().get(run_id).status in TERMINAL_STATUSES, timeout=60, what="the cancel")
            finally:
                stop(process)
    finally:
        mail.stop()
    steps = _runs().steps(run_id)
    [notified] = [s for s in steps if s.name == "notify_webhook"]
    undo = [s for s in steps if s.kind == StepKind.COMPENSATION]
    print(f"\n[heartbeat] lease={lease}s webhook answered after {answered_after:.1f}s; posts={len(webhook.posts)}")
    assert _runs().get(run_id).status == RunStatus.CANCELLED
    assert notified.status == StepStatus.COMPLETED and notified.output["status"] == 200
    assert undo and all(s.started_at >= notified.finished_at for s in undo)
    assert not any(s.name == "email_client" for s in steps)
    assert mail.messages == []
    assert len(webhook.posts) == 1
    package = delivery.package_for_run(run_id=run_id, packages=registry.repository("delivery.packages"))
    assert package is not None and package.announced
    assert "package.zip" in package_files(media_root, run_id)
    [build_undo] = [s for s in undo if s.name == "build_package"]
    assert "kept" in build_undo.output


def test_smtp_down_holds_the_run_with_one_post_and_a_retry_sends_only_the_email(tmp_path, media_root):
    """Webhook 200, SMTP down: the run ends delivery_failed with its package and exactly one POST; once the
    mail server is up, retrying completes the run with one e-mail and no other POST."""
    mail = MailServer()  # not started: its port refuses connections
    try:
        with Webhook() as webhook:
            brief = write_brief(tmp_path, intake("local-bakery", delivery={"webhook_url": webhook.url, "email": OWNER}))
            env = child_env(media_root, AICMO_EMAIL_ATTEMPTS="2", AICMO_RETRY_BACKOFF_SECONDS="0.1", **mail.env())
            process = manage("run_workflow", brief, "--json", env=env)
            out, err = process.communicate(timeout=120)
            held = json.loads(out)
            # then
            assert process.returncode == 4, err
            assert held["status"] == "delivery_failed"
            assert (held["error"]["step"], held["error"]["type"]) == ("email_client", "EmailFailed")
            assert [s["attempt"] for s in held["steps"] if s["name"] == "email_client"] == [1, 2]
            assert held["package"] and Path(held["package"]).is_file()
            assert len(webhook.posts) == 1
            # when the mail server is back and the operator retries
            mail.start()
            retry = manage("run_workflow", "--retry", held["id"], "--json", env=env)
            out, err = retry.communicate(timeout=120)
    finally:
        mail.stop()
    done = json.loads(out)
    assert retry.returncode == 0, err
    assert done["status"] == "completed"
    assert len(webhook.posts) == 1
    assert len(mail.messages) == 1 and mail.messages[0]["To"] == OWNER
    assert [s["name"] for s in done["steps"] if s["name"] == "notify_webhook"] == ["notify_webhook"]
    print(f"\n[smtp] posts={len(webhook.posts)} emails={len(mail.messages)}")


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's single write lock is what an LLM call held")
def test_a_slow_llm_does_not_hold_the_database(tmp_path, media_root, admin_client):
    """A worker drafting with an LLM that answers after 2 s: while a call is in flight, POST
    /api/v1/briefs/ succeeds although this process gives up on a locked database after 1 s."""
    # a first request warms this process up (URL map, serializers), so the one measured below is typical
    warm = admin_client.post(
        "/api/v1/briefs/", data=json.dumps(intake("local-bakery")), content_type="application/json"
    )
    assert warm.status_code == 201
    with SlowLLM(delay=2.0) as llm:
        brief = write_brief(tmp_path, intake("local-bakery"))
        env = child_env(
            media_root,
            AICMO_GENERATOR_BACKEND="production.generators.OpenAIChatGenerator",
            LLM_BASE_URL=llm.base_url,
            LLM_TIMEOUT="10",
        )
        process = manage("run_workflow", brief, "--json", env=env, stdout=subprocess.PIPE)
        try:
            assert llm.in_flight.wait(timeout=60), "the worker never called the LLM"
            connection.close()
            busy = connection.settings_dict["OPTIONS"]["timeout"]
            connection.settings_dict["OPTIONS"]["timeout"] = 1
            try:
                started = time.perf_counter()
                response = admin_client.post(
                    "/api/v1/briefs/", data=json.dumps(intake("regulated-finance")), content_type="application/json"
                )
                took = time.perf_counter() - started
                still_calling = llm.in_flight.is_set()
            finally:
                connection.close()
                connection.settings_dict["OPTIONS"]["timeout"] = busy
        finally:
            process.kill()
            process.wait(timeout=10)
    print(f"\n[llm] POST /api/v1/briefs/ took {took * 1000:.0f} ms during a 2 s LLM call; llm requests={llm.requests}")
    assert response.status_code == 201, response.content
    assert still_calling


def test_a_dry_run_sends_nothing_and_writes_nothing_under_media_root(tmp_path, media_root):
    """`run_workflow --persistence memory` with a live webhook and mail server: no POST, no e-mail, MEDIA_ROOT
    and the outbox untouched, and the package under the temporary directory the command names."""
    mail = MailServer().start()
    outbox = tmp_path / "outbox"
    try:
        with Webhook() as webhook:
            brief = write_brief(tmp_path, intake("local-bakery", delivery={"webhook_url": webhook.url, "email": OWNER}))
            env = child_env(media_root, EMAIL_FILE_PATH=str(outbox), **mail.env())
            process = manage("run_workflow", brief, "--persistence", "memory", env=env)
            out, err = process.communicate(timeout=120)
    finally:
        mail.stop()
    assert process.returncode == 0, err
    lines = out.splitlines()
    folder = Path(next(line for line in lines if line.startswith("dry run: ")).rsplit(" ", 1)[1])
    package = Path(next(line for line in lines if line.startswith("package: ")).removeprefix("package: "))
    try:
        assert "outcome: completed" in out
        assert package.is_file() and package.is_relative_to(folder)
        assert webhook.posts == [] and mail.messages == []
        assert not outbox.exists() and not Path(media_root).exists()
        assert services.run_count(runs=_runs()) == 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
