"""Links: absolute https URLs on the brand's allowed domains, never shortened."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from urllib.parse import urlsplit

from kernel.text import fold
from production.domain import QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    TextField,
    allowed_domains,
    domain_allowed,
    domain_of,
    issue,
    load_data,
    quote,
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


# --- unsafe markup ---------------------------------------------------------------------------

UNSAFE_SCHEMES = tuple(_DATA["unsafe_schemes"])
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
_MARKDOWN_TARGET = re.compile(
    r"\]\(\s*<?(?P<target>[^()>\s]*(?:\([^()]*\)[^()>\s]*)*)|(?m:^[ \t]*\[[^\]\n]+\]:[ \t]*<?(?P<ref>\S+))"
)
_AUTOLINK = re.compile(r"<(?P<target>[a-zA-Z][\w+.-]*:[^<>\s]*)>")
_TAG = re.compile(
    r"<!--.*?(?:-->|$)|<![a-zA-Z][^>]*>|<\?[^>]*>|<\s*/?\s*(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:\s[^<>]*)?)/?\s*>",
    re.DOTALL,
)
_LINK_ATTRIBUTE = re.compile(
    r"(?i)(?<![\w-])(?:href|src|action|formaction|xlink:href|poster|background|data)\s*=\s*[\"']?([^\"'\s>]+)"
)
_EVENT_HANDLER = re.compile(r"(?i)(?<![\w-])(on[a-z]+)\s*=")
_BARE_SCHEME = re.compile(r"(?i)(?<![\w-])(?:javascript|vbscript)\s*:(?=\S)|(?<![\w-])data:[\w.+-]+/[\w.+-]+[;,]")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f\u00ad\u200b-\u200f\u2060\ufeff]")


def unsafe_scheme(target: str) -> str | None:
    """The scheme of a link target that runs code or smuggles content when followed, however it is
    disguised (entities, tabs, case), or None."""
    canonical = _INVISIBLE.sub("", html.unescape(target)).lower()
    return next((s for s in UNSAFE_SCHEMES if canonical.startswith(f"{s}:")), None)


def _may_be_unsafe(text: str) -> bool:
    """Whether `text` holds anything markup.unsafe looks at: a tag, a Markdown link, a scheme."""
    if "<" in text or "](" in text or "]:" in text:
        return True
    folded = fold(text)
    return "script" in folded or "data:" in folded


def _in_code(spans: list[tuple[int, int]], start: int) -> bool:
    return any(s <= start < e for s, e in spans)


def _unsafe_in(field: TextField) -> list[tuple[int, int, str]]:
    """(start, end, message) of each unsafe construct in one field."""
    text = field.text
    if field.kind == "link":
        scheme = unsafe_scheme(text.strip())
        return [(0, len(text), f"{quote(text.strip())} is a {scheme}: link.")] if scheme else []
    code = [m.span() for m in _CODE.finditer(text)]
    found: list[tuple[int, int, str]] = []
    for match in _MARKDOWN_TARGET.finditer(text):
        target = match.group("target") if match.group("target") is not None else match.group("ref")
        scheme = unsafe_scheme(target or "")
        if scheme and not _in_code(code, match.start()):
            start = text.rfind("[", 0, match.start()) if match.group("target") is not None else match.start()
            start = max(start, 0)
            found.append(
                (
                    start,
                    match.end() + 1 if text[match.end() : match.end() + 1] == ")" else match.end(),
                    f"a Markdown link to a {scheme}: URL",
                )
            )
    for match in _AUTOLINK.finditer(text):
        scheme = unsafe_scheme(match.group("target"))
        if scheme and not _in_code(code, match.start()):
            found.append((match.start(), match.end(), f"a link to a {scheme}: URL"))
    for match in _TAG.finditer(text):
        if _in_code(code, match.start()) or any(s <= match.start() < e for s, e, _ in found):
            continue
        handlers = _EVENT_HANDLER.findall(match.group("attrs") or "")
        linked = [unsafe_scheme(v) for v in _LINK_ATTRIBUTE.findall(match.group("attrs") or "")]
        scheme = next((s for s in linked if s), None)
        if scheme:
            what = f"raw HTML with a {scheme}: link"
        elif handlers:
            what = f"raw HTML with an event handler ({', '.join(dict.fromkeys(h.lower() for h in handlers))})"
        elif match.group("name"):
            what = f"a raw HTML <{match.group('name').lower()}> tag"
        else:
            what = "raw HTML markup"
        found.append((match.start(), match.end(), what))
    for match in _BARE_SCHEME.finditer(text):
        if _in_code(code, match.start()) or any(s <= match.start() < e for s, e, _ in found):
            continue
        found.append((match.start(), match.end(), f"a {match.group().split(':')[0].strip().lower()}: URL"))
    return [(s, e, f"{quote(text[s:e])} is {what}: copy is plain text or Markdown.") for s, e, what in found]


@register(
    "markup.unsafe",
    Severity.CRITICAL,
    "safety",
    "No javascript:, data: or vbscript: links, raw HTML or event handlers in copy.",
)
def check_unsafe_markup(rule: Rule, ctx: Context) -> list[QCIssue]:
    issues = []
    for field in ctx.texts:
        if field.kind != "link" and not _may_be_unsafe(field.text):
            continue
        for start, end, message in _unsafe_in(field):
            issues.append(
                issue(rule, field.name, start, end, message, "Remove it: write the link as an https:// URL, no HTML.")
            )
    return issues
