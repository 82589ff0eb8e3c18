"""Property-based API tests: schemathesis generates requests from our own OpenAPI schema for every
operation and checks each answer: never a 5xx, and status, content type, headers and body as documented.

The schema is loaded from the app (`/api/schema/`) and requests go to the Django WSGI app in-process,
inside the test's transaction, authenticated with a token of a user who may also approve. A finished
run (brief, strategy, drafts, package) exists, and every operation with ids is exercised twice: with
generated ids (mostly unknown: 404) and with the real ones.
"""

from __future__ import annotations

import contextlib
import json

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from access.tokens import token_issue
from tests.api.conftest import RUNS, example_intake

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 15


@contextlib.contextmanager
def on_the_test_connection():
    """Requests to the WSGI app keep the test's connection and transaction, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def real_ids(api, completed_run) -> dict[str, str]:
    """The ids of a finished run and of everything it made."""
    [draft] = api.get(f"{RUNS}{completed_run['id']}/drafts/", {"limit": 1}).json()["results"]
    return {
        "brief_id": completed_run["brief_id"],
        "strategy_id": completed_run["strategy_id"],
        "run_id": completed_run["id"],
        "package_id": completed_run["package_id"],
        "draft_id": draft["id"],
    }


def _exercise(operation, *, headers: dict[str, str], mode=GenerationMode.POSITIVE, **fixed) -> None:
    @given(case=operation.as_strategy(mode, **fixed))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    cache.clear()  # the throttles count every request
    exercise()


def _passes(operation, real_ids: dict[str, str]) -> list[dict]:
    """How to exercise one operation: generated data, data that breaks the schema, and the real ids."""
    passes = [{}, {"mode": GenerationMode.NEGATIVE}]
    names = [p.name for p in operation.path_parameters]
    if names:
        passes.append({"path_parameters": {name: real_ids[name] for name in names}})
    if operation.label == "POST /api/v1/runs/":
        passes.append({"body": {"brief_id": real_ids["brief_id"], "require_approval": True}})
    if operation.label == "POST /api/v1/briefs/":
        passes.append({"body": json.loads(example_intake("all-channels"))})
    return passes


def test_every_operation_answers_as_documented(approver, real_ids):
    """No generated request makes a 5xx or an answer the schema does not describe."""
    # given
    headers = {"Authorization": f"Token {token_issue(user=approver).token}"}
    with on_the_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), headers=headers)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) == 20
        # when / then
        for operation in operations:
            for fixed in _passes(operation, real_ids):
                _exercise(operation, headers=headers, **fixed)
