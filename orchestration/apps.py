from django.apps import AppConfig


class OrchestrationConfig(AppConfig):
    name = "orchestration"
    verbose_name = "Orchestration (workflow runs)"

    def ready(self) -> None:
        from orchestration import checks, receivers  # noqa: F401  (registers checks, connects signal handlers)
