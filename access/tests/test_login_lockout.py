"""Wrong passwords lock the account, in the admin and on the API alike (django-axes, counted in the
database, so every process sees the same count): ten are allowed, the eleventh locks."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from access.api.views import WRONG_CREDENTIALS
from access.lockout import LOCKED_OUT_CODE

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def account() -> User:
    return User.objects.create_user("ada", password=PASSWORD, is_staff=True, is_superuser=True)


def _admin_login(client, password: str):
    return client.post(reverse("admin:login"), {"username": "ada", "password": password, "next": "/admin/"})


def _api_login(client, password: str):
    return client.post(TOKEN_URL, {"username": "ada", "password": password}, format="json")


def test_ten_wrong_passwords_in_the_admin_still_let_the_right_one_in(client, account, settings):
    """The allowance: ten failures answer the login form again, and the right password then works."""
    # when
    failures = [_admin_login(client, f"wrong-{i}").status_code for i in range(settings.LOGIN_FAILURES_ALLOWED)]
    success = _admin_login(client, PASSWORD)
    # then
    assert failures == [200] * 10
    assert success.status_code == 302 and success["Location"] == "/admin/"


def test_the_eleventh_wrong_password_locks_the_admin_account(client, account):
    """The eleventh wrong password answers 429, and from then on the right password is refused too."""
    # when
    failures = [_admin_login(client, f"wrong-{i}").status_code for i in range(10)]
    eleventh = _admin_login(client, "wrong-10")
    right = _admin_login(client, PASSWORD)
    # then
    assert failures == [200] * 10
    assert eleventh.status_code == 429
    assert right.status_code == 429
    assert "locked" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_eleventh_wrong_password_locks_the_api_login_too(account):
    """The token endpoint counts the same failures: 401 ten times, then 429 in the error body, no token."""
    # given
    api = APIClient()
    # when
    failures = [_api_login(api, f"wrong-{i}") for i in range(10)]
    eleventh = _api_login(api, "wrong-10")
    right = _api_login(api, PASSWORD)
    # then
    assert [r.status_code for r in failures] == [401] * 10
    assert failures[0].json()["error"] == {"code": "authentication_failed", "message": WRONG_CREDENTIALS}
    for locked in (eleventh, right):
        assert locked.status_code == 429
        assert locked.json()["error"]["code"] == LOCKED_OUT_CODE
        assert int(locked["Retry-After"]) == 3600
    assert AuthToken.objects.count() == 0


def test_failures_in_the_admin_and_on_the_api_add_up(client, account):
    """One count per account: six wrong in the admin and five on the API lock it everywhere."""
    # given
    api = APIClient()
    # when
    for i in range(6):
        _admin_login(client, f"wrong-{i}")
    api_statuses = [_api_login(api, f"wrong-api-{i}").status_code for i in range(5)]
    # then
    assert api_statuses == [401, 401, 401, 401, 429]
    assert _admin_login(client, PASSWORD).status_code == 429


def test_a_success_resets_the_count(client, account):
    """Failures are counted in a row: a successful login starts the count again."""
    # given
    for i in range(10):
        _admin_login(client, f"wrong-{i}")
    _admin_login(client, PASSWORD)
    client.logout()
    # when
    statuses = [_admin_login(client, f"again-{i}").status_code for i in range(10)]
    # then
    assert statuses == [200] * 10
