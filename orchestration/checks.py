"""Start-up checks of the saga's timing settings: a claim must outlive what a worker does between two
renewals of it, or another worker takes over a run that is still being worked on."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def check_saga_timing(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    lease = float(settings.AICMO_LEASE_SECONDS)
    found: list[checks.CheckMessage] = []
    if lease <= 0:
        found.append(checks.Error("AICMO_LEASE_SECONDS must be positive.", id="aicmo.E010"))
        return found
    if float(settings.AICMO_HEARTBEAT_SECONDS) >= lease:
        found.append(
            checks.Warning(
                f"AICMO_HEARTBEAT_SECONDS ({settings.AICMO_HEARTBEAT_SECONDS:g}) is not below AICMO_LEASE_SECONDS "
                f"({lease:g}); claims are renewed every {lease / 3:g}s instead.",
                id="aicmo.W010",
            )
        )
    generator = settings.AICMO_GENERATOR
    timeout = float(generator.get("OPTIONS", {}).get("timeout", 0) or 0)
    if "OpenAIChatGenerator" in generator["BACKEND"] and timeout >= lease:
        found.append(
            checks.Warning(
                f"LLM_TIMEOUT ({timeout:g}s) is not below AICMO_LEASE_SECONDS ({lease:g}s): a worker renews its "
                "claim between LLM calls, so one slow call could let another worker take the run over.",
                hint="Lower LLM_TIMEOUT or raise AICMO_LEASE_SECONDS.",
                id="aicmo.W011",
            )
        )
    return found
