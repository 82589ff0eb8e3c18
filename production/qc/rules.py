"""QC rules as versioned data (id, severity, category, where each applies) and the checks that find their issues.

Every check reads one draft (all of its text fields) with the brief and returns the issues it found,
each located by field and span, or None when the brief gives it nothing to check (no banned terms,
not a sponsored brief, a post too short for readability scores): such a rule is not counted as
applied. Sources for the thresholds: /work/shared/reference/marketing-rules.md.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import textstat

from kernel import channels
from production.domain import Draft, QCIssue, Severity

if TYPE_CHECKING:
    from onboarding.domain import Brief

# Bump when a rule, a word list or a threshold changes; every QC result records it.
RULESET_VERSION = "qc-rules-2025.1"


def ruleset_version() -> str:
    """The version stored with each result: these rules and the channel limits they read."""
    return f"{RULESET_VERSION}+{channels.LIMITS_VERSION}"


@dataclass(frozen=True)
class Rule:
    """One QC rule. Empty `channels` / `asset_types` mean every channel / asset type."""

    id: str
    severity: Severity
    category: str
    description: str
    channels: frozenset[str] = frozenset()
    asset_types: frozenset[str] = frozenset()
    # A run-level rule compares a draft with the other drafts of its run.
    run_level: bool = False

    def fits(self, draft: Draft) -> bool:
        return (not self.channels or draft.channel in self.channels) and (
            not self.asset_types or draft.asset_type in self.asset_types
        )


@dataclass(frozen=True)
class TextField:
    """One piece of a draft's text: `name` is what issues report ("body", "subject", "headlines[2]"),
    `key` the channel-limits key it falls under ("body", "subject", "headlines")."""

    name: str
    key: str
    text: str


@dataclass(frozen=True)
class Context:
    """What a check reads: the draft, its text fields, the brief and (for run-level rules) the run."""

    draft: Draft
    brief: Brief
    texts: tuple[TextField, ...]
    siblings: tuple[Draft, ...] = ()
    # Shingles of the run's drafts by id, worked out once per run (see `shingles`); missing ones are computed.
    shingled: Mapping[Any, frozenset[tuple[str, ...]]] = dataclasses.field(default_factory=lambda: MappingProxyType({}))


Check = Callable[[Rule, Context], "list[QCIssue] | None"]

# --- thresholds ------------------------------------------------------------------------------

LONG_FORM_CHANNELS = frozenset({"blog", "email"})
CTA_CHANNELS = frozenset({"email", "google_ads"})
LINK_KEYS = frozenset({"link", "url", "links", "final_url"})
DEFAULT_MAX_GRADE = 9.0
GRADE_MAJOR_MARGIN = 3.0
READING_EASE_MINOR = 60.0
READING_EASE_MAJOR = 50.0
MIN_WORDS_FOR_READABILITY = 50
LONG_SENTENCE_WORDS = 20
LONG_SENTENCE_SHARE = 0.25
DUPLICATE_JACCARD = 0.8
SHINGLE_SIZE = 3
DISCLOSURE_HEAD_LINES = 3
DISCLOSURE_HEAD_CHARS = 125

SHORTENERS = frozenset(
    {
        "bit.ly",
        "buff.ly",
        "cutt.ly",
        "goo.gl",
        "is.gd",
        "lnkd.in",
        "ow.ly",
        "rebrand.ly",
        "shorturl.at",
        "t.co",
        "t.ly",
        "tiny.cc",
        "tinyurl.com",
    }
)
# Reserved for documentation (RFC 2606): a link there is a placeholder unless the brief names it.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")

# Imperative verbs a call to action starts with.
CTA_VERBS = frozenset(
    [
        "add",
        "apply",
        "ask",
        "book",
        "bring",
        "browse",
        "buy",
        "call",
        "catch",
        "celebrate",
        "check",
        "choose",
        "claim",
        "click",
        "come",
        "compare",
        "contact",
        "create",
        "discover",
        "donate",
        "download",
        "drop",
        "enjoy",
        "enrol",
        "enroll",
        "experience",
        "explore",
        "find",
        "follow",
        "get",
        "give",
        "grab",
        "join",
        "learn",
        "listen",
        "make",
        "meet",
        "order",
        "pick",
        "plan",
        "pre-order",
        "preorder",
        "read",
        "register",
        "reply",
        "request",
        "reserve",
        "rsvp",
        "sample",
        "save",
        "schedule",
        "secure",
        "see",
        "select",
        "send",
        "share",
        "shop",
        "show",
        "sign",
        "start",
        "stay",
        "subscribe",
        "swipe",
        "switch",
        "take",
        "talk",
        "tap",
        "taste",
        "tell",
        "treat",
        "try",
        "unlock",
        "upgrade",
        "visit",
        "vote",
        "watch",
        "write",
    ]
)

_SUPERLATIVES = (
    r"best(?!\s+(?:regards|wishes)\b)",
    r"#1",
    r"no\.\s?1",
    r"number\s+one",
    r"leading(?!\s+to\b)",
    r"the\s+only",
    r"fastest",
    r"greatest",
    r"cheapest",
    r"world[-\s]class",
    r"unbeatable",
    r"unrivall?ed",
    r"unmatched",
    r"top[-\s]rated",
    r"most\s+(?:trusted|popular|loved|advanced)",
    r"ultimate",
)
_ABSOLUTES = (
    r"guarantee[ds]?",
    r"100\s?%",
    r"100\s+percent",
    r"risk[-\s]free",
    r"no[-\s]risk",
    r"zero[-\s]risk",
    r"never\s+fails?",
    r"always\s+works",
    r"fool[-\s]?proof",
)
_HEALTH = (
    r"cures?",
    r"clinically\s+(?:proven|tested)",
    r"medically\s+proven",
    r"heals?",
    r"miracle",
    r"prevents?\s+(?:cancer|diseases?|illness|infections?|covid(?:-19)?)",
    r"boosts?\s+(?:your\s+)?immun(?:ity|e\s+system)",
    r"fda[-\s]approved",
    r"doctor[-\s]recommended",
)
_FINANCE = (
    r"guaranteed\s+(?:returns?|income|profits?|yields?|gains|interest)",
    r"(?:returns?|profits?|income)\s+(?:are\s+)?guaranteed",
    r"risk[-\s]free\s+(?:investments?|returns?|trading)",
    r"get\s+rich(?:\s+quick)?",
    r"double\s+your\s+money",
    r"can[’']?t\s+lose",
    r"passive\s+income",
)


def _alternation(patterns: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w#])(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE)


SUPERLATIVE = _alternation(_SUPERLATIVES)
ABSOLUTE = _alternation(_ABSOLUTES)
HEALTH = _alternation(_HEALTH)
FINANCE = _alternation(_FINANCE)

PLACEHOLDERS = (
    re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{[A-Za-z_][\w.]*\}"),
    re.compile(r"\[(?:TBD|TBC|TODO|TK|XXX|PLACEHOLDER|INSERT|ADD|LINK|URL|NAME|DATE|PRICE)\b[^\]]*\]", re.IGNORECASE),
    re.compile(r"(?<!\w)(?:TODO|TBD|TBC|FIXME|XXX)(?!\w)"),
    re.compile(r"lorem\s+ipsum", re.IGNORECASE),
)
OPT_OUT = re.compile(
    r"unsubscribe|opt[\s-]?out|manage\s+(?:your\s+)?(?:e-?mail\s+)?(?:preferences|subscription)|"
    r"d[ée]sabonner|d[ée]sinscri",
    re.IGNORECASE,
)
DISCLOSURE = re.compile(
    r"(?<![\w#])(?:#(?i:ad|ads|sponsored|advertisement|paidpartnership)|Ad|AD|Ads|Sponsored|SPONSORED"
    r"|Advertisement|Paid [Pp]artnership)(?!\w)"
)
URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
FIRST_WORD = re.compile(r"[^\W\d_][\w'’-]*")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_UNIT_NAMES = {"chars": "characters", "weighted": "weighted characters", "words": "words"}


# --- reading a draft -------------------------------------------------------------------------


def text_fields(draft: Draft) -> tuple[TextField, ...]:
    """Every text of a draft in a stable order: title, body, then `fields` by key (list items by index)."""
    found = [TextField("title", "title", draft.title or ""), TextField("body", "body", draft.body or "")]
    for key in sorted(draft.fields):
        name = f"fields.{key}" if key in ("title", "body") else key
        _collect(name, name, draft.fields[key], found)
    return tuple(found)


def _collect(name: str, key: str, value: Any, found: list[TextField]) -> None:
    if isinstance(value, str):
        found.append(TextField(name, key, value))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _collect(f"{name}[{index}]", key, item, found)
    elif isinstance(value, dict):
        for sub in sorted(value):
            _collect(f"{name}.{sub}", key, value[sub], found)


def word_count(texts: Sequence[TextField]) -> int:
    return sum(len(channels.WORD.findall(t.text)) for t in texts if t.key not in LINK_KEYS)


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form, for presence checks ("Zoe cafe" finds "Zoë Café")."""
    decomposed = text if text.isascii() else unicodedata.normalize("NFKD", text)
    # Combining marks are never ASCII: only the (short) non-ASCII runs need looking at, char by char.
    stripped = _NON_ASCII.sub(_without_combining, decomposed)
    return " ".join(stripped.casefold().split())


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _without_combining(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if not unicodedata.combining(c))


def _loose(text: str) -> str:
    """`fold` without punctuation, so "1 Rue de Lyon, Paris" matches "1 rue de Lyon - Paris"."""
    return " ".join(re.sub(r"[^\w\s]", " ", fold(text)).split())


@lru_cache(maxsize=2048)
def term_pattern(term: str) -> re.Pattern[str] | None:
    """A case-insensitive whole-word pattern for a term (any run of spaces between its words)."""
    words = term.split()
    if not words:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)", re.IGNORECASE)


def _clean(terms: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for term in terms:
        if term and term.strip() and fold(term) not in seen:
            seen[fold(term)] = term.strip()
    return list(seen.values())


@lru_cache(maxsize=4096)
def _url_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each URL in `text`, trailing punctuation left out.

    Remembered per text: every prose-only rule asks again about the same fields."""
    spans = []
    for match in URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in ".,;:!?":
            end -= 1
        spans.append((match.start(), end))
    return tuple(spans)


def _urls(field: TextField) -> Iterator[tuple[int, int, str]]:
    """URLs written in a text; a link field's whole value is one URL, even a malformed one."""
    if field.key in LINK_KEYS:
        value = field.text.strip()
        if value:
            start = field.text.index(value)
            yield start, start + len(value), value
        return
    for start, end in _url_spans(field.text):
        yield start, end, field.text[start:end]


def _matches(
    pattern: re.Pattern[str], ctx: Context, *, prose_only: bool = False
) -> Iterator[tuple[TextField, re.Match]]:
    """Matches in every text field; `prose_only` skips links (a URL slug is not a claim)."""
    for field in ctx.texts:
        if prose_only and field.key in LINK_KEYS:
            continue
        spans = _url_spans(field.text) if prose_only else ()
        for match in pattern.finditer(field.text):
            if any(s < match.end() and match.start() < e for s, e in spans):
                continue
            yield field, match


def _field(ctx: Context, name: str) -> TextField | None:
    return next((f for f in ctx.texts if f.name == name), None)


def _end_of(ctx: Context, *names: str) -> tuple[str, int]:
    """Where an addition belongs: the end of the first of `names` the draft has (else the body)."""
    for name in names:
        field = _field(ctx, name)
        if field is not None:
            return field.name, len(field.text)
    return "body", len(ctx.draft.body or "")


def _issue(
    rule: Rule,
    field: str,
    start: int,
    end: int,
    message: str,
    suggestion: str = "",
    severity: Severity | None = None,
) -> QCIssue:
    return QCIssue(
        rule_id=rule.id,
        severity=severity or rule.severity,
        message=message,
        field=field,
        start=start,
        end=end,
        suggestion=suggestion,
    )


def _domain_of(value: str) -> str:
    value = value.strip().lower()
    if not value:
        return ""
    host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    return host.removeprefix("www.")


def allowed_domains(brief: Brief) -> tuple[str, ...]:
    """The brand's allowed link domains; by default the client's website and the product URL."""
    configured = [_domain_of(d) for d in brief.brand.allowed_domains]
    if not any(configured):
        configured = [_domain_of(brief.client.website), _domain_of(brief.product.url)]
    return tuple(sorted({d for d in configured if d}))


def _domain_allowed(host: str, allowed: Sequence[str]) -> bool:
    return any(host == d or host.endswith(f".{d}") for d in allowed)


def _listed_hashtags(draft: Draft) -> list[str]:
    value = draft.fields.get("hashtags") or []
    items = [value] if isinstance(value, str) else value
    return [f"#{t.strip().lstrip('#')}" for t in items if isinstance(t, str) and t.strip().lstrip("#")]


# --- length ----------------------------------------------------------------------------------


def _limited(ctx: Context, key: str) -> list[TextField]:
    return [f for f in ctx.texts if f.key == key]


def _published(ctx: Context, field: TextField) -> str:
    """What the platform counts: a social post's body plus the listed hashtags it does not yet hold."""
    if field.name != "body" or ctx.draft.channel not in channels.SOCIAL_CHANNELS:
        return field.text
    present = {t.casefold() for t in channels.hashtags_in(field.text)}
    missing = [t for t in _listed_hashtags(ctx.draft) if t.casefold() not in present]
    return f"{field.text}\n\n{' '.join(missing)}" if missing else field.text


def fitting_prefix(text: str, limit: int, unit: channels.Unit) -> int:
    """The length of the longest prefix of `text` that stays within `limit`."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if channels.measure(text[:middle], unit) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _list_items(draft: Draft, key: str) -> list[str]:
    value = draft.fields.get(key)
    items = [value] if isinstance(value, str) else (value or [])
    return [i for i in items if isinstance(i, str) and i.strip()]


def check_length_hard(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    limits = channels.CHANNEL_LIMITS.get(ctx.draft.channel)
    if limits is None:
        return None
    issues = []
    for key, limit in sorted(limits.fields.items()):
        if limit.hard is None:
            continue
        for field in _limited(ctx, key):
            counted = _published(ctx, field)
            size = channels.measure(counted, limit.unit)
            if size > limit.hard:
                unit = _UNIT_NAMES[limit.unit]
                start = min(fitting_prefix(counted, limit.hard, limit.unit), len(field.text))
                issues.append(
                    _issue(
                        rule,
                        field.name,
                        start,
                        len(field.text),
                        f"{field.name} is {size} {unit} long; {ctx.draft.channel} accepts {limit.hard}.",
                        f"Cut it to {limit.hard} {unit} or fewer.",
                    )
                )
    for key, (fewest, most) in sorted(limits.counts.items()):
        count = len(_list_items(ctx.draft, key))
        if not fewest <= count <= most:
            issues.append(
                _issue(
                    rule,
                    key,
                    0,
                    0,
                    f"{key} has {count} items; {ctx.draft.channel} needs {fewest} to {most}.",
                    f"Give {fewest} to {most} {key}.",
                )
            )
    return issues


def check_length_soft(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    limits = channels.CHANNEL_LIMITS.get(ctx.draft.channel)
    if limits is None:
        return None
    issues = []
    for key, limit in sorted(limits.fields.items()):
        for field in _limited(ctx, key):
            unit = _UNIT_NAMES[limit.unit]
            size = channels.measure(field.text, limit.unit)
            if limit.soft is not None and size > limit.soft:
                issues.append(
                    _issue(
                        rule,
                        field.name,
                        fitting_prefix(field.text, limit.soft, limit.unit),
                        len(field.text),
                        f"{field.name} is {size} {unit} long; over {limit.soft} is cut off or read less.",
                        f"Keep it to {limit.soft} {unit}.",
                    )
                )
            if limit.soft_min is not None and size < limit.soft_min:
                issues.append(
                    _issue(
                        rule,
                        field.name,
                        0,
                        len(field.text),
                        f"{field.name} is {size} {unit} long; aim for at least {limit.soft_min}.",
                        f"Extend it to {limit.soft_min} {unit} or more.",
                    )
                )
    for key, minimum in sorted(limits.min_distinct.items()):
        distinct = {fold(i) for i in _list_items(ctx.draft, key)}
        if len(distinct) < minimum:
            issues.append(
                _issue(
                    rule,
                    key,
                    0,
                    0,
                    f"{key} has {len(distinct)} distinct items; give at least {minimum}.",
                    f"Write {minimum - len(distinct)} more distinct {key}.",
                )
            )
    return issues


def check_hashtag_count(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    limits = channels.CHANNEL_LIMITS.get(ctx.draft.channel)
    if limits is None or limits.max_hashtags is None:
        return None
    seen: set[str] = set()
    located: list[tuple[str, int, int, str]] = []
    for field in ctx.texts:
        if field.key in LINK_KEYS:
            continue
        found = [(m.start(), m.end(), m.group()) for m in channels.HASHTAG.finditer(field.text)]
        if field.key == "hashtags" and not found and field.text.strip():
            tag = field.text.strip()
            found = [(0, len(field.text), tag if tag.startswith("#") else f"#{tag}")]
        for start, end, tag in found:
            if tag.casefold() not in seen:
                seen.add(tag.casefold())
                located.append((field.name, start, end, tag))
    most = limits.max_hashtags
    if len(located) <= most:
        return []
    name, start, end, _tag = located[most]
    extra = ", ".join(tag for *_, tag in located[most:])
    return [
        _issue(
            rule,
            name,
            start,
            end,
            f"{len(located)} hashtags; {ctx.draft.channel} allows {most}.",
            f"Remove {extra}.",
        )
    ]


# --- terms and scope -------------------------------------------------------------------------


def _match_case(replacement: str, matched: str) -> str:
    if matched[:1].isupper() and replacement:
        return replacement[0].upper() + replacement[1:]
    return replacement


def check_banned_terms(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    terms = _clean(ctx.brief.brand.banned_terms)
    if not terms:
        return None
    swaps = {fold(p.avoid): p.use for p in ctx.brief.brand.preferred_terms}
    issues = []
    for term in terms:
        for field, match in _matches(term_pattern(term), ctx):
            issues.append(
                _issue(
                    rule,
                    field.name,
                    match.start(),
                    match.end(),
                    f'"{match.group()}" is a banned term for this brand.',
                    _match_case(swaps[fold(term)], match.group()) if fold(term) in swaps else "Remove or rephrase it.",
                )
            )
    return issues


def check_preferred_terms(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    swaps = [p for p in ctx.brief.brand.preferred_terms if p.avoid.strip()]
    if not swaps:
        return None
    issues = []
    for swap in swaps:
        for field, match in _matches(term_pattern(swap.avoid), ctx, prose_only=True):
            issues.append(
                _issue(
                    rule,
                    field.name,
                    match.start(),
                    match.end(),
                    f'Prefer "{swap.use}" over "{match.group()}".',
                    _match_case(swap.use, match.group()),
                )
            )
    return issues


def check_required_terms(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    names = _clean([ctx.brief.client.name, ctx.brief.product.name])
    if not names:
        return None
    folded = fold("\n".join(f.text for f in ctx.texts))
    for name in names:
        if term_pattern(fold(name)).search(folded):
            return []
    return [
        _issue(
            rule,
            "body",
            0,
            0,
            f"Neither {' nor '.join(repr(n) for n in names)} is named.",
            f"Name {names[-1]}.",
        )
    ]


def check_exclusions(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    exclusions = _clean(ctx.brief.scope.exclusions)
    if not exclusions:
        return None
    issues = []
    for exclusion in exclusions:
        if fold(exclusion) == fold(ctx.draft.channel):
            issues.append(
                _issue(
                    rule,
                    "channel",
                    0,
                    len(ctx.draft.channel),
                    f"The {ctx.draft.channel} channel is excluded from the scope of this brief.",
                    "Drop this asset.",
                )
            )
        for field, match in _matches(term_pattern(exclusion), ctx):
            issues.append(
                _issue(
                    rule,
                    field.name,
                    match.start(),
                    match.end(),
                    f'"{match.group()}" is excluded from the scope of this brief.',
                    "Remove it.",
                )
            )
    return issues


# --- compliance ------------------------------------------------------------------------------


def check_disclaimers(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    disclaimers = _clean(ctx.brief.brand.disclaimers)
    if not disclaimers:
        return None
    texts = [" ".join(f.text.split()) for f in ctx.texts]
    field, at = _end_of(ctx, "footer", "body")
    issues = []
    for disclaimer in disclaimers:
        wanted = " ".join(disclaimer.split())
        if not any(wanted in text for text in texts):
            issues.append(
                _issue(rule, field, at, at, f'The mandatory disclaimer is missing: "{disclaimer}".', disclaimer)
            )
    return issues


def check_email_compliance(rule: Rule, ctx: Context) -> list[QCIssue]:
    field, at = _end_of(ctx, "footer", "body")
    issues = []
    address = ctx.brief.client.postal_address.strip()
    if not address:
        issues.append(
            _issue(
                rule,
                field,
                at,
                at,
                "A commercial e-mail must carry the sender's postal address, and the brief has none.",
                "Add the client's postal address to the brief.",
            )
        )
    elif not any(_loose(address) in _loose(f.text) for f in ctx.texts):
        issues.append(
            _issue(rule, field, at, at, "A commercial e-mail must carry the sender's postal address.", address)
        )
    if not any(OPT_OUT.search(f.text) for f in ctx.texts):
        issues.append(
            _issue(
                rule,
                field,
                at,
                at,
                "A commercial e-mail must offer a way to opt out.",
                "Unsubscribe at any time with one click.",
            )
        )
    return issues


def _opening(body: str) -> str:
    return "\n".join(body.splitlines()[:DISCLOSURE_HEAD_LINES])[:DISCLOSURE_HEAD_CHARS]


def check_sponsored_disclosure(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if not ctx.brief.sponsored:
        return None
    body = ctx.draft.body or ""
    if DISCLOSURE.search(_opening(body)):
        return []
    later = DISCLOSURE.search(body)
    if later:
        message = f'The disclosure "{later.group()}" comes too late: sponsored posts say so up front.'
        start, end = later.start(), later.end()
    else:
        message = 'A sponsored post must say "#ad" or "Ad" up front.'
        start = end = 0
    return [_issue(rule, "body", start, end, message, 'Start the post with "Ad:" or "#ad".')]


def check_placeholders(rule: Rule, ctx: Context) -> list[QCIssue]:
    allowed = allowed_domains(ctx.brief)
    issues = []
    for field in ctx.texts:
        taken: list[tuple[int, int]] = []
        for pattern in PLACEHOLDERS:
            for match in pattern.finditer(field.text):
                # "[TBD]" is one placeholder, not also a bare "TBD" inside it.
                if any(s <= match.start() and match.end() <= e for s, e in taken):
                    continue
                taken.append(match.span())
                issues.append(
                    _issue(
                        rule,
                        field.name,
                        match.start(),
                        match.end(),
                        f'"{match.group()}" is a placeholder.',
                        "Replace it with the real text.",
                    )
                )
        for start, end, url in _urls(field):
            host = _domain_of(url)
            if _domain_allowed(host, EXAMPLE_DOMAINS) and not _domain_allowed(host, allowed):
                issues.append(
                    _issue(
                        rule,
                        field.name,
                        start,
                        end,
                        f"{url} is a placeholder link ({host}).",
                        "Link to the client's real page.",
                    )
                )
    return issues


# --- claims ----------------------------------------------------------------------------------


def _substantiated(field: TextField, match: re.Match, claims: Sequence[str]) -> bool:
    """A claim is allowed when the brief lists it, or lists a phrase around it that the text uses."""
    said = fold(match.group())
    for claim in claims:
        if fold(claim) == said:
            return True
        pattern = term_pattern(claim)
        if any(p.start() <= match.start() and match.end() <= p.end() for p in pattern.finditer(field.text)):
            return True
    return False


def _claims(rule: Rule, ctx: Context, pattern: re.Pattern[str], message: str, *, substantiable: bool) -> list[QCIssue]:
    claims = _clean(ctx.brief.brand.substantiated_claims) if substantiable else []
    issues = []
    for field, match in _matches(pattern, ctx, prose_only=True):
        if claims and _substantiated(field, match, claims):
            continue
        issues.append(
            _issue(
                rule,
                field.name,
                match.start(),
                match.end(),
                message.format(claim=match.group()),
                "Remove it, or add the evidence to the brief's substantiated claims."
                if substantiable
                else "Remove it.",
            )
        )
    return issues


def check_superlatives(rule: Rule, ctx: Context) -> list[QCIssue]:
    return _claims(
        rule, ctx, SUPERLATIVE, '"{claim}" is a superlative claim the brief does not substantiate.', substantiable=True
    )


def check_absolutes(rule: Rule, ctx: Context) -> list[QCIssue]:
    return _claims(
        rule, ctx, ABSOLUTE, '"{claim}" is an absolute claim the brief does not substantiate.', substantiable=True
    )


def check_health_claims(rule: Rule, ctx: Context) -> list[QCIssue]:
    return _claims(rule, ctx, HEALTH, '"{claim}" is a health claim advertising rules forbid.', substantiable=False)


def check_finance_claims(rule: Rule, ctx: Context) -> list[QCIssue]:
    message = '"{claim}" is a financial promise advertising rules forbid.'
    return _claims(rule, ctx, FINANCE, message, substantiable=False)


# --- links and calls to action ---------------------------------------------------------------


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
    host = _domain_of(url)
    if "." not in host:
        problems.append("has no valid domain")
    elif host in SHORTENERS:
        problems.append(f"uses the link shortener {host}; link to the destination itself")
    elif allowed and not _domain_allowed(host, allowed):
        problems.append(f"points to {host}, outside the allowed domains ({', '.join(allowed)})")
    return problems


def check_links(rule: Rule, ctx: Context) -> list[QCIssue]:
    allowed = allowed_domains(ctx.brief)
    issues = []
    for field in ctx.texts:
        for start, end, url in _urls(field):
            problems = link_problems(url, allowed)
            if problems:
                fixed = re.sub(r"^(?:https?://)?", "https://", url, flags=re.IGNORECASE)
                only_scheme = all("scheme" in p or p.startswith("uses http:") for p in problems)
                issues.append(
                    _issue(
                        rule,
                        field.name,
                        start,
                        end,
                        f"{url} {'; '.join(problems)}.",
                        fixed if only_scheme else "Link to an https:// page on an allowed domain.",
                    )
                )
    return issues


def starts_with_verb(text: str) -> bool:
    first = FIRST_WORD.search(text)
    return bool(first) and first.group().casefold() in CTA_VERBS


def check_cta(rule: Rule, ctx: Context) -> list[QCIssue]:
    ctas = [f for f in ctx.texts if f.key == "cta" and f.text.strip()]
    if any(starts_with_verb(f.text) for f in ctas):
        return []
    suggestion = 'Start it with a verb: "Book…", "Get…", "Try…".'
    if ctas:
        return [
            _issue(rule, f.name, 0, len(f.text), f'"{f.text.strip()}" does not start with a verb.', suggestion)
            for f in ctas
        ]
    for field in ctx.texts:
        if field.key in ("body", "descriptions", "headlines") and any(
            starts_with_verb(s.group()) for s in SENTENCE.finditer(field.text)
        ):
            return []
    return [_issue(rule, "body", 0, 0, "There is no call to action (a sentence starting with a verb).", suggestion)]


# --- duplicates ------------------------------------------------------------------------------


def shingles(draft: Draft, texts: Sequence[TextField] | None = None) -> frozenset[tuple[str, ...]]:
    """The draft's word 5-grams (`texts`: its text fields, when already read)."""
    texts = text_fields(draft) if texts is None else texts
    words = [w.casefold() for f in texts if f.key not in LINK_KEYS for w in channels.WORD.findall(f.text)]
    if len(words) < SHINGLE_SIZE:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(tuple(words[i : i + SHINGLE_SIZE]) for i in range(len(words) - SHINGLE_SIZE + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def check_duplicates(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    """Near-duplicates among the run's drafts for the same channel (cross-posting to another
    channel is a normal practice; the same post twice on one channel is not)."""
    if not ctx.siblings:
        return None
    known = ctx.shingled
    mine = known[ctx.draft.id] if ctx.draft.id in known else shingles(ctx.draft, ctx.texts)
    others = sorted(
        (s for s in ctx.siblings if s.id != ctx.draft.id and s.channel == ctx.draft.channel),
        key=lambda d: (d.key, str(d.id)),
    )
    issues = []
    for other in others:
        similarity = jaccard(mine, known[other.id] if other.id in known else shingles(other))
        if similarity >= DUPLICATE_JACCARD:
            issues.append(
                _issue(
                    rule,
                    "body",
                    0,
                    len(ctx.draft.body or ""),
                    f"Near-duplicate of {other.key} ({similarity:.0%} of its phrases are shared).",
                    "Rewrite it with another angle, proof point or hook.",
                )
            )
    return issues


# --- readability -----------------------------------------------------------------------------


def prose(text: str) -> str:
    """Text as a reader meets it: no URLs or Markdown marks, every line ending a sentence."""
    lines = []
    for line in text.splitlines():
        line = URL.sub("", line)
        line = re.sub(r"^\s*(?:#{1,6}|[-*+]|\d+[.)]|>)\s+", "", line)
        line = re.sub(r"[*_`]+", "", line).strip()
        if line:
            lines.append(line if line[-1] in ".!?:;" else f"{line}.")
    return " ".join(lines)


def _long_form(ctx: Context) -> str | None:
    text = prose(ctx.draft.body or "")
    return text if len(channels.WORD.findall(text)) >= MIN_WORDS_FOR_READABILITY else None


def check_reading_ease(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    text = _long_form(ctx)
    if text is None:
        return None
    ease = textstat.flesch_reading_ease(text)
    if ease >= READING_EASE_MINOR:
        return []
    severity = Severity.MAJOR if ease < READING_EASE_MAJOR else Severity.MINOR
    return [
        _issue(
            rule,
            "body",
            0,
            len(ctx.draft.body),
            f"Flesch reading ease is {ease:.0f}; aim for {READING_EASE_MINOR:.0f} or more.",
            "Use shorter sentences and everyday words.",
            severity,
        )
    ]


def check_grade_level(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    text = _long_form(ctx)
    if text is None:
        return None
    target = ctx.brief.brand.max_grade_level
    target = DEFAULT_MAX_GRADE if target is None else float(target)
    grade = textstat.flesch_kincaid_grade(text)
    if grade <= target:
        return []
    severity = Severity.MAJOR if grade > target + GRADE_MAJOR_MARGIN else Severity.MINOR
    return [
        _issue(
            rule,
            "body",
            0,
            len(ctx.draft.body),
            f"Grade level is {grade:.1f}; the target is {target:g} or lower.",
            "Split long sentences and prefer short words.",
            severity,
        )
    ]


def sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, words) of each sentence in `text`."""
    found = []
    for match in SENTENCE.finditer(text):
        words = len(channels.WORD.findall(match.group()))
        if words:
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            found.append((start, match.end(), words))
    return found


def check_sentence_length(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if _long_form(ctx) is None:
        return None
    found = sentences(ctx.draft.body)
    long = [s for s in found if s[2] > LONG_SENTENCE_WORDS]
    share = len(long) / len(found) if found else 0.0
    if share <= LONG_SENTENCE_SHARE:
        return []
    start, end, words = max(long, key=lambda s: (s[2], -s[0]))
    return [
        _issue(
            rule,
            "body",
            start,
            end,
            f"{len(long)} of {len(found)} sentences ({share:.0%}) run over {LONG_SENTENCE_WORDS} words; "
            f"keep that under {LONG_SENTENCE_SHARE:.0%}. The longest has {words}.",
            "Split the longest sentences.",
        )
    ]


# --- the rule set ----------------------------------------------------------------------------


def _channels_where(predicate: Callable[[channels.ChannelLimits], bool]) -> frozenset[str]:
    return frozenset(c for c, limits in channels.CHANNEL_LIMITS.items() if predicate(limits))


_HARD = _channels_where(lambda lim: bool(lim.counts) or any(f.hard is not None for f in lim.fields.values()))
_SOFT = _channels_where(
    lambda lim: bool(lim.min_distinct) or any(f.soft is not None or f.soft_min is not None for f in lim.fields.values())
)
_HASHTAG_CAPPED = _channels_where(lambda lim: lim.max_hashtags is not None)

_CRITICAL, _MAJOR, _MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR

RULES: tuple[Rule, ...] = (
    Rule("length.hard", _CRITICAL, "format", "Within the platform's hard length and item limits.", channels=_HARD),
    Rule("length.soft", _MINOR, "format", "Within the visible or recommended length.", channels=_SOFT),
    Rule("terms.banned", _CRITICAL, "terms", "None of the brand's banned terms (whole words, any case)."),
    Rule("terms.preferred", _MINOR, "terms", "The brand's preferred wording instead of the terms it avoids."),
    Rule("terms.required", _MAJOR, "terms", "Names the brand or the product."),
    Rule("scope.exclusions", _CRITICAL, "terms", "Nothing the brief excludes (topics, channels, competitors)."),
    Rule("disclaimer.mandatory", _CRITICAL, "compliance", "Carries each of the brief's disclaimers verbatim."),
    Rule(
        "email.compliance",
        _CRITICAL,
        "compliance",
        "A commercial e-mail carries a postal address and an opt-out.",
        channels=frozenset({"email"}),
    ),
    Rule(
        "disclosure.sponsored",
        _CRITICAL,
        "compliance",
        'Sponsored social posts say "#ad" or "Ad" up front.',
        channels=channels.SOCIAL_CHANNELS,
    ),
    Rule("placeholder", _CRITICAL, "compliance", "No template placeholders, TODOs, lorem ipsum or example links."),
    Rule("claims.superlative", _MAJOR, "claims", "No unsubstantiated superlatives (best, #1, leading, fastest...)."),
    Rule("claims.absolute", _MAJOR, "claims", "No unsubstantiated absolutes (guaranteed, 100%, risk-free...)."),
    Rule("claims.health", _CRITICAL, "claims", "No health claims (cures, clinically proven...)."),
    Rule("claims.finance", _CRITICAL, "claims", "No financial promises (guaranteed returns, get rich...)."),
    Rule("links.syntax", _MAJOR, "format", "Links are absolute https URLs on allowed domains, never shortened."),
    Rule("cta.present", _MAJOR, "format", "Has a call to action that starts with a verb.", channels=CTA_CHANNELS),
    Rule("hashtags.count", _MAJOR, "format", "No more hashtags than the channel allows.", channels=_HASHTAG_CAPPED),
    Rule(
        "readability.ease",
        _MAJOR,
        "readability",
        "Flesch reading ease of 60 or more (major below 50).",
        channels=LONG_FORM_CHANNELS,
    ),
    Rule(
        "readability.grade",
        _MAJOR,
        "readability",
        "Grade level at or below the brief's target (9 by default).",
        channels=LONG_FORM_CHANNELS,
    ),
    Rule(
        "readability.sentences",
        _MINOR,
        "readability",
        "At most 25% of sentences over 20 words.",
        channels=LONG_FORM_CHANNELS,
    ),
    Rule("duplicate", _MAJOR, "originality", "Not a near-duplicate of another draft in the run.", run_level=True),
)

CHECKS: Mapping[str, Check] = MappingProxyType(
    {
        "length.hard": check_length_hard,
        "length.soft": check_length_soft,
        "terms.banned": check_banned_terms,
        "terms.preferred": check_preferred_terms,
        "terms.required": check_required_terms,
        "scope.exclusions": check_exclusions,
        "disclaimer.mandatory": check_disclaimers,
        "email.compliance": check_email_compliance,
        "disclosure.sponsored": check_sponsored_disclosure,
        "placeholder": check_placeholders,
        "claims.superlative": check_superlatives,
        "claims.absolute": check_absolutes,
        "claims.health": check_health_claims,
        "claims.finance": check_finance_claims,
        "links.syntax": check_links,
        "cta.present": check_cta,
        "hashtags.count": check_hashtag_count,
        "readability.ease": check_reading_ease,
        "readability.grade": check_grade_level,
        "readability.sentences": check_sentence_length,
        "duplicate": check_duplicates,
    }
)

RULES_BY_ID: Mapping[str, Rule] = MappingProxyType({r.id: r for r in RULES})
