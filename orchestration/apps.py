from django.apps import AppConfig


class OrchestrationConfig(AppConfig):
    name = "orchestration"
    verbose_name = "Orchestration (workflow runs)"

    def ready(self) -> None:
        from orchestration import receivers  # noqa: F401  (connects signal handlers)
