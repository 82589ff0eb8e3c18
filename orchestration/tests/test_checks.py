"""The start-up checks of the saga's timing settings."""

from __future__ import annotations

from orchestration.checks import check_saga_timing


def test_the_default_settings_pass():
    assert check_saga_timing() == []


def test_an_llm_timeout_as_long_as_the_lease_is_reported(settings):
    """A worker renews its claim between LLM calls: one call as long as the lease could lose the run."""
    settings.AICMO_LEASE_SECONDS = 30
    settings.AICMO_GENERATOR = {
        "BACKEND": "production.generators.OpenAIChatGenerator",
        "OPTIONS": {"base_url": "http://127.0.0.1:9/v1", "model": "m", "timeout": 30},
    }
    assert [m.id for m in check_saga_timing()] == ["aicmo.W011"]


def test_a_heartbeat_no_shorter_than_the_lease_is_reported(settings):
    settings.AICMO_LEASE_SECONDS = 10
    settings.AICMO_HEARTBEAT_SECONDS = 10
    assert [m.id for m in check_saga_timing()] == ["aicmo.W010"]
