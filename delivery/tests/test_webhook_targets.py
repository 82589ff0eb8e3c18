"""Webhook targets: private and special addresses are refused by default, before anything is sent; only
an allowlisted address range opens one; the request goes to the address that was checked."""

from __future__ import annotations

import ipaddress

import pytest

from delivery import webhooks
from delivery.domain import WEBHOOK_REFUSED, WebhookRefused

BODY = b'{"package_id": "p"}'


@pytest.fixture
def receiver(httpserver):
    """A loopback receiver; every test asserts it got nothing it should not have."""
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    return httpserver


def _deliver(url: str, allowlist=()):
    return webhooks.deliver(
        url=url,
        body=BODY,
        event_id="msg_test",
        event_type="package.delivered",
        secret="whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        timeout=2.0,
        allowlist=list(allowlist),
    )


# Each form the security pass used, and the other special ranges. The loopback ones point at a live
# receiver, so a refusal is the only reason nothing arrives; the others are never connected to.
LOOPBACK_FORMS = [
    "http://localhost:{port}/latest/meta-data/iam/security-credentials/",
    "http://127.0.0.1:{port}/hook",
    "http://0.0.0.0:{port}/hook",
    "http://[::ffff:127.0.0.1]:{port}/hook",
    "http://[::1]:{port}/hook",
    "http://user:pass@127.0.0.1:{port}/hook",
    "http://2130706433:{port}/hook",  # 127.0.0.1 written as one number
]
NEVER_CONNECTED = [
    "http://169.254.169.254/latest/meta-data/",  # link-local: cloud metadata
    "http://[fe80::1]/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.1/hook",
    "http://192.168.1.1/hook",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://[fc00::1]/hook",  # unique local
    "http://224.0.0.1/hook",  # multicast
    "http://[ff02::1]/hook",
    "http://240.0.0.1/hook",  # reserved
    "http://[::]/hook",  # unspecified
    "http://[2002:7f00:1::]/hook",  # 6to4 wrapping 127.0.0.1
    "ftp://hooks.client.example/hook",
    "/relative/hook",
]


@pytest.mark.parametrize("form", LOOPBACK_FORMS)
def test_loopback_in_every_spelling_is_refused_by_default(receiver, form):
    """With no allowlist, no spelling of this machine reaches the receiver; the error says nothing more."""
    # when
    with pytest.raises(WebhookRefused) as caught:
        _deliver(form.format(port=receiver.port))
    # then
    assert caught.value.message == WEBHOOK_REFUSED
    assert receiver.log == []


@pytest.mark.parametrize("url", NEVER_CONNECTED)
def test_private_link_local_multicast_reserved_and_odd_targets_are_refused(url, caplog):
    """Refused before any connection, with the generic message; the reason goes to the operator log."""
    # when
    with pytest.raises(WebhookRefused) as caught:
        _deliver(url)
    # then
    assert caught.value.message == WEBHOOK_REFUSED
    assert "webhook refused" in caplog.text


def test_an_allowlisted_loopback_range_is_called(receiver):
    """The allowlist's address ranges are the only way to open a private target."""
    # when
    status = _deliver(receiver.url_for("/hook"), allowlist=["127.0.0.0/8", "::1"])
    # then
    assert status == 200
    assert len(receiver.log) == 1


def test_credentials_in_the_url_are_refused_even_when_the_address_is_allowed(receiver):
    """user:pass@ never leaves the machine, allowlisted or not."""
    # when
    with pytest.raises(WebhookRefused):
        _deliver(f"http://user:pass@127.0.0.1:{receiver.port}/hook", allowlist=["127.0.0.0/8"])
    # then
    assert receiver.log == []


def test_a_listed_name_does_not_open_the_private_address_it_resolves_to(receiver):
    """A host name in the allowlist cannot be pointed (or rebound) at an internal address: names only
    narrow public targets, ranges open private ones."""
    # when
    with pytest.raises(WebhookRefused):
        _deliver(f"http://localhost:{receiver.port}/hook", allowlist=["localhost"])
    # then
    assert receiver.log == []


def test_the_request_goes_to_the_checked_address_with_the_name_as_host(receiver):
    """Resolved once, connected to that address: the receiver sees the name the URL gave in Host."""
    # given
    target = webhooks.resolve_target(f"http://localhost:{receiver.port}/hook", ["127.0.0.0/8", "::1"])
    # when
    _deliver(f"http://localhost:{receiver.port}/hook", allowlist=["127.0.0.0/8", "::1"])
    # then
    (request, _response), *_ = receiver.log
    assert request.headers["Host"] == f"localhost:{receiver.port}"
    assert target.address.is_loopback


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("::ffff:93.184.215.14", True),
        ("::ffff:10.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("64:ff9b:1::a00:1", False),
        ("198.18.0.1", False),
        ("0.0.0.0", False),
    ],
)
def test_which_addresses_count_as_public(address, public):
    """The policy in one table: globally reachable unicast only, looking through IPv4-mapped forms."""
    assert webhooks.is_public(ipaddress.ip_address(address)) is public
