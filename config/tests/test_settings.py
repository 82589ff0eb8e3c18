"""Settings read from the environment: secret key rules, SQLite concurrency, PostgreSQL connections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def django_settings(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
            f"django.setup(); {code}",
        ],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = django_settings("print('started')", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_starts_with_a_secret_key_and_reads_allowed_hosts():
    result = django_settings(
        "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)",
        DEBUG="0",
        SECRET_KEY="s3cret-for-this-test",
        AICMO_WEBHOOK_SECRETS_KEYS="another-secret-for-this-test",
        AICMO_PUBLIC_BASE_URL="https://aicmo.agency.test",
        ALLOWED_HOSTS="aicmo.agency.test,admin.agency.test",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False ['aicmo.agency.test', 'admin.agency.test']"


def test_default_database_is_a_sqlite_file_in_the_project():
    result = django_settings(
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])", DEBUG="1"
    )
    assert result.stdout.strip() == str(ROOT / "db.sqlite3")


@pytest.mark.django_db
def test_sqlite_is_set_up_for_a_web_process_and_workers_at_once():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite settings")
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgresql_keeps_connections_with_health_checks():
    result = django_settings(
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/aicmo",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "600", "True"]


@pytest.mark.django_db
def test_timestamps_are_timezone_aware_on_every_database():
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert settings.USE_TZ is True
    assert timezone.is_aware(timezone.now())


def test_production_defaults_are_secure_and_know_no_testserver():
    """DEBUG off: HTTPS redirect and secure cookies unless turned off; ALLOWED_HOSTS without testserver."""
    result = django_settings(
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.ALLOWED_HOSTS, s.SECURE_PROXY_SSL_HEADER)",
        DEBUG="0",
        SECRET_KEY="s3cret-for-this-test",
        AICMO_WEBHOOK_SECRETS_KEYS="another-secret-for-this-test",
        AICMO_PUBLIC_BASE_URL="https://aicmo.agency.test",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True True ['localhost', '127.0.0.1', '[::1]'] None"


def test_security_settings_and_the_cache_come_from_the_environment():
    result = django_settings(
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.CACHES['default']['BACKEND'])",
        DEBUG="1",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        CSRF_TRUSTED_ORIGINS="https://aicmo.agency.test",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "False",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "['https://aicmo.agency.test']",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_the_default_cache_is_a_database_table_every_process_shares():
    result = django_settings("from django.conf import settings as s; print(s.CACHES['default'])", DEBUG="1")
    assert "'BACKEND': 'django.core.cache.backends.db.DatabaseCache', 'LOCATION': 'aicmo_cache'" in result.stdout
