"""Webhook endpoints: one secret per URL, made at first use; the same behaviour in both repositories;
encrypted at rest; shown once to an operator and rotatable from the admin."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.urls import reverse
from standardwebhooks.webhooks import Webhook

from delivery import secret_box, services
from delivery.domain import SecretAlreadyShown, WebhookEndpoint
from delivery.models import WebhookEndpointRecord
from kernel.errors import DuplicateError

URL = "https://hooks.client.example/aicmo"
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def _endpoint(url: str = URL, **overrides) -> WebhookEndpoint:
    values = {"id": uuid.uuid4(), "url": url, "secret": "whsec_c2VjcmV0", "created_at": NOW, "secret_created_at": NOW}
    return WebhookEndpoint(**{**values, **overrides})


# --- the repository contract (once per persistence mode) ---------------------------------------------


def test_an_endpoint_round_trips_and_is_found_by_url(endpoints):
    """What is created comes back equal, by id and by URL."""
    # given
    endpoint = _endpoint()
    # when
    stored = endpoints.create(endpoint)
    # then
    assert stored == endpoint
    assert endpoints.get(endpoint.id) == endpoint
    assert endpoints.get_for_url(URL) == endpoint
    assert endpoints.get_for_url(URL + "/other") is None


def test_a_url_has_one_endpoint(endpoints):
    """Creating a second endpoint for the same URL is a DuplicateError; the first stays."""
    # given
    first = endpoints.create(_endpoint())
    # when / then
    with pytest.raises(DuplicateError):
        endpoints.create(_endpoint())
    assert endpoints.list() == [first]


def test_save_replaces_and_reports_a_missing_endpoint(endpoints):
    """save() updates the stored endpoint; an unknown one gives None and stores nothing."""
    # given
    endpoint = endpoints.create(_endpoint())
    # when
    saved = endpoints.save(dataclasses.replace(endpoint, secret="whsec_bmV3", secret_revealed_at=NOW))
    missing = endpoints.save(_endpoint("https://elsewhere.example/hook"))
    # then
    assert saved.secret == "whsec_bmV3" and saved.secret_revealed
    assert missing is None
    assert len(endpoints.list()) == 1


def test_endpoints_are_listed_newest_first(endpoints):
    # given
    old = endpoints.create(_endpoint("https://a.example/h", created_at=NOW))
    new = endpoints.create(_endpoint("https://b.example/h", created_at=NOW + dt.timedelta(days=1)))
    # then
    assert endpoints.list() == [new, old]


# --- the services ---------------------------------------------------------------------------------------


def test_first_use_makes_a_signing_secret_and_later_uses_keep_it(endpoints):
    """A Standard Webhooks secret (whsec_, 32 random bytes) is made once per URL."""
    # when
    first = services.webhook_endpoint_for_url(url=URL, endpoints=endpoints)
    again = services.webhook_endpoint_for_url(url=URL, endpoints=endpoints)
    other = services.webhook_endpoint_for_url(url=URL + "/2", endpoints=endpoints)
    # then
    assert first == again
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", first.secret)
    assert Webhook(first.secret)  # the library accepts it
    assert other.secret != first.secret


def test_the_secret_is_shown_once_and_rotation_shows_a_new_one(endpoints):
    """Revealing marks the secret shown; a second reveal is refused; rotating gives and shows a new secret."""
    # given
    endpoint = services.webhook_endpoint_for_url(url=URL, endpoints=endpoints)
    # when
    shown = services.webhook_secret_reveal(endpoint_id=endpoint.id, endpoints=endpoints)
    with pytest.raises(SecretAlreadyShown):
        services.webhook_secret_reveal(endpoint_id=endpoint.id, endpoints=endpoints)
    rotated = services.webhook_secret_rotate(endpoint_id=endpoint.id, endpoints=endpoints)
    # then
    assert shown == endpoint.secret
    assert rotated != shown
    assert services.webhook_endpoint_for_url(url=URL, endpoints=endpoints).secret == rotated


# --- at rest ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_secrets_are_encrypted_at_rest_and_keys_rotate(settings):
    """The row holds no trace of the secret; after a new key is put first, the old one still decrypts, and
    `rotate_webhook_keys` moves every secret to the new key so the old one can go."""
    # given
    from config import registry

    endpoints = registry.repository("delivery.webhook_endpoints")
    secret = services.webhook_endpoint_for_url(url=URL, endpoints=endpoints).secret
    stored = WebhookEndpointRecord.objects.get().secret_encrypted
    old_key = settings.AICMO_WEBHOOK_SECRETS_KEYS[0]
    # when
    settings.AICMO_WEBHOOK_SECRETS_KEYS = ["a-new-long-random-key-for-this-test", old_key]
    readable_during_rotation = endpoints.get_for_url(URL).secret
    call_command("rotate_webhook_keys", stdout=None)
    settings.AICMO_WEBHOOK_SECRETS_KEYS = ["a-new-long-random-key-for-this-test"]
    # then
    assert secret not in stored and secret.removeprefix("whsec_") not in stored
    assert readable_during_rotation == secret
    assert endpoints.get_for_url(URL).secret == secret
    settings.AICMO_WEBHOOK_SECRETS_KEYS = [old_key]
    with pytest.raises(secret_box.SecretUnreadable):
        endpoints.get_for_url(URL)


# --- the admin -------------------------------------------------------------------------------------------


def _operator(*perms: str) -> User:
    user = User.objects.create_user("ops", password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=perms))
    return user


@pytest.mark.django_db
def test_an_operator_registers_an_endpoint_and_sees_its_secret_once(client):
    """Registering shows the secret on the answer page (not stored in messages); showing it again is refused."""
    # given
    client.force_login(_operator("view_webhookendpointrecord", "manage_webhook_secrets"))
    # when
    page = client.post(reverse("admin:delivery_webhookendpointrecord_add"), {"url": URL})
    record = WebhookEndpointRecord.objects.get()
    again = client.post(
        reverse("admin:delivery_webhookendpointrecord_changelist"),
        {"action": "reveal_secret", "_selected_action": [str(record.id)]},
        follow=True,
    )
    # then
    secret = record.to_domain().secret
    assert page.status_code == 200 and secret in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert secret not in again.content.decode()
    assert "already shown" in again.content.decode()


@pytest.mark.django_db
def test_rotating_from_the_admin_shows_the_new_secret(client):
    """The rotate action answers a page with the new secret, which signs from now on."""
    # given
    from config import registry

    endpoints = registry.repository("delivery.webhook_endpoints")
    endpoint = services.webhook_endpoint_for_url(url=URL, endpoints=endpoints)
    client.force_login(_operator("view_webhookendpointrecord", "manage_webhook_secrets"))
    # when
    page = client.post(
        reverse("admin:delivery_webhookendpointrecord_changelist"),
        {"action": "rotate_secret", "_selected_action": [str(endpoint.id)]},
    )
    # then
    new = endpoints.get(endpoint.id).secret
    assert new != endpoint.secret
    assert new in page.content.decode() and endpoint.secret not in page.content.decode()


@pytest.mark.django_db
def test_without_the_secrets_permission_nothing_is_shown(client):
    """Viewing endpoints does not show secrets: no actions, no add page."""
    # given
    client.force_login(_operator("view_webhookendpointrecord"))
    # when
    listing = client.get(reverse("admin:delivery_webhookendpointrecord_changelist"))
    add = client.get(reverse("admin:delivery_webhookendpointrecord_add"))
    # then
    assert listing.status_code == 200
    assert "reveal_secret" not in listing.content.decode()
    assert add.status_code == 403
