"""The repository registry: one setting switches every repository; bad configuration fails the checks."""

from __future__ import annotations

import pytest
from django.core import checks

from config import registry

ALIASES = sorted(registry.DEFAULT_BACKENDS)


def backend_names():
    return {alias: type(registry.repository(alias)).__name__ for alias in ALIASES}


def test_persistence_setting_switches_every_repository(settings):
    """db gives every Django...Repository, memory every InMemory...Repository, with no restart."""
    settings.AICMO_PERSISTENCE = "db"
    assert all(name.startswith("Django") for name in backend_names().values()), backend_names()
    settings.AICMO_PERSISTENCE = "memory"
    assert all(name.startswith("InMemory") for name in backend_names().values()), backend_names()


def test_instances_are_cached_until_settings_change(settings):
    settings.AICMO_PERSISTENCE = "memory"
    first = registry.repository("strategy.documents")
    assert registry.repository("strategy.documents") is first
    settings.AICMO_PERSISTENCE = "memory"
    assert registry.repository("strategy.documents") is not first


def test_one_alias_can_be_overridden(settings):
    settings.AICMO_PERSISTENCE = "db"
    settings.REPOSITORIES = {"strategy.documents": {"BACKEND": "strategy.repositories.InMemoryStrategyRepository"}}
    assert type(registry.repository("strategy.documents")).__name__ == "InMemoryStrategyRepository"
    assert type(registry.repository("onboarding.briefs")).__name__ == "DjangoBriefRepository"


def test_unknown_alias_is_a_lookup_error():
    with pytest.raises(registry.UnknownRepository):
        registry.repository("marketing.nothing")


def test_unknown_persistence_mode_fails_the_system_check(settings):
    settings.AICMO_PERSISTENCE = "redis"
    errors = registry.check_persistence()
    assert [e.id for e in errors] == ["aicmo.E001"]
    assert "AICMO_PERSISTENCE is 'redis'" in errors[0].msg
    assert "db, memory" in errors[0].msg


def test_unknown_backend_fails_the_system_check(settings):
    settings.REPOSITORIES = {"strategy.documents": {"BACKEND": "strategy.repositories.CassandraStrategyRepository"}}
    errors = [e for e in checks.run_checks() if e.id.startswith("aicmo.")]
    assert [e.id for e in errors] == ["aicmo.E002"]
    assert "strategy.documents" in errors[0].msg


def test_the_configured_project_passes_its_checks():
    assert [e for e in checks.run_checks() if e.level >= checks.ERROR] == []
