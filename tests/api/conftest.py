"""Fixtures for the REST API tests: users with tokens, API clients, example intakes, a finished run."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from rest_framework.test import APIClient

from access.tokens import token_issue
from kernel import permissions
from tests.factories import example_brief_paths

BRIEFS = "/api/v1/briefs/"
RUNS = "/api/v1/runs/"
STRATEGIES = "/api/v1/strategies/"

READ_EVERYTHING = (
    permissions.VIEW_BRIEF,
    permissions.VIEW_INTAKE,
    permissions.VIEW_STRATEGY,
    permissions.VIEW_DRAFT,
    permissions.VIEW_QC_RESULT,
    permissions.VIEW_PACKAGE,
    permissions.VIEW_RUN,
)
OPERATE = (
    permissions.SUBMIT_BRIEF,
    permissions.START_RUN,
    permissions.RESUME_RUN,
    permissions.CANCEL_RUN,
    permissions.RETRY_RUN,
)


@pytest.fixture(autouse=True)
def _fresh_throttles(django_db_setup, django_db_blocker):
    """Throttle counters live in the cache (a database table by default): every test starts with none."""
    with django_db_blocker.unblock():
        cache.clear()


@pytest.fixture(autouse=True)
def _media(media_root):
    """Packages are written under a temporary MEDIA_ROOT."""
    return media_root


def make_user(username: str, *perms: str) -> User:
    user = User.objects.create_user(username=username, password="x-" + username)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return User.objects.get(pk=user.pk)  # a fresh instance: no stale permission cache


def token_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user).token}")
    return client


@pytest.fixture
def user(db) -> User:
    return make_user("operator", *READ_EVERYTHING, *OPERATE)


@pytest.fixture
def api(user) -> APIClient:
    """An API client with a token of a user who may read everything and operate runs, but not approve."""
    return token_client(user)


@pytest.fixture
def approver(db) -> User:
    return make_user("reviewer", *READ_EVERYTHING, *OPERATE, permissions.APPROVE_STRATEGY)


@pytest.fixture
def approver_api(approver) -> APIClient:
    return token_client(approver)


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


def example_intake(name: str) -> bytes:
    """An example intake from examples/briefs, byte for byte."""
    [path] = [p for p in example_brief_paths() if p.stem == name]
    return Path(path).read_bytes()


def submit(api: APIClient, body: bytes | str) -> dict:
    response = api.post(BRIEFS, data=body, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def brief(api) -> dict:
    """A brief submitted through the API (the local bakery example)."""
    return submit(api, example_intake("local-bakery"))


@pytest.fixture
def start_run(api, django_capture_on_commit_callbacks):
    """POST /runs/ for a brief; the queued run executes in-process (immediate task backend)."""

    def _start(brief_id: str, *, require_approval: bool = False, key: str | None = None, client=None):
        headers = {"Idempotency-Key": key} if key is not None else {}
        with django_capture_on_commit_callbacks(execute=True):
            return (client or api).post(
                RUNS, {"brief_id": brief_id, "require_approval": require_approval}, format="json", headers=headers
            )

    return _start


@pytest.fixture
def completed_run(brief, start_run, api) -> dict:
    """A run that went through every step, read back from GET /runs/{id}/."""
    response = start_run(brief["id"])
    assert response.status_code == 202, response.content
    run = api.get(response["Location"]).json()
    assert run["status"] == "completed", run
    return run
