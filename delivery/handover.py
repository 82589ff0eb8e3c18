"""Handover to the client: a signed webhook POST of the manifest, and an e-mail with the download link.

Each function makes one attempt and says by the error it raises whether another could pass
(`WebhookFailed`, `EmailFailed`: transient) or not (`WebhookRefused`, `WebhookRejected`): retrying
is the saga step's job (its retry policy), so nothing here loops and attempts never multiply.
`post_webhook` is the one place a webhook POST is made.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import smtplib
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.core.mail import EmailMessage

from delivery.domain import (
    EMAIL_FAILED,
    WEBHOOK_FAILED,
    WEBHOOK_REFUSED,
    WEBHOOK_REJECTED,
    EmailFailed,
    WebhookFailed,
    WebhookRefused,
    WebhookRejected,
)

WEBHOOK_EVENT = "package.delivered"
SIGNATURE_HEADER = "X-AICMO-Signature"
EVENT_HEADER = "X-AICMO-Event"
DELIVERY_HEADER = "X-AICMO-Delivery"
# Statuses worth another try; other non-2xx answers (400, 404, a redirect...) will not change.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def webhook_signature(body: bytes, secret: str) -> str:
    """`sha256=<hex HMAC-SHA256 of the exact body>`, what the receiver recomputes to trust the call."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _host_allowed(host: str, allowlist: Sequence[str]) -> bool:
    for entry in (e.strip().lower() for e in allowlist):
        if not entry:
            continue
        if entry.startswith(("*.", ".")):
            domain = entry.lstrip("*.")
            if host == domain or host.endswith("." + domain):
                return True
        elif host == entry:
            return True
    return False


def check_webhook_target(url: str, allowlist: Sequence[str]) -> None:
    """Refuse non-HTTP targets, and hosts outside a non-empty allowlist ("host" or "*.domain")."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise WebhookRefused(WEBHOOK_REFUSED.format(url=url, reason="only absolute http(s) URLs are called"))
    if any(e.strip() for e in allowlist) and not _host_allowed(host, allowlist):
        raise WebhookRefused(WEBHOOK_REFUSED.format(url=url, reason=f"host {host!r} is not in AICMO_WEBHOOK_ALLOWLIST"))


def _describe(exc: httpx.TransportError, timeout: float) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout:g}s"
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)).strip()
    if not text:
        return type(exc).__name__
    return text[0].lower() + text[1:]


def post_webhook(
    *,
    url: str,
    body: bytes,
    delivery_id: str,
    secret: str,
    timeout: float,
    allowlist: Sequence[str] = (),
) -> int:
    """POST `body` signed to `url` once; the 2xx status on success.

    Raises WebhookRefused (target not allowed) or WebhookRejected (a redirect or a 4xx other than
    408/425/429: final), or WebhookFailed (transport error, timeout, 408/425/429/5xx: retryable).
    Every attempt for one package carries the same `X-AICMO-Delivery` id, so a receiver that saw
    a POST whose answer was lost can tell the repeat.
    """
    check_webhook_target(url, allowlist)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: webhook_signature(body, secret),
        EVENT_HEADER: WEBHOOK_EVENT,
        DELIVERY_HEADER: delivery_id,
    }
    # Redirects are not followed: they could lead outside the allowlist, and the body must reach the URL given.
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(url, content=body, headers=headers)
    except httpx.TransportError as exc:
        raise WebhookFailed(WEBHOOK_FAILED.format(url=url, cause=_describe(exc, timeout))) from exc
    if response.is_success:
        return response.status_code
    cause = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    if response.status_code in RETRYABLE_STATUSES:
        raise WebhookFailed(WEBHOOK_FAILED.format(url=url, cause=cause))
    raise WebhookRejected(WEBHOOK_REJECTED.format(url=url, cause=cause))


def delivery_email_body(*, client_name: str, manifest: Mapping[str, Any], download_url: str, zip_size: int) -> str:
    strategy, approval, qc = manifest["strategy"], manifest["approval"], manifest["qc"]
    approved = f", approved by {approval['by']} on {approval['at']}" if approval.get("by") else ""
    lines = [
        f"Hello {client_name},",
        "",
        f"Your AICMO delivery package for {manifest['brief']['product']} is ready.",
        "",
        f"Download it here: {download_url}",
        "",
        f"Strategy: version {strategy['version']}{approved}.",
        f"Assets: {qc['assets_total']} ({qc['assets_passed']} of {qc['assets_total']} passed quality control).",
    ]
    lines += [f"  - {channel}: {count}" for channel, count in manifest["assets_per_channel"].items()]
    lines += [
        "",
        f"The package ({zip_size:,} bytes) holds the strategy (Markdown and HTML), every asset,",
        "a content calendar (CSV and iCalendar), the QC report and a manifest with checksums.",
        "",
        "AICMO",
    ]
    return "\n".join(lines) + "\n"


def send_delivery_email(*, to: str, subject: str, body: str, from_email: str, message_id: str) -> None:
    """Send once. `message_id` is the same for every attempt of one package, so a mail system that got
    a message whose acknowledgement was lost can tell the repeat."""
    message = EmailMessage(
        subject=subject, body=body, from_email=from_email, to=[to], headers={"Message-ID": message_id}
    )
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise EmailFailed(EMAIL_FAILED.format(address=to, cause=exc)) from exc
