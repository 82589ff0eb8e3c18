"""Log context: the request id and the run id on every log line, and the request log itself.

The ids live in context variables, so they follow the code that runs for a request or a run
(threads and tasks included) without being passed around:

- every HTTP request gets an id when it starts (`request_started`: a well-formed `X-Request-ID`
  from the proxy, else a new one), kept until its response is closed (`request_finished`), so
  Django's own lines about the request (django.request) carry it too;
- `RequestIdMiddleware` answers the id in the same header and logs one line per request;
- the saga binds the run id while it drives a run: `with logs.bound(run_id=run.id): ...`;
- `ContextFilter` (installed on the handlers by settings.LOGGING) copies both onto each record,
  where the JSON formatter writes them as fields.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only when it is short and plain (it is written into logs and headers).
_GIVEN_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("aicmo_request_id", default=None)
run_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("aicmo_run_id", default=None)
_VARIABLES = {"request_id": request_id, "run_id": run_id}

request_logger = logging.getLogger("aicmo.request")


@contextlib.contextmanager
def bound(**ids: Any) -> Iterator[None]:
    """Bind `request_id` and/or `run_id` for the code inside the block (restored afterwards)."""
    unknown = set(ids) - set(_VARIABLES)
    if unknown:
        raise TypeError(f"unknown log context: {', '.join(sorted(unknown))}")
    tokens = [
        (_VARIABLES[name], _VARIABLES[name].set(str(value) if value is not None else None))
        for name, value in ids.items()
    ]
    try:
        yield
    finally:
        for variable, token in reversed(tokens):
            variable.reset(token)


def _request_started(sender: Any, environ: dict | None = None, scope: dict | None = None, **kwargs: Any) -> None:
    given = ""
    if environ is not None:
        given = environ.get("HTTP_X_REQUEST_ID", "")
    elif scope is not None:
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
    request_id.set(given if _GIVEN_ID.match(given) else uuid.uuid4().hex)


def _request_finished(sender: Any, **kwargs: Any) -> None:
    request_id.set(None)


def connect_request_signals() -> None:
    """Called once at start-up (kernel's AppConfig.ready)."""
    from django.core.signals import request_finished, request_started

    request_started.connect(_request_started, dispatch_uid="aicmo-request-id-start")
    request_finished.connect(_request_finished, dispatch_uid="aicmo-request-id-finish")


class ContextFilter(logging.Filter):
    """Adds `request_id` and `run_id` (or None) to every record; never drops one."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, variable in _VARIABLES.items():
            if not hasattr(record, name):
                setattr(record, name, variable.get())
        return True


class RequestIdMiddleware:
    """Every request gets an id, bound for its logs and echoed in `X-Request-ID`; one log line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id.get() or uuid.uuid4().hex  # set when the request started
        request.request_id = rid
        started = time.monotonic()
        with bound(request_id=rid):
            response = self.get_response(request)
            user = getattr(request, "user", None)
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
        response[REQUEST_ID_HEADER] = rid
        return response
