"""The bench's workspace: a dedicated database, temporary media and outbox, child-process environment, machine facts.

The database comes from `DATABASE_URL` (SQLite when unset), but the bench never uses that database
itself: for SQLite it makes a fresh file in a temporary directory, for PostgreSQL it creates (and at
the end drops) a database `aicmo_bench` on the same server. The development db.sqlite3 is never opened.
"""

from __future__ import annotations

import os
import platform
import secrets
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ

PROJECT_DIR = Path(__file__).resolve().parent.parent
RESULTS_DIR = Path(__file__).resolve().parent / "results"
BENCH_PG_DATABASE = "aicmo_bench"
SETTINGS_MODULE = "bench.settings"


@dataclass
class Workspace:
    vendor: str  # "sqlite" or "postgresql"
    database_url: str
    directory: Path
    _admin_dsn: dict | None = None

    def close(self) -> None:
        if self._admin_dsn is not None:
            from django.db import connections

            connections.close_all()
            _pg_execute(self._admin_dsn, f'DROP DATABASE IF EXISTS "{BENCH_PG_DATABASE}" WITH (FORCE)')
        shutil.rmtree(self.directory, ignore_errors=True)


def prepare(database_url: str | None) -> Workspace:
    """Make the bench database and directories, and point this process (and its children) at them.

    Call before Django is set up; the settings read what this puts in the environment.
    """
    directory = Path(tempfile.mkdtemp(prefix="aicmo-bench-"))
    url = database_url or "sqlite:///db.sqlite3"
    engine = environ.Env.db_url_config(url)["ENGINE"]
    admin_dsn = None
    if engine == "django.db.backends.sqlite3":
        vendor, bench_url = "sqlite", f"sqlite:///{directory / 'bench.sqlite3'}"
    elif engine == "django.db.backends.postgresql":
        vendor = "postgresql"
        admin_dsn = _pg_dsn(url)
        _pg_execute(admin_dsn, f'DROP DATABASE IF EXISTS "{BENCH_PG_DATABASE}" WITH (FORCE)')
        _pg_execute(admin_dsn, f'CREATE DATABASE "{BENCH_PG_DATABASE}"')
        parts = urlsplit(url)
        bench_url = urlunsplit(parts._replace(path=f"/{BENCH_PG_DATABASE}"))
    else:
        raise SystemExit(f"bench: unsupported database engine {engine} (use SQLite or PostgreSQL)")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "DATABASE_URL": bench_url,
            # Production-like processes: no DEBUG query log, a key of their own.
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + secrets.token_hex(24),
            "AICMO_WEBHOOK_SECRETS_KEYS": os.environ.get("AICMO_WEBHOOK_SECRETS_KEYS") or secrets.token_urlsafe(32),
            "AICMO_PUBLIC_BASE_URL": "http://127.0.0.1:8000",
            # Plain HTTP on loopback: no TLS proxy in front, so no redirect to https.
            "SECURE_SSL_REDIRECT": "0",
            "AICMO_PERSISTENCE": "db",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "MEDIA_ROOT": str(directory / "media"),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(directory / "outbox"),
            "LOG_LEVEL": "ERROR",
        }
    )
    return Workspace(vendor=vendor, database_url=bench_url, directory=directory, _admin_dsn=admin_dsn)


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _pg_dsn(url: str) -> dict:
    """Where to create and drop the bench database: the server's `postgres` maintenance database
    (the URL's own database need not exist, as with Django's test runner)."""
    conf = environ.Env.db_url_config(url)
    return {
        "dbname": "postgres",
        "user": conf.get("USER") or None,
        "password": conf.get("PASSWORD") or None,
        "host": conf.get("HOST") or None,
        "port": conf.get("PORT") or None,
    }


def _pg_execute(dsn: dict, sql: str) -> None:
    import psycopg

    with psycopg.connect(**{k: v for k, v in dsn.items() if v}, autocommit=True) as conn:
        conn.execute(sql)


def machine(vendor: str) -> dict:
    """Where the figures came from."""
    import django
    from django.db import connection

    cpu = "unknown"
    memory_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = "PostgreSQL " + cursor.fetchone()[0]
    else:
        server = "SQLite " + sqlite3.sqlite_version
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": memory_gb,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": django.get_version(),
        "database": server,
    }


def child_env() -> dict[str, str]:
    """The environment for bench child processes (workers, gunicorn, memory probes)."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_DIR), env.get("PYTHONPATH", "")) if p)
    return env
