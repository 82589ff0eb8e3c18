"""Handover: a signed webhook POST of the manifest to the client, then the e-mail; failures that are real."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import socket
import uuid

import pytest
from werkzeug import Response

from delivery import services
from delivery.domain import PackageStatus, WebhookFailed, WebhookRefused
from delivery.tests.support import read_zip, rich_brief

SECRET = "s3cret-shared-with-the-client"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.AICMO_WEBHOOK_SECRET = SECRET
    settings.AICMO_WEBHOOK_ATTEMPTS = 2
    settings.AICMO_WEBHOOK_TIMEOUT = 2.0
    settings.AICMO_WEBHOOK_ALLOWLIST = []
    settings.AICMO_PUBLIC_BASE_URL = "https://aicmo.agency.example"


def _brief_with_webhook(url: str):
    brief = rich_brief()
    return dataclasses.replace(brief, delivery=dataclasses.replace(brief.delivery, webhook_url=url))


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_webhook_receives_the_manifest_signed_then_the_email_goes_out(build, packages, httpserver, mailoutbox):
    """The receiver gets manifest.json's exact bytes with a verifiable HMAC; then the client is e-mailed."""
    # given
    httpserver.expect_request("/aicmo-hook", method="POST").respond_with_data("ok", status=202)
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/aicmo-hook")))
    # when
    delivered = services.package_handover(package_id=package.id, brief=brief, packages=packages)
    # then
    (request, _response), *_ = httpserver.log
    body = request.get_data()
    assert body == read_zip(package, packages)["manifest.json"]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["X-AICMO-Signature"], expected)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-AICMO-Event"] == "package.delivered"
    assert request.headers["X-AICMO-Delivery"] == str(package.id)
    assert json.loads(body)["package_id"] == str(package.id)
    assert delivered.status == PackageStatus.DELIVERED
    assert (delivered.webhook_url, delivered.webhook_status) == (httpserver.url_for("/aicmo-hook"), 202)
    assert delivered.notified_email == brief.delivery.email
    assert delivered.delivered_at is not None
    assert packages.get(package.id) == delivered
    assert len(mailoutbox) == 1


def test_email_carries_the_download_link_and_a_summary(build, packages, mailoutbox, settings):
    """Without a webhook, the e-mail alone goes to the delivery address with the link, counts and version."""
    # given
    brief, inputs, package = build()
    # when
    delivered = services.package_handover(package_id=package.id, brief=brief, packages=packages)
    # then
    (message,) = mailoutbox
    assert message.to == [brief.delivery.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert f"https://aicmo.agency.example/api/v1/packages/{package.id}/download/" in message.body
    assert f"Strategy: version {inputs['strategy'].version}, approved by reviewer@agency.example" in message.body
    total = len(inputs["drafts"])
    assert f"Assets: {total} ({total} of {total} passed quality control)" in message.body
    assert "  - google_ads: 2" in message.body
    assert delivered.webhook_status is None
    assert delivered.webhook_url == ""


def test_unreachable_webhook_fails_clearly_and_nothing_is_delivered(build, packages, mailoutbox):
    """A closed loopback port gives WebhookFailed naming the URL and 'connection refused'; no e-mail goes out."""
    # given
    url = f"http://127.0.0.1:{_closed_port()}/hook"
    brief, _inputs, package = build(_brief_with_webhook(url))
    # when
    with pytest.raises(WebhookFailed) as caught:
        services.package_handover(package_id=package.id, brief=brief, packages=packages)
    # then
    assert url in caught.value.message
    assert "after 2 attempt(s)" in caught.value.message
    assert "connection refused" in caught.value.message.lower()
    assert packages.get(package.id).status == PackageStatus.BUILT
    assert mailoutbox == []


def test_server_errors_are_retried_until_a_success(build, packages, httpserver, mailoutbox):
    """A 503 then a 200 delivers on the second attempt."""
    # given
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_response(Response("busy", status=503))
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("ok", status=200)
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    delivered = services.package_handover(package_id=package.id, brief=brief, packages=packages)
    # then
    assert [response.status_code for _request, response in httpserver.log] == [503, 200]
    assert delivered.webhook_status == 200
    assert len(mailoutbox) == 1


def test_a_client_error_is_not_retried(build, packages, httpserver, settings):
    """A 404 will not change: one attempt, then WebhookFailed naming the status."""
    # given
    settings.AICMO_WEBHOOK_ATTEMPTS = 3
    httpserver.expect_request("/gone", method="POST").respond_with_data("no", status=404)
    url = httpserver.url_for("/gone")
    brief, _inputs, package = build(_brief_with_webhook(url))
    # when
    with pytest.raises(WebhookFailed) as caught:
        services.package_handover(package_id=package.id, brief=brief, packages=packages)
    # then
    assert len(httpserver.log) == 1
    assert caught.value.message == f"The client's webhook {url} failed after 1 attempt(s): HTTP 404 NOT FOUND."


def test_host_outside_the_allowlist_is_refused_before_any_request(build, packages, httpserver, settings, mailoutbox):
    """With an allowlist set, a webhook on another host is refused and never called; an allowed host is."""
    # given
    settings.AICMO_WEBHOOK_ALLOWLIST = ["hooks.client.example", "*.partner.example"]
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    with pytest.raises(WebhookRefused) as caught:
        services.package_handover(package_id=package.id, brief=brief, packages=packages)
    settings.AICMO_WEBHOOK_ALLOWLIST = ["hooks.client.example", httpserver.host]
    delivered = services.package_handover(package_id=package.id, brief=brief, packages=packages)
    # then
    assert "not in AICMO_WEBHOOK_ALLOWLIST" in caught.value.message
    assert len(httpserver.log) == 1
    assert delivered.status == PackageStatus.DELIVERED
    assert len(mailoutbox) == 1


def test_handover_is_idempotent_and_revoking_makes_it_deliverable_again(build, packages, mailoutbox):
    """A delivered package is not notified twice; the compensation marks it built, and a new handover notifies."""
    # given
    brief, _inputs, package = build()
    services.package_handover(package_id=package.id, brief=brief, packages=packages)
    # when
    services.package_handover(package_id=package.id, brief=brief, packages=packages)
    revoked = services.package_revoke_handover(package_id=package.id, packages=packages)
    again = services.package_revoke_handover(package_id=package.id, packages=packages)
    redelivered = services.package_handover(package_id=package.id, brief=brief, packages=packages)
    # then
    assert (revoked.status, revoked.delivered_at) == (PackageStatus.BUILT, None)
    assert again == revoked
    assert revoked.artifacts == package.artifacts
    assert redelivered.status == PackageStatus.DELIVERED
    assert len(mailoutbox) == 2


def test_revoking_an_unknown_package_gives_none(packages):
    """The compensation is safe when the package is already gone."""
    # given
    missing = uuid.uuid4()
    # when / then
    assert services.package_revoke_handover(package_id=missing, packages=packages) is None
