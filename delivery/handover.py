"""Handover to the client: the e-mail with the download link, sent once per attempt.

The signed webhook POST is delivery.webhooks (`deliver`), the one place a webhook is called. Each
function makes one attempt and says by the error it raises whether another could pass (`EmailFailed`:
transient): retrying is the saga step's job (its retry policy), so nothing here loops.
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from typing import Any

from django.core.mail import EmailMessage

from delivery.domain import EMAIL_FAILED, EmailFailed

WEBHOOK_EVENT = "package.delivered"


def delivery_email_body(*, client_name: str, manifest: Mapping[str, Any], download_url: str, zip_size: int) -> str:
    strategy, approval, qc = manifest["strategy"], manifest["approval"], manifest["qc"]
    # The manifest's approval in the client's words ("Approved by Dana Reviewer on 5 April 2027",
    # "Approved automatically (no review requested)"); older manifests carry only who and when.
    line = approval.get("summary") or ""
    if line:
        approved = f", {line[:1].lower()}{line[1:]}"
    else:
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
        f"The package ({zip_size:,} bytes) holds the strategy (Markdown, HTML and JSON), every asset,",
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
