"""A PostgreSQL restart under load, with real processes: two `run_worker`s, the API under gunicorn, and
a PostgreSQL server of the test's own (so stopping it disturbs no other test run on the machine)."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import psycopg
import pytest
from django.db import connection

from orchestration.tests.processes import (
    PROJECT,
    PrivatePostgres,
    Webhook,
    child_env,
    manage,
    stop,
    wait_until,
    worker,
)
from orchestration.tests.support import closed_port, intake
from orchestration.workflow import CLIENT_DELIVERY_WORKFLOW

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

RUNS = 20
OUTAGE_SECONDS = 3.0
STEP_NAMES = [step.name for step in CLIENT_DELIVERY_WORKFLOW.steps]

# Run by `manage.py shell` against the private database: an API user, and RUNS queued runs.
SETUP = """
import json, os
from django.contrib.auth.models import User
from access.tokens import token_issue
from config import registry
from orchestration import services
from orchestration.tasks import execute_run
user = User.objects.create_superuser("ops", "ops@agency.example", "not-used")
runs = registry.repository("orchestration.runs")
briefs = registry.repository("onboarding.briefs")
ids = []
for _ in range(int(os.environ["RUNS"])):
    run = services.run_start_for_intake(
        runs=runs, briefs=briefs, raw=os.environ["INTAKE"], source="outage-test", new_brief=True
    ).run
    execute_run.enqueue(str(run.id))
    ids.append(str(run.id))
print(json.dumps({"token": token_issue(user=user).token, "runs": ids}))
"""


def query(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url.replace("postgres://", "postgresql://"), connect_timeout=2) as db:
        return db.execute(sql).fetchall()


def statuses(url: str) -> dict[str, str]:
    return dict(query(url, "SELECT id::text, status FROM orchestration_runrecord"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL restart (the production database)")
def test_a_postgresql_restart_under_load_leaves_no_run_stuck_and_the_api_answers_json_503(tmp_path):
    """20 runs in flight on two workers when the server stops for a few seconds: the API answers 503 with
    the JSON error body and creates nothing meanwhile; the workers reconnect and every run finishes
    (completed, each step once), none is left stuck."""
    if not PrivatePostgres.available():
        pytest.skip("PostgreSQL's server programs (pg_config, initdb, pg_ctl) are not installed")
    pg = PrivatePostgres()
    processes = []
    log = tmp_path / "processes.log"
    try:
        pg.start()
        env = child_env(
            tmp_path / "media",
            DATABASE_URL=pg.url,
            AICMO_LEASE_SECONDS="3",
            AICMO_HEARTBEAT_SECONDS="0.5",
            AICMO_REAPER_INTERVAL_SECONDS="1",
            CONN_MAX_AGE="600",
        )
        migrate = manage("migrate", "-v", "0", env=env)
        assert migrate.wait(timeout=180) == 0, migrate.stderr.read()
        with Webhook(delay=0.2) as webhook:
            data = intake("local-bakery", delivery={"webhook_url": webhook.url})
            setup = manage("shell", "-v", "0", "-c", SETUP, env={**env, "RUNS": str(RUNS), "INTAKE": json.dumps(data)})
            out, err = setup.communicate(timeout=120)
            assert setup.returncode == 0, err
            made = json.loads(out.strip().splitlines()[-1])
            auth = {"Authorization": f"Token {made['token']}"}
            api_url = f"http://127.0.0.1:{closed_port()}"
            with log.open("a") as handle:
                processes.append(gunicorn(api_url, env, handle))
            processes += [worker(env, log), worker(env, log)]
            wait_until(lambda: _answers(api_url, auth), timeout=60, what="the API to answer")
            wait_until(
                lambda: list(statuses(pg.url).values()).count("completed") >= 2,
                timeout=120,
                what="the first runs to complete",
            )
            in_flight_at_stop = RUNS - list(statuses(pg.url).values()).count("completed")
            # when the server stops for a few seconds
            pg.stop("fast")
            down_since = time.monotonic()
            answers = []
            while time.monotonic() - down_since < OUTAGE_SECONDS:
                answers.append(httpx.get(f"{api_url}/api/v1/runs/", headers=auth, timeout=10))
                answers.append(
                    httpx.post(
                        f"{api_url}/api/v1/briefs/",
                        content=json.dumps(intake("regulated-finance")),
                        headers={**auth, "Content-Type": "application/json"},
                        timeout=10,
                    )
                )
                time.sleep(0.2)
            pg.start()
            restarted_at = time.monotonic()
            wait_until(
                lambda: (
                    all(
                        s in ("completed", "compensated", "cancelled", "compensation_failed", "delivery_failed")
                        for s in _statuses_or_empty(pg.url).values()
                    )
                    and len(_statuses_or_empty(pg.url)) == RUNS
                ),
                timeout=180,
                every=0.5,
                what="every run to finish after the restart",
            )
            settled = time.monotonic() - restarted_at
            after = httpx.get(f"{api_url}/api/v1/runs/?limit=1", headers=auth, timeout=10)
        final = statuses(pg.url)
        steps = query(
            pg.url,
            "SELECT run_id::text, name, count(*) FROM orchestration_steprecordrow "
            "WHERE kind = 'forward' AND status = 'completed' GROUP BY run_id, name",
        )
        created = query(
            pg.url, "SELECT count(*) FROM onboarding_briefrecord WHERE client_name = 'Harbourline Investments'"
        )
    finally:
        for process in processes:
            stop(process)
        pg.destroy()
    stuck = [run_id for run_id, status in final.items() if status not in ("completed",)]
    print(
        f"\n[pg-restart] runs={RUNS} in_flight_at_stop={in_flight_at_stop} outage={OUTAGE_SECONDS}s "
        f"api_answers_during_outage={len(answers)} (all 503: {all(a.status_code == 503 for a in answers)}) "
        f"finished_{settled:.1f}s_after_restart stuck_or_failed={len(stuck)} posts={len(webhook.posts)}"
    )
    assert answers
    for answer in answers:
        assert answer.status_code == 503, answer.text[:300]
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.json()["error"]["code"] == "database_unavailable"
        assert answer.headers["Retry-After"]
    assert created == [(0,)]
    assert after.status_code == 200
    assert stuck == [], final
    per_run: dict[str, list[str]] = {}
    for run_id, name, count in steps:
        assert count == 1, (run_id, name, count)
        per_run.setdefault(run_id, []).append(name)
    assert {run_id: sorted(names) for run_id, names in per_run.items()} == {r: sorted(STEP_NAMES) for r in final}


def gunicorn(api_url: str, env: dict[str, str], log) -> subprocess.Popen:
    host_port = api_url.removeprefix("http://")
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", host_port, "-w", "2", "--timeout", "60"],
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=log,
    )


def _answers(api_url: str, auth: dict[str, str]) -> bool:
    try:
        return httpx.get(f"{api_url}/api/v1/runs/?limit=1", headers=auth, timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _statuses_or_empty(url: str) -> dict[str, str]:
    try:
        return statuses(url)
    except psycopg.OperationalError:
        return {}
