"""Hand-over: a Standard Webhooks-signed POST of the manifest and an e-mail, each made once and recorded apart.

Every call makes one attempt and says by its error whether another could pass; retrying is the
saga step's job (see orchestration's tests), so these tests count the requests each call makes.
Loopback receivers are private addresses: the `loopback_webhooks` allowlist opens them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from werkzeug import Response

from delivery import services, webhooks
from delivery.domain import (
    WEBHOOK_FAILED,
    WEBHOOK_REFUSED,
    WEBHOOK_REJECTED,
    PackageStatus,
    WebhookFailed,
    WebhookRefused,
    WebhookRejected,
)
from delivery.tests.support import read_zip, rich_brief
from kernel.errors import PermanentStepError, TransientStepError


@pytest.fixture(autouse=True)
def _webhook_settings(settings, loopback_webhooks):
    settings.AICMO_WEBHOOK_TIMEOUT = 2.0
    settings.AICMO_PUBLIC_BASE_URL = "https://aicmo.agency.example"


@pytest.fixture
def notify(packages, endpoints):
    def _notify(package, brief):
        return services.package_notify_webhook(
            package_id=package.id, brief=brief, packages=packages, endpoints=endpoints
        )

    return _notify


def email(package, brief, packages):
    return services.package_send_email(package_id=package.id, brief=brief, packages=packages)


def _brief_with_webhook(url: str):
    brief = rich_brief()
    return dataclasses.replace(brief, delivery=dataclasses.replace(brief.delivery, webhook_url=url))


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _secret(url: str, endpoints) -> str:
    return services.webhook_endpoint_for_url(url=url, endpoints=endpoints).secret


def test_webhook_receives_the_manifest_signed_and_its_answer_is_recorded(
    build, packages, endpoints, notify, httpserver, mailoutbox
):
    """The receiver gets manifest.json's exact bytes, verifiable with the standardwebhooks library and the
    endpoint's own secret; the answer is recorded and the package counts as announced, though not yet
    delivered (that is the e-mail's record)."""
    # given
    httpserver.expect_request("/aicmo-hook", method="POST").respond_with_data("ok", status=202)
    url = httpserver.url_for("/aicmo-hook")
    brief, _inputs, package = build(_brief_with_webhook(url))
    # when
    posted = notify(package, brief)
    # then
    (request, _response), *_ = httpserver.log
    body = request.get_data()
    assert body == read_zip(package, packages)["manifest.json"]
    assert Webhook(_secret(url, endpoints)).verify(body, dict(request.headers)) == json.loads(body)
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-AICMO-Event"] == "package.delivered"
    assert request.headers["webhook-id"] == services.webhook_event_id(package.id)
    assert json.loads(body)["package_id"] == str(package.id)
    assert (posted.webhook_url, posted.webhook_status) == (url, 202)
    assert posted.status == PackageStatus.BUILT and posted.announced
    assert packages.get(package.id) == posted
    assert mailoutbox == []


def test_a_receiver_rejects_a_replay_older_than_five_minutes_and_a_forged_timestamp(
    build, endpoints, notify, httpserver
):
    """The timestamp is signed: the same delivery replayed six minutes later fails the verifier, and so does
    a fresh timestamp pasted onto the old signature."""
    # given
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    url = httpserver.url_for("/hook")
    brief, _inputs, package = build(_brief_with_webhook(url))
    notify(package, brief)
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


def test_every_event_has_its_own_id_and_every_endpoint_its_own_secret(build, endpoints, notify, httpserver):
    """Two packages' deliveries carry two ids (each the same on its retries); two endpoints, two secrets."""
    # given
    httpserver.expect_request("/a", method="POST").respond_with_data("ok")
    httpserver.expect_request("/b", method="POST").respond_with_data("ok")
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/a")))
    other_brief, _inputs, other = build(_brief_with_webhook(httpserver.url_for("/b")))
    # when
    notify(package, brief)
    notify(other, other_brief)
    # then
    ids = [request.headers["webhook-id"] for request, _response in httpserver.log]
    assert ids == [services.webhook_event_id(package.id), services.webhook_event_id(other.id)]
    assert len(set(ids)) == 2
    assert _secret(httpserver.url_for("/a"), endpoints) != _secret(httpserver.url_for("/b"), endpoints)


def test_email_carries_the_download_link_and_a_summary_and_delivers(build, packages, mailoutbox, settings):
    """The e-mail goes to the delivery address with the link, counts and version, under a Message-ID
    derived from the package; the package is then delivered."""
    # given
    brief, inputs, package = build()
    # when
    delivered = email(package, brief, packages)
    # then
    (message,) = mailoutbox
    assert message.to == [brief.delivery.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.extra_headers["Message-ID"] == services.delivery_message_id(package.id)
    assert str(package.id) in message.extra_headers["Message-ID"]
    assert f"https://aicmo.agency.example/api/v1/packages/{package.id}/download/" in message.body
    assert f"Strategy: version {inputs['strategy'].version}, approved by reviewer@agency.example" in message.body
    total = len(inputs["drafts"])
    assert f"Assets: {total} ({total} of {total} passed quality control)" in message.body
    assert "  - google_ads: 2" in message.body
    assert delivered.status == PackageStatus.DELIVERED
    assert delivered.notified_email == brief.delivery.email
    assert delivered.webhook_status is None and delivered.webhook_url == ""


def test_without_a_webhook_url_nothing_is_posted(build, notify, httpserver):
    brief, _inputs, package = build()
    assert notify(package, brief) == package
    assert httpserver.log == []


def test_an_unreachable_webhook_is_one_failed_attempt_worth_retrying(build, packages, notify, caplog):
    """A closed loopback port: the generic WebhookFailed (transient); the cause is in the operator log only."""
    # given
    url = f"http://127.0.0.1:{_closed_port()}/hook"
    brief, _inputs, package = build(_brief_with_webhook(url))
    # when
    with pytest.raises(WebhookFailed) as caught:
        notify(package, brief)
    # then
    assert isinstance(caught.value, TransientStepError)
    assert caught.value.message == WEBHOOK_FAILED
    [record] = [r for r in caplog.records if r.name == "delivery.webhooks"]
    assert url in record.getMessage() and "refused" in record.getMessage().lower()
    assert packages.get(package.id).webhook_status is None
    assert not packages.get(package.id).announced


def test_a_server_error_is_one_attempt_worth_retrying(build, notify, httpserver, endpoints):
    """A 503 is a single POST ending in WebhookFailed; calling again (the step's retry) delivers, with the
    same event id signed afresh."""
    # given
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_response(Response("busy", status=503))
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("ok", status=200)
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    with pytest.raises(WebhookFailed) as caught:
        notify(package, brief)
    posted = notify(package, brief)
    # then
    assert caught.value.message == WEBHOOK_FAILED
    assert [response.status_code for _request, response in httpserver.log] == [503, 200]
    first, second = (request for request, _response in httpserver.log)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert Webhook(_secret(httpserver.url_for("/hook"), endpoints)).verify(second.get_data(), dict(second.headers))
    assert posted.webhook_status == 200


@pytest.mark.parametrize("status", [404, 302, 308, 400, 401])
def test_a_redirect_or_client_error_is_final_after_one_post(build, notify, httpserver, caplog, status):
    """A 3xx (not followed) or a 4xx will not change: one POST, then the generic WebhookRejected, a
    permanent failure; the status is in the operator log, not in what the run shows."""
    # given
    httpserver.expect_request("/gone", method="POST").respond_with_response(
        Response("no", status=status, headers={"Location": httpserver.url_for("/elsewhere")})
    )
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/gone")))
    # when
    with pytest.raises(WebhookRejected) as caught:
        notify(package, brief)
    # then
    assert isinstance(caught.value, PermanentStepError)
    assert len(httpserver.log) == 1
    assert caught.value.message == WEBHOOK_REJECTED
    assert f"HTTP {status}" in caplog.text


def test_an_allowlist_narrows_targets_to_its_names_and_ranges(build, notify, httpserver, settings):
    """With names listed, a target on another host is refused and never called; a listed range is called."""
    # given
    settings.AICMO_WEBHOOK_ALLOWLIST = ["hooks.client.example", "*.partner.example"]
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    with pytest.raises(WebhookRefused) as caught:
        notify(package, brief)
    settings.AICMO_WEBHOOK_ALLOWLIST = ["hooks.client.example", "127.0.0.0/8", "::1"]
    posted = notify(package, brief)
    # then
    assert caught.value.message == WEBHOOK_REFUSED
    assert len(httpserver.log) == 1
    assert posted.webhook_status == 200


def test_each_effect_happens_once_however_often_it_is_asked_for(build, packages, notify, httpserver, mailoutbox):
    """A recorded webhook answer is not posted again, and a delivered package is not e-mailed again."""
    # given
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    for _ in range(2):
        notify(package, brief)
        email(package, brief, packages)
    # then
    assert len(httpserver.log) == 1
    assert len(mailoutbox) == 1
    assert packages.get(package.id).status == PackageStatus.DELIVERED


def test_a_package_the_client_was_told_about_is_never_discarded(build, packages, notify, httpserver, media_root):
    """Discarding (a compensation) keeps an announced package and its files; an unannounced one goes."""
    # given
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    brief, _inputs, announced = build(_brief_with_webhook(httpserver.url_for("/hook")))
    notify(announced, brief)
    _brief, _inputs, quiet = build()
    # when
    kept = services.package_discard(run_id=announced.run_id, packages=packages)
    gone = services.package_discard(run_id=quiet.run_id, packages=packages)
    # then
    assert (kept, gone) == (False, True)
    assert packages.get(announced.id) is not None and packages.get(quiet.id) is None
    assert read_zip(announced, packages)["manifest.json"]
