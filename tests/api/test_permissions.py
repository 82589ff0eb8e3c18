"""Permissions on every operation: generated from the URL conf, so a new endpoint cannot be missed.

Reads need the model's view permission, writes their dedicated permission (the same ones the admin
checks, kernel.permissions); the role presets (access' data migration) grant them by group.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from kernel import permissions
from kernel.api import MISSING_PERMISSION
from onboarding.models import BriefRecord
from orchestration.models import RunRecord
from tests.api.conftest import BRIEFS, READ_EVERYTHING, RUNS, example_intake, make_user, submit, token_client
from tests.api.endpoints import PUBLIC, operations, view_class

PROTECTED = [op for op in operations() if op not in PUBLIC]
EVERY_PERMISSION = sorted(getattr(permissions, name) for name in dir(permissions) if name.isupper())


def _call(client, method: str, path: str):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, {"notes": "x"}, format="json")


def _assert_refused(response, *, missing: str | None = None) -> None:
    assert response.status_code == 403, (response.status_code, response.content)
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    if missing:
        assert missing in error["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_a_user_without_permissions_gets_403_on_every_operation(method, path):
    """Signed in but granted nothing: every read and every write is a 403, and nothing is stored."""
    # given
    nobody = token_client(make_user("nobody"))
    # when
    response = _call(nobody, method, path)
    # then
    _assert_refused(response)
    assert (BriefRecord.objects.count(), RunRecord.objects.count()) == (0, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_permission_but_the_operations_own_is_not_enough(method, path):
    """Holding every other permission does not open an operation: each needs exactly what it names."""
    # given
    required = view_class(method, path).required_permissions
    assert required, f"{method.upper()} {path} names no permission"
    client = token_client(make_user("almost", *(p for p in EVERY_PERMISSION if p not in required)))
    # when
    response = _call(client, method, path)
    # then
    _assert_refused(response, missing=required[0])


@pytest.mark.django_db
def test_every_named_permission_exists():
    """A typo in a permission name would refuse everyone: each one is a real permission."""
    # given
    named = {perm for method, path in operations() for perm in view_class(method, path).required_permissions}
    named |= set(EVERY_PERMISSION)
    # then
    for perm in sorted(named):
        app_label, codename = perm.split(".")
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), perm


def test_a_user_who_may_read_but_not_submit_gets_a_403_naming_the_permission(db):
    """Reading briefs does not let a user submit one."""
    # given
    reader = token_client(make_user("reader", *READ_EVERYTHING))
    # when
    listed = reader.get(BRIEFS)
    submitted = reader.post(BRIEFS, data=example_intake("local-bakery"), content_type="application/json")
    # then
    assert listed.status_code == 200
    _assert_refused(submitted, missing=permissions.SUBMIT_BRIEF)
    assert submitted.json()["error"]["message"] == MISSING_PERMISSION.format(permissions=permissions.SUBMIT_BRIEF)
    assert BriefRecord.objects.count() == 0


def test_two_users_may_use_the_same_idempotency_key(api, brief, start_run, db):
    """Keys are scoped per user: another user's identical key starts their own run, not a 409."""
    # given
    other = token_client(make_user("other-operator", *READ_EVERYTHING, permissions.START_RUN))
    # when
    first = start_run(brief["id"], key="order-42")
    second = start_run(brief["id"], key="order-42", client=other)
    again = start_run(brief["id"], key="order-42", client=other)
    # then
    assert (first.status_code, second.status_code, again.status_code) == (202, 202, 200)
    assert first.json()["id"] != second.json()["id"] == again.json()["id"]
    assert api.get(RUNS, {"brief_id": brief["id"]}).json()["count"] == 2


def _member(role: str) -> User:
    user = User.objects.create_user(role.lower().replace(" ", "-"))
    user.groups.add(Group.objects.get(name=role))
    return User.objects.get(pk=user.pk)


def test_the_role_presets_grant_what_each_role_does(db):
    """Viewer reads only; Reviewer also decides on strategies; Strategist starts and resumes runs;
    Account manager submits briefs and operates runs. The groups come from a data migration."""
    # given
    perms = {role: _member(role) for role in ("Viewer", "Reviewer", "Strategist", "Account manager")}
    # then
    for user in perms.values():
        assert all(user.has_perm(p) for p in READ_EVERYTHING), user
    assert not any(perms["Viewer"].has_perm(p) for p in EVERY_PERMISSION if p not in READ_EVERYTHING)
    assert perms["Reviewer"].has_perm(permissions.APPROVE_STRATEGY)
    assert not perms["Reviewer"].has_perm(permissions.START_RUN)
    assert perms["Strategist"].has_perms([permissions.START_RUN, permissions.RESUME_RUN])
    assert not perms["Strategist"].has_perm(permissions.APPROVE_STRATEGY)
    assert perms["Account manager"].has_perms(
        [
            permissions.SUBMIT_BRIEF,
            permissions.START_RUN,
            permissions.RESUME_RUN,
            permissions.CANCEL_RUN,
            permissions.RETRY_RUN,
        ]
    )
    assert not perms["Account manager"].has_perm(permissions.APPROVE_STRATEGY)


def test_a_viewer_reads_the_api_and_cannot_write_it(db):
    """A member of the Viewer group lists briefs (200) and is refused a submission (403)."""
    # given
    viewer = token_client(_member("Viewer"))
    # when
    listed = viewer.get(BRIEFS)
    submitted = viewer.post(BRIEFS, data=example_intake("local-bakery"), content_type="application/json")
    # then
    assert listed.status_code == 200
    _assert_refused(submitted, missing=permissions.SUBMIT_BRIEF)


def test_an_account_manager_submits_and_starts_through_the_api(db, django_capture_on_commit_callbacks):
    """The Account manager preset is enough to submit a brief and start its run."""
    # given
    manager = token_client(_member("Account manager"))
    # when
    brief = submit(manager, example_intake("local-bakery"))
    with django_capture_on_commit_callbacks(execute=True):
        started = manager.post(RUNS, {"brief_id": brief["id"]}, format="json")
    # then
    assert started.status_code == 202, started.content
