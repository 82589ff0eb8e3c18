"""Health endpoints: /healthz (the process answers) and /readyz (database, migrations, cache), no login."""

from __future__ import annotations

import socket

import pytest


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_healthz_answers_without_credentials_or_a_database(client):
    """Liveness touches nothing: no login, no database."""
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_checks_the_database_the_migrations_and_the_cache(client):
    # when
    response = client.get("/readyz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok", "cache": "ok"}}


@pytest.mark.django_db
def test_readyz_is_a_503_naming_the_cache_when_it_cannot_be_reached(client, settings, caplog):
    """A Redis nobody listens on: not ready, the failing check named, the cause in the operator log only."""
    # given
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    # when
    response = client.get("/readyz")
    # then
    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "checks": {"database": "ok", "migrations": "ok", "cache": "failing"},
    }
    assert "readiness check cache failed" in caplog.text
    assert "Connection" not in response.content.decode()


def test_health_endpoints_only_answer_reads(client):
    assert client.post("/healthz").status_code == 405
