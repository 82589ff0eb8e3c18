"""App config for the shared kernel (registers the persistence system check, creates cache tables)."""

from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_tables(using: str = "default", **kwargs) -> None:
    """`migrate` also makes the database cache's table (CACHES), so a fresh install needs no extra step."""
    call_command("createcachetable", database=using, verbosity=0)


class KernelConfig(AppConfig):
    name = "kernel"
    verbose_name = "AICMO kernel"

    def ready(self) -> None:
        from config import registry  # noqa: F401  (registers checks and signal handlers)
        from kernel import logs

        logs.connect_request_signals()

        # post_migrate goes to apps with models only; contenttypes is always installed, so once per migrate.
        post_migrate.connect(
            create_cache_tables, sender=apps.get_app_config("contenttypes"), dispatch_uid="aicmo-create-cache-tables"
        )
