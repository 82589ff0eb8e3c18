"""Resolves repository aliases (and the content generator) to cached instances.

Shaped like Django's STORAGES and CACHES: `AICMO_PERSISTENCE` ("db" or "memory") picks the
default backend of every alias, `REPOSITORIES` may override single aliases, instances are
cached per process, and the cache is dropped on `setting_changed` so `override_settings`
and pytest-django's `settings` fixture switch implementations.
"""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from kernel.uow import UnitOfWork

PERSISTENCE_MODES = ("db", "memory")

DEFAULT_BACKENDS: dict[str, dict[str, str]] = {
    "onboarding.briefs": {
        "db": "onboarding.repositories.DjangoBriefRepository",
        "memory": "onboarding.repositories.InMemoryBriefRepository",
    },
    "strategy.documents": {
        "db": "strategy.repositories.DjangoStrategyRepository",
        "memory": "strategy.repositories.InMemoryStrategyRepository",
    },
    "production.drafts": {
        "db": "production.repositories.DjangoDraftRepository",
        "memory": "production.repositories.InMemoryDraftRepository",
    },
    "production.qc": {
        "db": "production.repositories.DjangoQCResultRepository",
        "memory": "production.repositories.InMemoryQCResultRepository",
    },
    "production.llm_calls": {
        "db": "production.repositories.DjangoLLMCallRepository",
        "memory": "production.repositories.InMemoryLLMCallRepository",
    },
    "delivery.packages": {
        "db": "delivery.repositories.DjangoPackageRepository",
        "memory": "delivery.repositories.InMemoryPackageRepository",
    },
    "delivery.webhook_endpoints": {
        "db": "delivery.repositories.DjangoWebhookEndpointRepository",
        "memory": "delivery.repositories.InMemoryWebhookEndpointRepository",
    },
    "orchestration.runs": {
        "db": "orchestration.repositories.DjangoRunRepository",
        "memory": "orchestration.repositories.InMemoryRunRepository",
    },
}

# How a block of repository writes commits together (kernel/uow.py), per persistence mode.
UNIT_OF_WORK_BACKENDS = {"db": "kernel.uow.DjangoUnitOfWork", "memory": "kernel.memory.InMemoryUnitOfWork"}

WATCHED_SETTINGS = {"AICMO_PERSISTENCE", "REPOSITORIES", "AICMO_GENERATOR"}

_lock = threading.RLock()
_instances: dict[str, Any] = {}


class UnknownRepository(LookupError):
    pass


def persistence_mode() -> str:
    return settings.AICMO_PERSISTENCE


def backends() -> dict[str, dict[str, Any]]:
    """The effective {alias: {"BACKEND": path, ...}} for the current settings."""
    mode = persistence_mode()
    resolved = {alias: {"BACKEND": by_mode.get(mode, "")} for alias, by_mode in DEFAULT_BACKENDS.items()}
    for alias, conf in getattr(settings, "REPOSITORIES", {}).items():
        resolved[alias] = {**resolved.get(alias, {}), **conf}
    return resolved


def repository(alias: str) -> Any:
    """The repository instance serving `alias` (one per process until settings change)."""
    with _lock:
        if alias not in _instances:
            conf = backends().get(alias)
            if conf is None:
                raise UnknownRepository(f"No repository is registered under {alias!r}.")
            cls = import_string(conf["BACKEND"])
            _instances[alias] = cls(**conf.get("OPTIONS", {}))
        return _instances[alias]


def unit_of_work() -> UnitOfWork:
    """The unit of work matching the repositories `repository()` hands out (one per process)."""
    with _lock:
        if "__unit_of_work__" not in _instances:
            _instances["__unit_of_work__"] = import_string(UNIT_OF_WORK_BACKENDS[persistence_mode()])()
        return _instances["__unit_of_work__"]


def generator() -> Any:
    """The content generator named by AICMO_GENERATOR (template by default, or an LLM)."""
    with _lock:
        if "__generator__" not in _instances:
            conf = settings.AICMO_GENERATOR
            cls = import_string(conf["BACKEND"])
            _instances["__generator__"] = cls(**conf.get("OPTIONS", {}))
        return _instances["__generator__"]


def generator_languages() -> tuple[str, ...]:
    """The primary language subtags the configured generator writes ("en"); intake refuses others."""
    return tuple(getattr(generator(), "languages", ("en",)))


def reset() -> None:
    with _lock:
        _instances.clear()


@receiver(setting_changed)
def _reset_on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in WATCHED_SETTINGS:
        reset()


@checks.register(checks.Tags.compatibility)
def check_persistence(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Fail fast at start-up on an unknown persistence mode or repository backend."""
    errors: list[checks.CheckMessage] = []
    mode = persistence_mode()
    if mode not in PERSISTENCE_MODES:
        errors.append(
            checks.Error(
                f"AICMO_PERSISTENCE is {mode!r}; it must be one of {', '.join(PERSISTENCE_MODES)}.",
                hint="Set AICMO_PERSISTENCE=db (the database) or memory (in-process: tests, dry runs, demos).",
                id="aicmo.E001",
            )
        )
        return errors
    for alias, conf in backends().items():
        path = conf.get("BACKEND", "")
        try:
            import_string(path)
        except ImportError as exc:
            errors.append(
                checks.Error(
                    f"Repository {alias!r} names backend {path!r}, which cannot be imported: {exc}",
                    hint="Fix REPOSITORIES in settings, or remove the override to use the default.",
                    id="aicmo.E002",
                )
            )
    try:
        import_string(settings.AICMO_GENERATOR["BACKEND"])
    except ImportError as exc:
        errors.append(
            checks.Error(
                f"AICMO_GENERATOR backend {settings.AICMO_GENERATOR['BACKEND']!r} cannot be imported: {exc}",
                id="aicmo.E003",
            )
        )
    return errors
