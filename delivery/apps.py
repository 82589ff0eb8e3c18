from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "delivery"
    verbose_name = "Delivery (packages and handover)"

    def ready(self) -> None:
        from delivery import checks  # noqa: F401  (registers the deployment checks)
