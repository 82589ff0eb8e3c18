"""Start-up checks for delivery settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

WEBHOOK_SECRET_MISSING = "AICMO_WEBHOOK_SECRET is empty, so delivery webhooks are signed with an empty key."


@checks.register(checks.Tags.security, deploy=True)
def check_webhook_secret(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Clients verify X-AICMO-Signature with a shared secret; production must set one."""
    if settings.AICMO_WEBHOOK_SECRET:
        return []
    return [
        checks.Warning(
            WEBHOOK_SECRET_MISSING,
            hint="Set AICMO_WEBHOOK_SECRET to a long random value and share it with the client's receiver.",
            id="aicmo.W101",
        )
    ]
