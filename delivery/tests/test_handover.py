"""Hand-over: a signed webhook POST of the manifest and an e-mail, each made once and recorded apart.

Every call makes one attempt and says by its error whether another could pass; retrying is the
saga step's job (see orchestration's tests), so these tests count the requests each call makes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import socket

import pytest
from werkzeug import Response

from delivery import services
from delivery.domain import WEBHOOK_REJECTED, PackageStatus, WebhookFailed, WebhookRefused, WebhookRejected
from delivery.tests.support import read_zip, rich_brief
from kernel.errors import PermanentStepError, TransientStepError

SECRET = "s3cret-shared-with-the-client"


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.AICMO_WEBHOOK_SECRET = SECRET
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


def notify(package, brief, packages):
    return services.package_notify_webhook(package_id=package.id, brief=brief, packages=packages)


def email(package, brief, packages):
    return services.package_send_email(package_id=package.id, brief=brief, packages=packages)


def test_webhook_receives_the_manifest_signed_and_its_answer_is_recorded(build, packages, httpserver, mailoutbox):
    """The receiver gets manifest.json's exact bytes with a verifiable HMAC; the answer is recorded and
    the package counts as announced, though not yet delivered (that is the e-mail's record)."""
    # given
    httpserver.expect_request("/aicmo-hook", method="POST").respond_with_data("ok", status=202)
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/aicmo-hook")))
    # when
    posted = notify(package, brief, packages)
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
    assert (posted.webhook_url, posted.webhook_status) == (httpserver.url_for("/aicmo-hook"), 202)
    assert posted.status == PackageStatus.BUILT and posted.announced
    assert packages.get(package.id) == posted
    assert mailoutbox == []


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


def test_without_a_webhook_url_nothing_is_posted(build, packages, httpserver):
    brief, _inputs, package = build()
    assert notify(package, brief, packages) == package
    assert httpserver.log == []


def test_an_unreachable_webhook_is_one_failed_attempt_worth_retrying(build, packages):
    """A closed loopback port: WebhookFailed (transient) naming the URL and 'connection refused'; nothing recorded."""
    # given
    url = f"http://127.0.0.1:{_closed_port()}/hook"
    brief, _inputs, package = build(_brief_with_webhook(url))
    # when
    with pytest.raises(WebhookFailed) as caught:
        notify(package, brief, packages)
    # then
    assert isinstance(caught.value, TransientStepError)
    assert url in caught.value.message
    assert "connection refused" in caught.value.message.lower()
    assert packages.get(package.id).webhook_status is None
    assert not packages.get(package.id).announced


def test_a_server_error_is_one_attempt_worth_retrying(build, packages, httpserver):
    """A 503 is a single POST ending in WebhookFailed; calling again (the step's retry) delivers."""
    # given
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_response(Response("busy", status=503))
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("ok", status=200)
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    with pytest.raises(WebhookFailed) as caught:
        notify(package, brief, packages)
    posted = notify(package, brief, packages)
    # then
    assert "HTTP 503" in caught.value.message
    assert [response.status_code for _request, response in httpserver.log] == [503, 200]
    assert posted.webhook_status == 200


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "NOT FOUND"), (302, "FOUND"), (308, "PERMANENT REDIRECT"), (400, "BAD REQUEST")]
)
def test_a_redirect_or_client_error_is_final_after_one_post(build, packages, httpserver, status, reason):
    """A 3xx (not followed) or a 4xx will not change: one POST, then WebhookRejected, a permanent failure."""
    # given
    httpserver.expect_request("/gone", method="POST").respond_with_response(
        Response("no", status=status, headers={"Location": httpserver.url_for("/elsewhere")})
    )
    url = httpserver.url_for("/gone")
    brief, _inputs, package = build(_brief_with_webhook(url))
    # when
    with pytest.raises(WebhookRejected) as caught:
        notify(package, brief, packages)
    # then
    assert isinstance(caught.value, PermanentStepError)
    assert len(httpserver.log) == 1
    assert caught.value.message == WEBHOOK_REJECTED.format(url=url, cause=f"HTTP {status} {reason}")


def test_host_outside_the_allowlist_is_refused_before_any_request(build, packages, httpserver, settings):
    """With an allowlist set, a webhook on another host is refused and never called; an allowed host is."""
    # given
    settings.AICMO_WEBHOOK_ALLOWLIST = ["hooks.client.example", "*.partner.example"]
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    with pytest.raises(WebhookRefused) as caught:
        notify(package, brief, packages)
    settings.AICMO_WEBHOOK_ALLOWLIST = ["hooks.client.example", httpserver.host]
    posted = notify(package, brief, packages)
    # then
    assert "not in AICMO_WEBHOOK_ALLOWLIST" in caught.value.message
    assert len(httpserver.log) == 1
    assert posted.webhook_status == 200


def test_each_effect_happens_once_however_often_it_is_asked_for(build, packages, httpserver, mailoutbox):
    """A recorded webhook answer is not posted again, and a delivered package is not e-mailed again."""
    # given
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    brief, _inputs, package = build(_brief_with_webhook(httpserver.url_for("/hook")))
    # when
    for _ in range(2):
        notify(package, brief, packages)
        email(package, brief, packages)
    # then
    assert len(httpserver.log) == 1
    assert len(mailoutbox) == 1
    assert packages.get(package.id).status == PackageStatus.DELIVERED


def test_a_package_the_client_was_told_about_is_never_discarded(build, packages, httpserver, media_root):
    """Discarding (a compensation) keeps an announced package and its files; an unannounced one goes."""
    # given
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    brief, _inputs, announced = build(_brief_with_webhook(httpserver.url_for("/hook")))
    notify(announced, brief, packages)
    _brief, _inputs, quiet = build()
    # when
    kept = services.package_discard(run_id=announced.run_id, packages=packages)
    gone = services.package_discard(run_id=quiet.run_id, packages=packages)
    # then
    assert (kept, gone) == (False, True)
    assert packages.get(announced.id) is not None and packages.get(quiet.id) is None
    assert read_zip(announced, packages)["manifest.json"]
