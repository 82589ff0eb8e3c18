"""The deployment the README documents, run for real: its production environment passes `check --deploy`
with no issues, gunicorn serves the static files itself and answers the health probes, and API
throttles hold across two gunicorn workers."""

from __future__ import annotations

import contextlib
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from django.contrib.auth.models import Permission, User

from access.tokens import token_issue
from kernel.permissions import VIEW_BRIEF
from orchestration.tests.processes import database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MARKER = "<!-- production environment"
HOST = "aicmo.agency.example"  # the README's ALLOWED_HOSTS: requests name it, as the proxy would
PROXY_HEADERS = {"Host": HOST, "X-Forwarded-Proto": "https"}


def production_environment() -> dict[str, str]:
    """The README's production environment, each <placeholder> filled with a fresh random value."""
    text = (ROOT / "README.md").read_text()
    block = text.split(MARKER, 1)[1].split("```ini\n", 1)[1].split("```", 1)[0]
    env = {}
    for line in block.splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = re.sub(r"<[^<>]* [^<>]*>", lambda _m: secrets.token_urlsafe(50), value)
    return env


def _base_environment(**overrides: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
    return {
        **{k: v for k, v in os.environ.items() if k in keep},
        **production_environment(),
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_with_the_documented_production_environment_prints_no_issues():
    # when
    result = _manage("check", "--deploy", env=_base_environment())
    # then
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (1 silenced)."
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set when DEBUG is off"),
        ("AICMO_PUBLIC_BASE_URL", "AICMO_PUBLIC_BASE_URL must be set when DEBUG is off"),
        ("AICMO_WEBHOOK_SECRETS_KEYS", "AICMO_WEBHOOK_SECRETS_KEYS must be set when DEBUG is off"),
    ],
)
def test_production_refuses_to_start_without_a_required_setting(missing, message):
    """A webhook without a secret, links to a default address, or no key: errors at start-up, not warnings."""
    # given
    env = _base_environment()
    del env[missing]
    # when
    result = _manage("check", env=env)
    # then
    assert result.returncode != 0
    assert message in result.stderr


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(env: dict[str, str]):
    """`gunicorn config.wsgi` from the project directory (so gunicorn.conf.py applies), until it answers."""
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "config.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited {process.returncode}:\n{process.stdout.read()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/healthz", headers={"Host": HOST}, timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _served_environment(tmp_path: Path, **overrides: str) -> dict[str, str]:
    return _base_environment(
        DATABASE_URL=database_url(),
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        **overrides,
    )


def _reader_token() -> str:
    """A user who may read briefs (with an id no earlier run used: throttle counts live outside this database)."""
    user = User.objects.create_user(f"reader-{secrets.token_hex(4)}", id=random.randint(10**6, 10**9))
    app_label, codename = VIEW_BRIEF.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return token_issue(user=user).token


@pytest.mark.slow
def test_gunicorn_as_documented_serves_static_files_docs_and_health(transactional_db, tmp_path):
    """DEBUG off, after collectstatic: the admin's CSS and Swagger UI's JavaScript are served (whitenoise),
    and /healthz and /readyz answer 200 over plain HTTP without a login."""
    # given
    env = _served_environment(tmp_path)
    collected = _manage("collectstatic", "--no-input", env=env)
    assert collected.returncode == 0, collected.stderr
    token = _reader_token()
    with gunicorn(env) as base:
        # when
        login = httpx.get(f"{base}/admin/login/", headers=PROXY_HEADERS)
        docs = httpx.get(f"{base}/api/docs/", headers={**PROXY_HEADERS, "Authorization": f"Token {token}"})
        [css] = re.findall(r'href="(/static/admin/css/base\.[0-9a-f]+\.css)"', login.text)
        [js] = re.findall(
            r'src="(/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle\.[0-9a-f]+\.js)"', docs.text
        )
        stylesheet = httpx.get(base + css, headers=PROXY_HEADERS)
        script = httpx.get(base + js, headers=PROXY_HEADERS)
        healthz = httpx.get(f"{base}/healthz", headers={"Host": HOST})
        readyz = httpx.get(f"{base}/readyz", headers={"Host": HOST})
        insecure = httpx.get(f"{base}/admin/login/", headers={"Host": HOST})
    # then
    assert (login.status_code, docs.status_code) == (200, 200)
    assert stylesheet.status_code == 200 and stylesheet.headers["content-type"].startswith("text/css")
    assert "max-age=315360000" in stylesheet.headers["cache-control"]  # hashed names are cached for good
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert (healthz.status_code, readyz.status_code) == (200, 200), readyz.text
    assert readyz.json()["checks"] == {"database": "ok", "migrations": "ok", "cache": "ok"}
    assert insecure.status_code == 301 and insecure.headers["location"].startswith("https://")
    assert "strict-transport-security" in login.headers


def _hammer(base: str, token: str, requests: int) -> Counter:
    """`requests` GETs from 8 threads, each on a new connection (so both workers take some)."""
    headers = {**PROXY_HEADERS, "Authorization": f"Token {token}"}

    def one(_index: int) -> int:
        return httpx.get(f"{base}/api/v1/briefs/", headers=headers, timeout=30).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        return Counter(pool.map(one, range(requests)))


LIMIT = 20


@pytest.mark.slow
@pytest.mark.parametrize("cache_url", ["dbcache://aicmo_cache", "redis://127.0.0.1:6379/0"])
def test_throttles_hold_across_two_gunicorn_workers(transactional_db, tmp_path, cache_url):
    """A user limited to 20 requests an hour gets exactly 20 answers from two workers together.

    The control is the same deployment with a per-process cache: more than 20 get through, which
    also shows both workers took requests."""
    # given
    env = _served_environment(tmp_path, WEB_CONCURRENCY="2", API_THROTTLE_USER=f"{LIMIT}/hour")
    # when
    with gunicorn({**env, "CACHE_URL": "locmemcache://"}) as base:
        per_process = _hammer(base, _reader_token(), 3 * LIMIT)
    with gunicorn({**env, "CACHE_URL": cache_url}) as base:
        shared = _hammer(base, _reader_token(), 3 * LIMIT)
    # then
    assert per_process[200] > LIMIT, per_process
    assert shared == Counter({200: LIMIT, 429: 2 * LIMIT}), shared
    print(f"\n{LIMIT}/hour, 2 workers: {per_process[200]} through per-process, {shared[200]} through {cache_url}")
