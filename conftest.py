"""Fixtures shared by every test package: persistence modes and the repository registry."""

from __future__ import annotations

import os

os.environ.setdefault("DEBUG", "1")

import pytest  # noqa: E402

from config import registry  # noqa: E402


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
