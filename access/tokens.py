"""API tokens (django-rest-knox): stored as a hash, expiring, the token itself shown once by whoever
issues it (the `issue_token` command, the users admin, POST /api/v1/auth/token/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from knox.models import AuthToken
from knox.settings import knox_settings


@dataclass(frozen=True)
class IssuedToken:
    token: str  # the only time it exists in clear: give it to the user now
    expiry: dt.datetime
    username: str


def token_issue(*, user: AbstractBaseUser, ttl: dt.timedelta | None = None) -> IssuedToken:
    """A new token for `user`, valid for `ttl` (REST_KNOX's TOKEN_TTL by default); never without expiry."""
    lifetime = ttl if ttl is not None else knox_settings.TOKEN_TTL
    if lifetime is None or lifetime <= dt.timedelta(0):
        raise ValueError("an API token needs a positive lifetime")
    instance, token = AuthToken.objects.create(user=user, expiry=lifetime)
    return IssuedToken(token=token, expiry=instance.expiry, username=user.get_username())
