"""App config for the shared kernel (registers the persistence system check)."""

from django.apps import AppConfig


class KernelConfig(AppConfig):
    name = "kernel"
    verbose_name = "AICMO kernel"

    def ready(self) -> None:
        from config import registry  # noqa: F401  (registers checks and signal handlers)
