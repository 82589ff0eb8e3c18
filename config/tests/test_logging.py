"""Structured logs: one JSON object per line, with the request id on every request's lines and the run
id on every line written while a run executes."""

from __future__ import annotations

import io
import json
import logging

import pytest

from kernel import logs


@pytest.fixture
def log_lines():
    """What the configured console handler (settings.LOGGING) writes, one parsed JSON object per line."""
    [handler] = [h for h in logging.getLogger().handlers if any(isinstance(f, logs.ContextFilter) for f in h.filters)]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)

    def read() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield read
    handler.setStream(previous)


def test_every_request_is_logged_with_its_id_which_the_response_echoes(client, log_lines):
    """A new id per request, in the X-Request-ID header and on the request's log line."""
    # when
    first, second = client.get("/healthz"), client.get("/healthz")
    # then
    lines = [line for line in log_lines() if line["logger"] == "aicmo.request"]
    assert [line["request_id"] for line in lines] == [first["X-Request-ID"], second["X-Request-ID"]]
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert lines[0] | {"time": None, "duration_ms": None} == {
        "time": None,
        "level": "INFO",
        "logger": "aicmo.request",
        "message": "GET /healthz 200",
        "request_id": first["X-Request-ID"],
        "run_id": None,
        "method": "GET",
        "path": "/healthz",
        "status": 200,
        "duration_ms": None,
        "user_id": None,
    }


def test_a_proxys_request_id_is_kept_and_a_malformed_one_replaced(client, log_lines):
    # when
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a9c21")
    replaced = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")
    # then
    assert kept["X-Request-ID"] == "edge-7f3a9c21"
    assert replaced["X-Request-ID"] != "bad id\nwith newline" and len(replaced["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_djangos_own_lines_about_a_request_carry_its_id(client, log_lines):
    """django.request's warning for a 404 is written after the middleware: it still has the request id."""
    # when
    response = client.get("/api/v1/briefs/")
    # then
    [warning] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert warning["request_id"] == response["X-Request-ID"]


def test_lines_written_while_a_run_executes_carry_the_run_id(log_lines):
    """The saga binds the run id; anything logged inside (any context) has it, nothing outside does."""
    # when
    with logs.bound(run_id="2b1f0c8e-run"):
        logging.getLogger("delivery.webhooks").warning("webhook failed")
    logging.getLogger("delivery.webhooks").warning("later")
    # then
    inside, outside = log_lines()
    assert (inside["run_id"], outside["run_id"]) == ("2b1f0c8e-run", None)


@pytest.mark.django_db
def test_a_saga_step_logs_with_its_run_id(log_lines, settings, tmp_path, loopback_webhooks, capsys):
    """A run whose webhook cannot be reached: delivery's warning about it names the run it belongs to."""
    # given
    from django.core.management import call_command

    from orchestration.tests.support import closed_port, intake

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AICMO_WEBHOOK_ATTEMPTS = 1
    settings.AICMO_STEP_MAX_ATTEMPTS = 1
    settings.AICMO_RETRY_BACKOFF_SECONDS = 0
    brief = tmp_path / "brief.json"
    brief.write_text(
        json.dumps(intake("local-bakery", delivery={"webhook_url": f"http://127.0.0.1:{closed_port()}/h"}))
    )
    # when
    with pytest.raises(SystemExit):
        call_command("run_workflow", str(brief), "--json")
    run = json.loads(capsys.readouterr().out)
    # then
    [failed] = [line for line in log_lines() if line["logger"] == "delivery.webhooks"]
    assert failed["run_id"] == run["id"]
    assert failed["message"].startswith("webhook failed")
