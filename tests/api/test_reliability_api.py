"""The API around failures: a run held after its hand-over failed (retry, cancel), list pages read by
the database, and a database that cannot be reached (JSON 503, nothing stored)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orchestration.services import RUN_NOT_RETRYABLE
from orchestration.tests.support import closed_port
from tests.api.conftest import BRIEFS, RUNS, STRATEGIES, example_intake

SMTP_DOWN = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_TIMEOUT": 2,
}


@pytest.fixture
def held_run(api, brief, start_run, settings):
    """A run whose e-mail could not be sent (the mail server refuses connections): delivery_failed."""
    settings.AICMO_EMAIL_ATTEMPTS = 1
    for name, value in {**SMTP_DOWN, "EMAIL_PORT": closed_port()}.items():
        setattr(settings, name, value)
    run = api.get(start_run(brief["id"])["Location"]).json()
    assert run["status"] == "delivery_failed", run["error"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return run


def test_a_run_whose_delivery_failed_keeps_its_package_and_retrying_delivers_it(
    api, held_run, mailoutbox, django_capture_on_commit_callbacks
):
    """delivery_failed is a visible status with the reason and the package; POST /retry/ queues the
    hand-over, which now sends the e-mail, and the run completes."""
    # given
    assert (held_run["error"]["step"], held_run["error"]["type"]) == ("email_client", "EmailFailed")
    assert api.get(f"{RUNS}{held_run['id']}/package/").status_code == 200
    # when
    with django_capture_on_commit_callbacks(execute=True):
        retried = api.post(f"{RUNS}{held_run['id']}/retry/")
    # then
    assert retried.status_code == 202
    assert retried["Location"].endswith(f"{RUNS}{held_run['id']}/")
    run = api.get(retried["Location"]).json()
    assert run["status"] == "completed" and run["error"] is None
    assert len(mailoutbox) == 1
    assert [s["attempt"] for s in run["steps"] if s["name"] == "email_client"] == [1, 2]


def test_cancelling_a_run_whose_delivery_failed_undoes_it(api, held_run):
    cancelled = api.post(f"{RUNS}{held_run['id']}/cancel/")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert api.get(f"{RUNS}{held_run['id']}/package/").status_code == 404


def test_only_a_run_that_stopped_on_a_failure_can_be_retried(api, completed_run):
    refused = api.post(f"{RUNS}{completed_run['id']}/retry/")
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == RUN_NOT_RETRYABLE.format(
        run_id=completed_run["id"], status="completed"
    )


@pytest.mark.parametrize("url", [BRIEFS, RUNS, STRATEGIES])
def test_a_list_page_is_read_by_the_database(api, start_run, url):
    """Six briefs (and their runs and strategies): ?limit=2&offset=2 answers the total and two items,
    read with LIMIT/OFFSET and a COUNT rather than by decoding every row."""
    # given
    for _ in range(6):
        made = api.post(f"{BRIEFS}?new=1", data=example_intake("local-bakery"), content_type="application/json")
        assert made.status_code == 201
        start_run(made.json()["id"])
    everything = api.get(url, {"limit": 50}).json()
    # when
    with CaptureQueriesContext(connection) as queries:
        page = api.get(url, {"limit": 2, "offset": 2})
    # then
    body = page.json()
    assert body["count"] == everything["count"] >= 6
    assert [item["id"] for item in body["results"]] == [item["id"] for item in everything["results"][2:4]]
    assert body["next"] and body["previous"]
    assert len([q for q in queries.captured_queries if q["sql"].endswith("LIMIT 2 OFFSET 2")]) == 1
    assert any("COUNT(*)" in q["sql"] for q in queries.captured_queries)


def test_a_runs_drafts_are_paged_and_filtered_by_the_database(api, completed_run):
    url = f"{RUNS}{completed_run['id']}/drafts/"
    everything = api.get(url, {"limit": 200}).json()
    page = api.get(url, {"limit": 3, "offset": 1, "passed": "true"}).json()
    failed = api.get(url, {"passed": "false"}).json()
    assert page["count"] == everything["count"] - failed["count"]
    passed = [d["id"] for d in everything["results"] if d["qc"] and d["qc"]["passed"]]
    assert [d["id"] for d in page["results"]] == passed[1:4]
    assert all(d["qc"] for d in page["results"])


@pytest.mark.skipif(connection.vendor != "sqlite", reason="made unreachable by pointing at a file that cannot exist")
def test_an_unreachable_database_is_a_json_503_and_nothing_is_stored(api, brief, transactional_db):
    """While the database cannot be opened, reads and writes answer 503 with the error body and a
    Retry-After; once it is back, nothing of the refused request exists."""
    # given
    name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = "/nonexistent-directory/aicmo.sqlite3"
    try:
        # when
        read = api.get(BRIEFS)
        write = api.post(BRIEFS, data=example_intake("regulated-finance"), content_type="application/json")
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
    # then
    for answer in (read, write):
        assert answer.status_code == 503
        assert answer["Content-Type"] == "application/json"
        assert answer["Retry-After"] == "5"
        assert answer.json()["error"]["code"] == "database_unavailable"
    briefs = api.get(BRIEFS).json()
    assert [b["id"] for b in briefs["results"]] == [brief["id"]]
