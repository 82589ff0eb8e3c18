"""The API under load: gunicorn serving the project, wrk on loopback, reading a run and starting one.

Needs `wrk` (Debian: `apt-get install -y wrk`); without it the section is skipped with a message.
The statements each request runs are counted in-process too (Django's test client, same views).
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench import briefs
from bench.measure import count_activity
from bench.sections import BenchFailure, _in_mode, run_intake

WRK_MISSING = "wrk is not installed (Debian: apt-get install -y wrk); API section skipped"
WORKERS = 2
CONNECTIONS = 20
THREADS = 2
WARMUP_SECONDS = 3
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fixtures() -> dict[str, str]:
    """A user with a token, a brief, and one completed run of it (seven steps to read back)."""
    from django.contrib.auth import get_user_model

    from access.tokens import token_issue

    # Every operation needs its permission: the benchmark user holds them all.
    user, _ = get_user_model().objects.get_or_create(username="bench-api", defaults={"is_superuser": True})
    token = token_issue(user=user).token
    run = run_intake(json.dumps(briefs.brief(3)))
    return {"token": token, "run_id": str(run.id), "brief_id": str(run.brief_id)}


def _lua(method: str, token: str, body: dict | None) -> str:
    lines = [f'wrk.method = "{method}"', f'wrk.headers["Authorization"] = "Token {token}"']
    if body is not None:
        lines.append('wrk.headers["Content-Type"] = "application/json"')
        lines.append(f"wrk.body = {json.dumps(json.dumps(body))}")
    return "\n".join(lines) + "\n"


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests per second, p50/p99 latency (ms), and the failures wrk counted."""
    figures: dict[str, Any] = {}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in ([\d.]+\w+)", output)
    figures["requests_per_s"] = round(float(rps.group(1)), 1) if rps else 0.0
    figures["requests"] = int(total.group(1)) if total else 0
    for pct in ("50", "99"):
        found = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.MULTILINE)
        figures[f"p{pct}_ms"] = round(_ms(found.group(1)), 2) if found else None
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    figures["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    figures["socket_errors"] = sum(int(g) for g in errors.groups()) if errors else 0
    return figures


def _wrk(url: str, script: Path, seconds: int) -> str:
    cmd = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=False)
    if done.returncode != 0:
        raise BenchFailure(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


def _serve(port: int):
    from bench.environment import PROJECT_DIR, child_env

    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "-w",
        str(WORKERS),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(cmd, cwd=PROJECT_DIR, env=child_env(), stderr=subprocess.PIPE)


def _wait_until_up(url: str, token: str, server: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchFailure("gunicorn exited: " + server.stderr.read().decode(errors="replace")[-2000:])
        try:
            if httpx.get(url, headers={"Authorization": f"Token {token}"}, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise BenchFailure(f"gunicorn did not answer {url} within {timeout:g}s")


def _statements_per_request(fixtures: dict[str, str], counted: int) -> dict[str, float]:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {fixtures['token']}", HTTP_HOST="localhost")
    read_url = f"/api/v1/runs/{fixtures['run_id']}/"

    def read() -> None:
        if client.get(read_url).status_code != 200:
            raise BenchFailure(f"GET {read_url} did not answer 200")

    def start() -> None:
        answer = client.post("/api/v1/runs/", {"brief_id": fixtures["brief_id"]}, content_type="application/json")
        if answer.status_code != 202:
            raise BenchFailure(f"POST /api/v1/runs/ answered {answer.status_code}: {answer.content[:300]!r}")

    read()
    start()
    return {
        "read_sql": count_activity(read, samples=counted)["sql"],
        "start_sql": count_activity(start, samples=counted)["sql"],
    }


def api(*, seconds: int, counted: int = 3) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        return {"skipped": WRK_MISSING}
    with _in_mode("db"):
        fixtures = _fixtures()
        per_request = _statements_per_request(fixtures, counted)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    read_url = f"{base}/api/v1/runs/{fixtures['run_id']}/"
    server = _serve(port)
    out: dict[str, Any] = {"workers": WORKERS, "connections": CONNECTIONS, "seconds": seconds}
    try:
        _wait_until_up(read_url, fixtures["token"], server)
        with tempfile.TemporaryDirectory() as tmp:
            cases = {
                "read": (read_url, _lua("GET", fixtures["token"], None)),
                "start": (f"{base}/api/v1/runs/", _lua("POST", fixtures["token"], {"brief_id": fixtures["brief_id"]})),
            }
            for name, (url, lua) in cases.items():
                script = Path(tmp) / f"{name}.lua"
                script.write_text(lua)
                _wrk(url, script, WARMUP_SECONDS)
                figures = parse_wrk(_wrk(url, script, seconds))
                figures["sql"] = per_request[f"{name}_sql"]
                out[name] = figures
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    return out
