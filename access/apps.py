"""App config for access: who may do what (role presets), API tokens, and login lockout."""

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "access"
    verbose_name = "Access"
