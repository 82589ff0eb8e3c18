"""`manage.py issue_token <user>`: a new API token for a user, printed once (only its hash is kept)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from access.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user. It is printed once and expires (API_TOKEN_TTL_HOURS by default)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=None, help="lifetime in hours (default: API_TOKEN_TTL_HOURS)")

    def handle(self, *args, username: str, hours: int | None, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user is called {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"User {username!r} is inactive.")
        if hours is not None and hours < 1:
            raise CommandError("--hours must be at least 1.")
        issued = token_issue(user=user, ttl=dt.timedelta(hours=hours) if hours is not None else None)
        self.stdout.write(issued.token)
        self.stderr.write(
            f"API token for {issued.username}, valid until {issued.expiry:%Y-%m-%d %H:%M} UTC. "
            "It is shown only now: store it in the client's secret store."
        )
