"""`manage.py rotate_webhook_keys`: re-encrypt every webhook secret under the first AICMO_WEBHOOK_SECRETS_KEYS key.

Rotation: put the new key first (keep the old ones after it), run this, then drop the old keys.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from delivery import secret_box
from delivery.models import WebhookEndpointRecord


class Command(BaseCommand):
    help = "Re-encrypt every webhook signing secret under the newest key of AICMO_WEBHOOK_SECRETS_KEYS."

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for record in WebhookEndpointRecord.objects.select_for_update().order_by("id"):
                record.secret_encrypted = secret_box.reencrypt(record.secret_encrypted)
                record.save(update_fields=["secret_encrypted"])
                count += 1
        self.stdout.write(f"Re-encrypted {count} webhook secret(s) under the newest key.")
