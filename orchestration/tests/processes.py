"""Real processes for worker tests: manage.py commands against the test database, and real loopback
servers for what the workflow talks to (a webhook receiver, an SMTP server, an LLM endpoint)."""

from __future__ import annotations

import contextlib
import email
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection

from orchestration.tests.support import closed_port

PROJECT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this test process uses (the test database), for child processes."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{conf['NAME']}"
    user = conf.get("USER") or "postgres"
    host = conf.get("HOST") or "127.0.0.1"
    port = conf.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{conf['NAME']}"


def child_env(media_root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DEBUG="1",
        DATABASE_URL=database_url(),
        MEDIA_ROOT=str(media_root),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONUNBUFFERED="1",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        # Loopback receivers (SlowWebhook) are private addresses: the allowlist opens them, as in the tests.
        AICMO_WEBHOOK_ALLOWLIST="127.0.0.0/8,::1",
    )
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        stdout=popen.pop("stdout", subprocess.PIPE),
        stderr=popen.pop("stderr", subprocess.PIPE),
        text=True,
        **popen,
    )


def worker(env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    """A `run_worker` process (the documented worker: db_worker plus the reaper), logging to `log`."""
    handle = log.open("a")
    return manage(
        "run_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        "0.05",
        *extra,
        env=env,
        stdout=handle,
        stderr=handle,
    )


def stop(process: subprocess.Popen, *, timeout: float = 30) -> int:
    """SIGTERM (a graceful stop: the task in hand finishes), then wait."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.wait(timeout=timeout)


def wait_until(condition: Callable[[], bool], *, timeout: float, every: float = 0.2, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


class Webhook:
    """A loopback webhook receiver that records every POST (its Standard Webhooks `webhook-id` and body).

    `delay` holds each answer that many seconds; `hold()` holds answers until `release()`.
    """

    def __init__(self, *, status: int = 200, delay: float = 0.0) -> None:
        self.status = status
        self.delay = delay
        self.received = threading.Event()
        self.released = threading.Event()
        self.released.set()
        self.posts: list[tuple[str, bytes]] = []
        self.answered: list[float] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer._lock:
                    outer.posts.append((self.headers.get("webhook-id", ""), body))
                outer.received.set()
                time.sleep(outer.delay)
                outer.released.wait(timeout=120)
                try:
                    self.send_response(outer.status)
                    self.end_headers()
                    self.wfile.write(b"ok")
                    outer.answered.append(time.monotonic())
                except OSError:
                    pass  # the worker that sent this was killed

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/aicmo"

    def hold(self) -> None:
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def per_delivery(self) -> Counter:
        with self._lock:
            return Counter(delivery for delivery, _body in self.posts)

    def __enter__(self) -> Webhook:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


class MailServer:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives. It can start down
    (`start()` later, on the port chosen now) and go down again (`stop()`)."""

    def __init__(self) -> None:
        self.port = closed_port()
        self.messages: list[email.message.Message] = []
        self._controller: Controller | None = None

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd calls this per message
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def env(self) -> dict[str, str]:
        """Settings for a child process to send its e-mail here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }

    def start(self) -> MailServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.messages)


class SlowLLM:
    """An OpenAI-compatible chat-completions endpoint on loopback that answers after `delay` seconds
    (with a body the generator cannot use, so it falls back to the template writer)."""

    def __init__(self, *, delay: float) -> None:
        self.delay = delay
        self.requests = 0
        self.in_flight = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests += 1
                outer.in_flight.set()
                time.sleep(outer.delay)
                body = json.dumps({"choices": [{"message": {"content": "not json"}}]}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass
                finally:
                    outer.in_flight.clear()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> SlowLLM:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class PrivatePostgres:
    """A PostgreSQL server of our own (initdb in a temporary directory, on a free loopback port), so a
    test can stop and start it without touching the server other test runs share."""

    def __init__(self) -> None:
        self.bindir = Path(
            subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
        )
        self.root = Path(tempfile.mkdtemp(prefix="aicmo-pg-"))
        self.port = closed_port()
        self.as_owner: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.root, user="postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    @classmethod
    def available(cls) -> bool:
        return shutil.which("pg_config") is not None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/aicmo"

    def _pg(self, program: str, *args: str) -> None:
        subprocess.run([*self.as_owner, str(self.bindir / program), *args], check=True, capture_output=True, timeout=60)

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._pg(
            "pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "server.log"), "-o", options, "-w", *args
        )

    def start(self) -> PrivatePostgres:
        if not (self.root / "data").exists():
            self._pg(
                "initdb", "-D", str(self.root / "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"
            )
            self._ctl("start")
            self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "aicmo")
        else:
            self._ctl("start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._ctl("-m", mode, "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
