"""Fixtures shared by every test package: persistence modes and the repository registry."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")

import pytest

from config import registry


@pytest.fixture(autouse=True)
def _fresh_registry(settings):
    """Every test starts with new repository instances (memory mode keeps nothing between tests)."""
    registry.reset()
    yield
    registry.reset()


@pytest.fixture(params=["memory", "db"])
def persistence(request, settings):
    """Run the test once per persistence mode; the db branch gets the test database."""
    if request.param == "db":
        request.getfixturevalue("db")
    settings.AICMO_PERSISTENCE = request.param
    return request.param


@pytest.fixture
def repo(persistence):
    """Resolve a repository alias in the current persistence mode."""
    return registry.repository


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pytest_collection_modifyitems(items):
    """Tests parametrized into the db persistence mode need the test database at collection time."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("persistence") == "db":
            item.add_marker(pytest.mark.django_db(transaction=False))


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Background runs execute in the test's process (Django's immediate task backend)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


LOOPBACK = ["127.0.0.0/8", "::1"]


@pytest.fixture
def loopback_webhooks(settings):
    """Webhooks may target this machine's loopback receivers (refused by default, like any private address)."""
    settings.AICMO_WEBHOOK_ALLOWLIST = LOOPBACK
    return LOOPBACK
