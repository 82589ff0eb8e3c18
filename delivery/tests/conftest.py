"""Fixtures for delivery tests: the package repository of the current mode and a package builder."""

from __future__ import annotations

import pytest

from delivery import services
from delivery.tests.support import rich_brief
from tests.factories import make_package_inputs


@pytest.fixture
def packages(repo):
    return repo("delivery.packages")


@pytest.fixture
def build(packages, media_root):
    """Build a package for a brief (a rich one by default); returns (brief, inputs, package)."""

    def _build(brief=None, **overrides):
        brief = brief or rich_brief()
        inputs = make_package_inputs(brief)
        inputs.update(overrides)
        package = services.package_build(brief=brief, packages=packages, **inputs)
        return brief, inputs, package

    return _build


@pytest.fixture
def endpoints(repo):
    return repo("delivery.webhook_endpoints")
