"""Deployment checks for delivery."""

from django.core import checks

from delivery.checks import WEBHOOK_SECRET_MISSING


def test_an_empty_webhook_secret_is_reported_by_the_deploy_checks(settings):
    settings.AICMO_WEBHOOK_SECRET = ""
    messages = [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "aicmo.W101"]
    assert [m.msg for m in messages] == [WEBHOOK_SECRET_MISSING]


def test_a_set_secret_passes(settings):
    settings.AICMO_WEBHOOK_SECRET = "a-long-random-shared-secret"
    assert not [m for m in checks.run_checks(include_deployment_checks=True) if m.id == "aicmo.W101"]
