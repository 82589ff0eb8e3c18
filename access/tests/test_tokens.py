"""API tokens: exchanged for a password, issued by a command or an admin action; stored as a hash only,
expiring, and shown once."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission, User
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from kernel.permissions import VIEW_BRIEF

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
BRIEFS = "/api/v1/briefs/"


@pytest.fixture
def reader() -> User:
    user = User.objects.create_user("reader", password=PASSWORD)
    app_label, codename = VIEW_BRIEF.split(".")
    user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def _reads_briefs(token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get(BRIEFS).status_code


def _stored_nowhere_in_clear(token: str) -> bool:
    rows = list(AuthToken.objects.values_list("digest", "token_key"))
    return all(token not in digest and token != key for digest, key in rows)


def test_a_password_gets_a_token_that_works_expires_and_is_kept_only_as_a_hash(reader, settings):
    """POST /auth/token/ answers 201 with the token and its expiry; only a digest is stored."""
    # given
    api = APIClient()
    # when
    response = api.post("/api/v1/auth/token/", {"username": "reader", "password": PASSWORD}, format="json")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == "reader"
    assert body["token"].startswith("aicmo_")
    expiry = dt.datetime.fromisoformat(body["expiry"].replace("Z", "+00:00"))
    ttl = settings.REST_KNOX["TOKEN_TTL"]
    assert abs(expiry - (timezone.now() + ttl)) < dt.timedelta(minutes=1)
    assert _stored_nowhere_in_clear(body["token"])
    assert _reads_briefs(body["token"]) == 200


def test_an_expired_token_is_refused(reader):
    """Once its expiry has passed, the token is a 401 like any wrong one."""
    # given
    from access.tokens import token_issue

    issued = token_issue(user=reader)
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))
    # then
    assert _reads_briefs(issued.token) == 401


def test_the_command_prints_a_working_token_once(reader):
    """`issue_token reader --hours 2` prints the token on stdout (and the expiry on stderr)."""
    # given
    out, err = io.StringIO(), io.StringIO()
    # when
    call_command("issue_token", "reader", "--hours", "2", stdout=out, stderr=err)
    # then
    token = out.getvalue().strip()
    assert _reads_briefs(token) == 200
    assert "shown only now" in err.getvalue()
    [stored] = AuthToken.objects.all()
    assert abs(stored.expiry - (timezone.now() + dt.timedelta(hours=2))) < dt.timedelta(minutes=1)
    assert _stored_nowhere_in_clear(token)


def test_the_command_refuses_unknown_and_inactive_users(reader):
    reader.is_active = False
    reader.save()
    with pytest.raises(CommandError, match="inactive"):
        call_command("issue_token", "reader")
    with pytest.raises(CommandError, match="No user"):
        call_command("issue_token", "nobody")
    assert AuthToken.objects.count() == 0


def test_the_users_admin_issues_a_token_shown_on_the_answer_page_only(admin_client, reader):
    """The action answers a page with the token; the token list shows its key prefix, never the token."""
    # when
    page = admin_client.post(
        reverse("admin:auth_user_changelist"), {"action": "issue_api_token", "_selected_action": [str(reader.pk)]}
    )
    listing = admin_client.get(reverse("admin:knox_authtoken_changelist"))
    # then
    assert page.status_code == 200
    [token] = [t for t in page.content.decode().split('class="aicmo-token">')[1:2]]
    token = token.split("<", 1)[0]
    assert _reads_briefs(token) == 200
    assert token not in listing.content.decode()
    assert admin_client.get(reverse("admin:knox_authtoken_add")).status_code == 403


def test_issuing_tokens_in_the_admin_needs_the_permission(client, reader):
    """A staff user who may view users but not add tokens does not get the action."""
    # given
    staff = User.objects.create_user("staff", password=PASSWORD, is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_user"))
    client.force_login(staff)
    # when
    page = client.get(reverse("admin:auth_user_changelist"))
    issued = client.post(
        reverse("admin:auth_user_changelist"), {"action": "issue_api_token", "_selected_action": [str(reader.pk)]}
    )
    # then
    assert "issue_api_token" not in page.content.decode()
    assert issued.status_code in (200, 302)
    assert AuthToken.objects.count() == 0
