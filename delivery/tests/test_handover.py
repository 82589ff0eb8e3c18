"""Handover: a Standard Webhooks-signed POST of the manifest to the client, then the e-mail; real failures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket
import uuid

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from werkzeug import Response

from delivery import services, webhooks
from delivery.domain import WEBHOOK_FAILED, WEBHOOK_REFUSED, PackageStatus, WebhookFailed, WebhookRefused
from delivery.tests.support import read_zip, rich_brief


@pytest.fixture(autouse=True)
def _webhook_settings(settings, loopback_webhooks):
    settings.AICMO_WEBHOOK_ATTEMPTS = 2
    settings.AICMO_WEBHOOK_TIMEOUT = 2.0
    settings.AICMO_PUBLIC_BASE_URL = "https://aicmo.agency.example"


@pytest.fixture
def hand_over(packages, endpoints):
    def _hand_over(package, brief):
        return services.package_handover(package_id=package.id, brief=brief, packages=packages, endpoints=endpoints)

    return _hand_over


def _brief_with_webhook(url: str):
    brief = rich_brief()
    return dataclasses.replace(brief, delivery=dataclasses.replace(brief.delivery, webhook_url=url))


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _secret(url: str, endpoints) -> str:
    return services.webhook_endpoint_for_url(url=url, endpoints=endpoints).secret


def test_webhook_receives_the_manifest_signed_then_the_email_goes_out(
    build, packages, endpoints, hand_over, httpserver, mailoutbox
):
    """The receiver gets manifest.json's exact bytes, verifiable with the standardwebhooks library and the
    endpoint's own secret; then the client is e-mailed."""
    # given
    httpserver.expect_request("/aicmo-hook", method="POST").respond_with_data("ok", status=202)
    url = httpserver.url_for("/aicmo-hook")
    brief, _inputs, package = build(_brief_with_webhook(url))
    # when
    delivered = hand_over(package, brief)
    # then
    (request, _response), *_ = httpserver.log
    body = request.get_data()
    assert body == read_zip(package, packages)["manifest.json"]
    assert Webhook(_secret(url, endpoints)).verify(body, dict(request.headers)) == json.loads(body)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-AICMO-Event"] == "package.delivered"
    assert request.headers["webhook-id"].startswith("msg_")
    assert json.loads(body)["package_id"] == str(package.id)
    assert delivered.status == PackageStatus.DELIVERED
    assert (delivered.webhook_url, delivered.webhook_status) == (url, 202)
    assert delivered.notified_email == brief.delivery.email
    assert delivered.delivered_at is not None
    assert packages.get(package.id) == delivered
    assert len(mailoutbox) == 1


def test_a_receiver_rejects_a_replay_older_than_five_minutes_and_a_forged_timestamp(
    build, endpoints, hand_over, httpserver
):
    """The timestamp is signed: the same delivery replayed six minutes later fails the verifier, and so does
    a fresh timestamp pasted onto the old signature."""
    # given
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    url = httpserver.url_for("/hook")
    brief, _inputs, package = build(_brief_with_webhook(url))
    hand_over(package, brief)
    (request, _response), *_ = httpserver.log
    body, headers = request.get_data(), dict(request.headers)
    receiver = Webhook(_secret(url, endpoints))
    # when: the delivery as captured six minutes ago (its own id, body and signature, signed then)
    six_minutes_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    replayed = webhooks.sign(
        secret=_secret(url, endpoints), event_id=headers["Webhook-Id"], timestamp=six_minutes_ago, body=body
    )
    forged = {**replayed, "webhook-timestamp": headers["Webhook-Timestamp"]}
    # then
    assert receiver.verify(body, headers)
    with pytest.raises(WebhookVerificationError, match="too old"):
        receiver.verify(body, replayed)
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        receiver.verify(body, forged)


def test_every_event_has_its_own_id_and_every_endpoint_its_own_secret(
    build, endpoints, hand_over, httpserver, packages
):
    """Two deliveries of one package carry two ids; two endpoints are signed with two secrets."""
    # given
    httpserver.expect_request("/a", method="POST").respond_with_data("ok")
    httpserver.expect_request("/b", method="POST").respond_with_data("ok")
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/a")))
    hand_over(package, brief)
    services.package_revoke_handover(package_id=package.id, packages=packages)
    # when
    hand_over(package, brief)
    other_brief, _inputs, other = build(_brief_with_webhook(httpserver.url_for("/b")))
    hand_over(other, other_brief)
    # then
    ids = [request.headers["webhook-id"] for request, _response in httpserver.log]
    assert len(set(ids)) == 3
    assert _secret(httpserver.url_for("/a"), endpoints) != _secret(httpserver.url_for("/b"), endpoints)
    assert [e.url for e in endpoints.list()] == [httpserver.url_for("/b"), httpserver.url_for("/a")]


def test_email_carries_the_download_link_and_a_summary(build, hand_over, mailoutbox, settings):
    """Without a webhook, the e-mail alone goes to the delivery address with the link, counts and version."""
    # given
    brief, inputs, package = build()
    # when
    delivered = hand_over(package, brief)
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


def test_unreachable_webhook_fails_with_a_generic_message_and_nothing_is_delivered(
    build, packages, hand_over, mailoutbox, caplog
):
    """A closed loopback port gives the generic WebhookFailed (after the attempts); the operator log has the
    cause. No e-mail goes out."""
    # given
    url = f"http://127.0.0.1:{_closed_port()}/hook"
    brief, _inputs, package = build(_brief_with_webhook(url))
    # when
    with pytest.raises(WebhookFailed) as caught:
        hand_over(package, brief)
    # then
    assert caught.value.message == WEBHOOK_FAILED
    [record] = [r for r in caplog.records if r.name == "delivery.webhooks"]
    assert url in record.getMessage() and "after 2 attempt(s)" in record.getMessage()
    assert "refused" in record.getMessage().lower()
    assert packages.get(package.id).status == PackageStatus.BUILT
    assert mailoutbox == []


def test_server_errors_are_retried_until_a_success(build, hand_over, httpserver, mailoutbox, endpoints):
    """A 503 then a 200 delivers on the second attempt, with the same event id signed afresh."""
    # given
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_response(Response("busy", status=503))
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("ok", status=200)
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    delivered = hand_over(package, brief)
    # then
    assert [response.status_code for _request, response in httpserver.log] == [503, 200]
    first, second = (request for request, _response in httpserver.log)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert Webhook(_secret(httpserver.url_for("/hook"), endpoints)).verify(second.get_data(), dict(second.headers))
    assert delivered.webhook_status == 200
    assert len(mailoutbox) == 1


def test_a_client_error_is_not_retried(build, hand_over, httpserver, settings, caplog):
    """A 404 will not change: one attempt, then the generic WebhookFailed; the status is in the operator log."""
    # given
    settings.AICMO_WEBHOOK_ATTEMPTS = 3
    httpserver.expect_request("/gone", method="POST").respond_with_data("no", status=404)
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/gone")))
    # when
    with pytest.raises(WebhookFailed) as caught:
        hand_over(package, brief)
    # then
    assert len(httpserver.log) == 1
    assert caught.value.message == WEBHOOK_FAILED
    assert "HTTP 404" in caplog.text


def test_an_allowlist_narrows_targets_to_its_names_and_ranges(build, hand_over, httpserver, settings, mailoutbox):
    """With names listed, a target on another host is refused and never called; a listed range is called."""
    # given
    settings.AICMO_WEBHOOK_ALLOWLIST = ["hooks.client.example", "*.partner.example"]
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    with pytest.raises(WebhookRefused) as caught:
        hand_over(package, brief)
    settings.AICMO_WEBHOOK_ALLOWLIST = ["hooks.client.example", "127.0.0.0/8", "::1"]
    delivered = hand_over(package, brief)
    # then
    assert caught.value.message == WEBHOOK_REFUSED
    assert len(httpserver.log) == 1
    assert delivered.status == PackageStatus.DELIVERED
    assert len(mailoutbox) == 1


def test_handover_is_idempotent_and_revoking_makes_it_deliverable_again(build, packages, hand_over, mailoutbox):
    """A delivered package is not notified twice; the compensation marks it built, and a new handover notifies."""
    # given
    brief, _inputs, package = build()
    hand_over(package, brief)
    # when
    hand_over(package, brief)
    revoked = services.package_revoke_handover(package_id=package.id, packages=packages)
    again = services.package_revoke_handover(package_id=package.id, packages=packages)
    redelivered = hand_over(package, brief)
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
