"""Webhook signing secrets encrypted at rest (Fernet, keys from AICMO_WEBHOOK_SECRETS_KEYS).

A secret must be readable to sign with, so it is encrypted, not hashed. Each configured key is any
long random string (a Fernet key is derived from it); the first encrypts, all decrypt, so keys rotate
by putting a new one first and re-encrypting (`manage.py rotate_webhook_keys`).
"""

from __future__ import annotations

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretUnreadable(Exception):
    """No configured key decrypts the stored secret (a key was removed too early)."""


@functools.lru_cache(maxsize=4)
def _box(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(base64.urlsafe_b64encode(hashlib.sha256(k.encode("utf-8")).digest())) for k in keys])


def _current() -> MultiFernet:
    return _box(tuple(settings.AICMO_WEBHOOK_SECRETS_KEYS))


def encrypt(secret: str) -> str:
    return _current().encrypt(secret.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise SecretUnreadable("no key in AICMO_WEBHOOK_SECRETS_KEYS decrypts this webhook secret") from exc


def reencrypt(token: str) -> str:
    """The same secret under the first (newest) key."""
    return _current().rotate(token.encode("ascii")).decode("ascii")
