"""Links: absolute https URLs on the brand's allowed domains, never shortened."""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from production.domain import QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    allowed_domains,
    domain_allowed,
    domain_of,
    issue,
    load_data,
    register,
    urls,
)

_DATA = load_data("links")
SHORTENERS = frozenset(_DATA["shorteners"])


def link_problems(url: str, allowed: Sequence[str]) -> list[str]:
    """What is wrong with one link: not absolute https, a shortener, or outside the allowed domains."""
    if url.startswith("/") and not url.startswith("//"):
        return ["is relative; use an absolute https:// URL"]
    problems = []
    scheme = urlsplit(url).scheme.lower() if "://" in url or url.lower().startswith("mailto:") else ""
    if not scheme:
        problems.append("has no scheme; use https://")
    elif scheme != "https":
        problems.append(f"uses {scheme}:, not https://")
    host = domain_of(url)
    if "." not in host:
        problems.append("has no valid domain")
    elif host in SHORTENERS:
        problems.append(f"uses the link shortener {host}; link to the destination itself")
    elif allowed and not domain_allowed(host, allowed):
        problems.append(f"points to {host}, outside the allowed domains ({', '.join(allowed)})")
    return problems


@register(
    "links.syntax", Severity.MAJOR, "format", "Links are absolute https URLs on allowed domains, never shortened."
)
def check_links(rule: Rule, ctx: Context) -> list[QCIssue]:
    allowed = allowed_domains(ctx.brief)
    issues = []
    for field in ctx.texts:
        if field.kind == "internal":
            continue
        for start, end, url in urls(field):
            problems = link_problems(url, allowed)
            if problems:
                fixed = re.sub(r"^(?:https?://)?", "https://", url, flags=re.IGNORECASE)
                only_scheme = all("scheme" in p or p.startswith("uses http:") for p in problems)
                issues.append(
                    issue(
                        rule,
                        field.name,
                        start,
                        end,
                        f"{url} {'; '.join(problems)}.",
                        fixed if only_scheme else "Link to an https:// page on an allowed domain.",
                    )
                )
    return issues
