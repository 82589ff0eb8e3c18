"""Delivery webhooks: which targets may be called, and calling one safely and verifiably.

`deliver()` is the one entry point (the hand-over calls it):

1. The target is checked: an absolute http(s) URL without credentials.
2. Its host is resolved once. Every address it resolves to must be allowed: a public address, or
   one inside an address range of AICMO_WEBHOOK_ALLOWLIST (the only way to open a loopback,
   private, link-local, multicast, reserved or unspecified target, IPv4 or IPv6, IPv4-mapped
   included). A non-empty allowlist also narrows public targets to its host names and ranges.
3. The request goes to that exact address (with the name in the Host header and in TLS's SNI,
   so certificates are still checked against the name): a DNS answer that changes between the
   check and the connection (rebinding) cannot redirect it. No proxy from the environment, no redirects.
4. It is signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`,
   v1 HMAC-SHA256 of "id.timestamp.body" with the endpoint's own secret); a retry (the saga step's)
   keeps the id and signs again with a fresh timestamp.

Users see one of two generic errors (the target was refused / could not be reached): a run's error
must not tell whoever wrote the brief what answers inside the network. The details (address,
reason, status) go to the operator log.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

import httpx
from django.conf import settings
from standardwebhooks.webhooks import Webhook

from delivery.domain import (
    WEBHOOK_FAILED,
    WEBHOOK_REFUSED,
    WEBHOOK_REJECTED,
    WebhookFailed,
    WebhookRefused,
    WebhookRejected,
)

logger = logging.getLogger(__name__)

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
EVENT_HEADER = "X-AICMO-Event"
# Statuses worth another try; other non-2xx answers (400, 404, a redirect...) will not change.
RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- the allowlist ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowlist:
    """AICMO_WEBHOOK_ALLOWLIST parsed: host names ("hooks.example.com", "*.example.com") and address
    ranges ("10.0.0.0/8", "127.0.0.1", "::1"). Only ranges open non-public addresses."""

    names: tuple[str, ...] = ()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Sequence[str]) -> Allowlist:
        names: list[str] = []
        networks: list[IPNetwork] = []
        for entry in (e.strip().lower() for e in entries):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                names.append(entry)
        return cls(tuple(names), tuple(networks))

    @property
    def empty(self) -> bool:
        return not self.names and not self.networks

    def names_host(self, host: str) -> bool:
        for entry in self.names:
            if entry.startswith(("*.", ".")):
                domain = entry.lstrip("*.")
                if host == domain or host.endswith("." + domain):
                    return True
            elif host == entry:
                return True
        return False

    def covers(self, address: IPAddress) -> bool:
        return any(address in network for network in self.networks)


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, 6to4, Teredo), which is where it really goes."""
    if isinstance(address, ipaddress.IPv6Address):
        for embedded in (address.ipv4_mapped, address.sixtofour, address.teredo and address.teredo[1]):
            if embedded is not None:
                return embedded
    return address


def is_public(address: IPAddress) -> bool:
    """Globally reachable unicast: not loopback, private, link-local, multicast, reserved or unspecified."""
    target = _embedded_ipv4(address)
    return bool(
        target.is_global
        and not target.is_multicast
        and not target.is_reserved
        and not target.is_unspecified
        and not target.is_loopback
        and not target.is_link_local
        and not target.is_private
    )


# --- resolving and checking a target ---------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    url: httpx.URL
    host: str  # the name (or literal address) the URL gives
    address: IPAddress  # where the request will go: checked, and the only address connected to


class _Refused(Exception):
    """Why a target is refused (for the operator log only)."""


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookFailed(WEBHOOK_FAILED) from exc
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def resolve_target(url: str, allowlist: Sequence[str]) -> Target:
    """The address `url` will be delivered to, once every rule allows it; WebhookRefused otherwise.

    Resolution failures are WebhookFailed (the name may resolve later); refusals are permanent.
    """
    rules = Allowlist.parse(allowlist)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        _refuse(url, "not a valid URL")
    host = (parsed.host or "").lower().rstrip(".")
    if parsed.scheme not in ("http", "https") or not host:
        _refuse(url, "only absolute http(s) URLs are called")
    if parsed.userinfo:
        _refuse(url, "the URL carries credentials")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    addresses = _resolve(host, port)
    if not addresses:
        raise WebhookFailed(WEBHOOK_FAILED)
    try:
        for address in addresses:
            _check_address(host, address, rules)
    except _Refused as why:
        _refuse(url, str(why))
    return Target(url=parsed, host=host, address=addresses[0])


def _check_address(host: str, address: IPAddress, rules: Allowlist) -> None:
    if rules.covers(address):
        return
    if not is_public(address):
        raise _Refused(f"{host} resolves to {address}, which is not a public address and no allowlisted range")
    if not rules.empty and not rules.names_host(host):
        raise _Refused(f"{host} ({address}) is not in AICMO_WEBHOOK_ALLOWLIST")


def _refuse(url: str, reason: str) -> NoReturn:
    logger.warning("webhook refused: %s: %s", url, reason, extra={"webhook_url": url, "reason": reason})
    raise WebhookRefused(WEBHOOK_REFUSED)


# --- signing ---------------------------------------------------------------------------------------


def sign(*, secret: str, event_id: str, timestamp: dt.datetime, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers for `body` (the standardwebhooks library computes the signature)."""
    moment = timestamp.astimezone(dt.UTC)
    return {
        ID_HEADER: event_id,
        TIMESTAMP_HEADER: str(int(moment.timestamp())),
        SIGNATURE_HEADER: Webhook(secret).sign(event_id, moment, body.decode("utf-8")),
    }


# --- delivering ------------------------------------------------------------------------------------


def _post(client: httpx.Client, target: Target, body: bytes, headers: dict[str, str]) -> httpx.Response:
    pinned = target.url.copy_with(host=str(target.address))
    host_header = target.url.netloc.decode("ascii").rsplit("@", 1)[-1]
    extensions = {"sni_hostname": target.host} if target.url.scheme == "https" else {}
    return client.post(pinned, content=body, headers={**headers, "Host": host_header}, extensions=extensions)


def deliver(
    *,
    url: str,
    body: bytes,
    event_id: str,
    event_type: str,
    secret: str,
    timeout: float | None = None,
    allowlist: Sequence[str] | None = None,
) -> int:
    """POST `body` (UTF-8 JSON) to `url` once, signed with `secret`; the 2xx status on success.

    One attempt: retrying is the caller's retry policy (the saga step), and a retry passes the same
    `event_id` (it is signed afresh, with a new timestamp). Raises WebhookRefused (the target is not
    allowed; nothing was sent) or WebhookRejected (a redirect, or a 4xx other than 408/425/429: the
    same POST would get the same answer), both final, or WebhookFailed (unreachable, timed out,
    408/425/429/5xx: another attempt may pass). Settings give the defaults: AICMO_WEBHOOK_TIMEOUT,
    AICMO_WEBHOOK_ALLOWLIST.
    """
    timeout = settings.AICMO_WEBHOOK_TIMEOUT if timeout is None else timeout
    allowlist = settings.AICMO_WEBHOOK_ALLOWLIST if allowlist is None else allowlist
    target = resolve_target(url, allowlist)
    headers = {
        "Content-Type": "application/json",
        EVENT_HEADER: event_type,
        **sign(secret=secret, event_id=event_id, timestamp=dt.datetime.now(dt.UTC), body=body),
    }
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client:
            response = _post(client, target, body, headers)
    except httpx.TransportError as exc:
        _log_failure(url, target, str(exc) or type(exc).__name__)
        raise WebhookFailed(WEBHOOK_FAILED) from exc
    if response.is_success:
        return response.status_code
    _log_failure(url, target, f"HTTP {response.status_code}")
    if response.status_code in RETRYABLE_STATUSES:
        raise WebhookFailed(WEBHOOK_FAILED)
    raise WebhookRejected(WEBHOOK_REJECTED)


def _log_failure(url: str, target: Target, cause: str) -> None:
    logger.warning(
        "webhook failed: %s (%s): %s",
        url,
        target.address,
        cause,
        extra={"webhook_url": url, "address": str(target.address), "cause": cause},
    )
