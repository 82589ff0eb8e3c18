"""What every QC rule is made of: the registry (a rule registers with its check), the text of a
draft as fields, the context a check reads, and the helpers the rule families share.

A check reads one draft (all of its text fields) with the brief and returns the issues it found,
each located by field and span with a message that quotes the words at fault, or None when the
brief gives it nothing to check (no banned terms, not a sponsored brief, a post too short for
readability scores): such a rule is not counted as applied.

Word lists and thresholds live in `data/<family>.yaml` beside the family's module. The version
every result records is `RULESET_VERSION` plus a digest of the registered rules and those files,
so a changed list or threshold can never be recorded under an old version.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import yaml
from django.core.exceptions import ImproperlyConfigured

from kernel import channels
from kernel.text import TermHit, find_terms, folded_matches
from kernel.text import fold as fold_term
from production.domain import Draft, QCIssue, Severity

if TYPE_CHECKING:
    from onboarding.domain import Brief

# The readable part of the version; the digest after it changes by itself with any rule or data.
RULESET_VERSION = "qc-rules-2026.1"
DATA_DIR = Path(__file__).resolve().parent / "data"

T = TypeVar("T")


# --- the registry ----------------------------------------------------------------------------

Check = Callable[["Rule", "Context"], "list[QCIssue] | None"]


@dataclass(frozen=True)
class Rule:
    """One QC rule and its check. Empty `channels` / `asset_types` mean every channel / asset type."""

    id: str
    severity: Severity
    category: str
    description: str
    check: Check = dataclasses.field(compare=False, repr=False)
    channels: frozenset[str] = frozenset()
    asset_types: frozenset[str] = frozenset()
    # A run-level rule compares a draft with the other drafts of its run (it needs them to apply).
    run_level: bool = False

    def fits(self, draft: Draft) -> bool:
        return (not self.channels or draft.channel in self.channels) and (
            not self.asset_types or draft.asset_type in self.asset_types
        )


_REGISTRY: dict[str, Rule] = {}

DUPLICATE_RULE = "QC rule {rule_id!r} is registered twice ({first} and {second})."


def register(
    rule_id: str,
    severity: Severity,
    category: str,
    description: str,
    *,
    channels: frozenset[str] | set[str] = frozenset(),
    asset_types: frozenset[str] | set[str] = frozenset(),
    run_level: bool = False,
) -> Callable[[Check], Check]:
    """Register the decorated function as the check of rule `rule_id` (ids are unique)."""

    def decorator(check: Check) -> Check:
        if rule_id in _REGISTRY:
            first = _REGISTRY[rule_id].check
            raise ImproperlyConfigured(
                DUPLICATE_RULE.format(
                    rule_id=rule_id,
                    first=f"{first.__module__}.{first.__qualname__}",
                    second=f"{check.__module__}.{check.__qualname__}",
                )
            )
        _REGISTRY[rule_id] = Rule(
            id=rule_id,
            severity=severity,
            category=category,
            description=description,
            check=check,
            channels=frozenset(channels),
            asset_types=frozenset(asset_types),
            run_level=run_level,
        )
        return check

    return decorator


def registered() -> tuple[Rule, ...]:
    """Every registered rule, in registration order."""
    return tuple(_REGISTRY.values())


def unregister(rule_id: str) -> None:
    """Forget a rule (for tests that register throwaway rules)."""
    _REGISTRY.pop(rule_id, None)


@cache
def load_data(family: str) -> Mapping[str, Any]:
    """The word lists and thresholds of one rule family (`data/<family>.yaml`), read once."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (DATA_DIR / f"{family}.yaml").open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)


def ruleset_digest(rules: Sequence[Rule]) -> str:
    """A digest of the rules (id, severity, category, scope) and every data file they read."""
    digest = hashlib.sha256()
    for rule in sorted(rules, key=lambda r: r.id):
        scope = ",".join(sorted(rule.channels)) + "|" + ",".join(sorted(rule.asset_types))
        digest.update(f"{rule.id}|{rule.severity}|{rule.category}|{scope}|{rule.run_level}\n".encode())
    for path in sorted(DATA_DIR.glob("*.yaml")):
        digest.update(path.name.encode() + b"\n" + path.read_bytes())
    return digest.hexdigest()[:8]


# --- reading a draft -------------------------------------------------------------------------

LINK_KEYS = frozenset({"link", "url", "links", "final_url"})
# Parts of an asset that are notes for the people producing it or settings of an ad account, not
# words the audience reads.
INTERNAL_KEYS = frozenset(
    {
        "visual_brief",
        "negative_keywords",
        "keywords",
        "ad_group",
        "focus_keyword",
        "pins",
        "notes",
        "landing_page_note",
        "sources",
    }
)


@dataclass(frozen=True)
class TextField:
    """One piece of a draft's text: `name` is what issues report ("body", "subject", "headlines[2]"),
    `key` the top-level field it belongs to ("body", "subject", "headlines"), which is also the
    channel-limits key, and `kind` what it is: "copy" (read by the audience), "link" or "internal"."""

    name: str
    key: str
    text: str
    kind: str = "copy"

    @property
    def is_copy(self) -> bool:
        return self.kind == "copy"


def text_fields(draft: Draft) -> tuple[TextField, ...]:
    """Every text of a draft in a stable order: title, body, then `fields` by key (list items by index)."""
    found = [TextField("title", "title", draft.title or ""), TextField("body", "body", draft.body or "")]
    for key in sorted(draft.fields):
        name = f"fields.{key}" if key in ("title", "body") else key
        _collect(name, name, key, draft.fields[key], found)
    return tuple(found)


def _kind(top: str, leaf: str) -> str:
    if top in INTERNAL_KEYS or leaf in INTERNAL_KEYS:
        return "internal"
    links = top in LINK_KEYS or leaf in LINK_KEYS or top.endswith("_url") or leaf.endswith("_url")
    return "link" if links else "copy"


def _collect(name: str, key: str, leaf: str, value: Any, found: list[TextField]) -> None:
    if isinstance(value, str):
        found.append(TextField(name, key, value, _kind(key, leaf)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _collect(f"{name}[{index}]", key, leaf, item, found)
    elif isinstance(value, dict):
        for sub in sorted(value):
            _collect(f"{name}.{sub}", key, str(sub), value[sub], found)


def word_count(texts: Sequence[TextField]) -> int:
    return sum(len(channels.WORD.findall(t.text)) for t in texts if t.is_copy)


# --- what a check reads ----------------------------------------------------------------------


class Document:
    """A draft's text fields joined into one string, so a pattern scans a draft once.

    Fields are separated by a line holding a NUL character: no word, no run of spaces and no
    line-anchored pattern crosses from one field into the next. Matches are reported per field
    with offsets inside that field.
    """

    SEPARATOR = "\n\x00\n"

    def __init__(self, texts: Sequence[TextField]) -> None:
        self.fields = tuple(texts)
        self.starts: list[int] = []
        position = 0
        for field in self.fields:
            self.starts.append(position)
            position += len(field.text) + len(self.SEPARATOR)
        self.text = self.SEPARATOR.join(f.text for f in self.fields)

    @functools.cached_property
    def folded(self) -> str:
        """`kernel.text.fold` of the whole draft, for quick "is this word anywhere?" checks."""
        return fold_term(self.text)

    def locate(self, start: int, end: int) -> tuple[TextField, int, int]:
        """The field holding text[start:end], and the offsets inside it."""
        index = bisect.bisect_right(self.starts, start) - 1
        offset = self.starts[index]
        return self.fields[index], start - offset, end - offset

    def find_terms(
        self, terms: Sequence[str], *, allowed_phrases: Sequence[str] = ()
    ) -> Iterator[tuple[TextField, TermHit]]:
        """`kernel.text.find_terms` over every field at once; each hit with its field, offsets inside it."""
        for hit in find_terms(self.text, terms, allowed_phrases=allowed_phrases):
            field, start, end = self.locate(hit.start, hit.end)
            yield field, TermHit(term=hit.term, start=start, end=end, matched=hit.matched)

    def search(self, pattern: re.Pattern[str], *, folded: bool = True) -> Iterator[tuple[TextField, int, int]]:
        """Matches of `pattern` (over folded text unless `folded` is False) as (field, start, end)."""
        if folded:
            for _match, start, end in folded_matches(pattern, self.text):
                yield self.locate(start, end)
        else:
            for match in pattern.finditer(self.text):
                yield self.locate(match.start(), match.end())


class Memo:
    """Values derived once from one source (a brief, a run) and shared by every check that asks.

    `memo.get(build)` returns `build(source)`, computed on the first call: a rule family keeps
    its compiled patterns per brief this way, so they are built once per run, not per draft.
    """

    def __init__(self, source: Any) -> None:
        self.source = source
        self._values: dict[Callable[[Any], Any], Any] = {}

    def get(self, build: Callable[[Any], T]) -> T:
        try:
            return self._values[build]
        except KeyError:
            value = self._values[build] = build(self.source)
            return value


@dataclass(frozen=True)
class RunDrafts:
    """The drafts of one run with their text fields, read once, for the rules that compare drafts."""

    drafts: tuple[Draft, ...]
    texts: Mapping[Any, tuple[TextField, ...]]

    @classmethod
    def of(cls, drafts: Sequence[Draft], texts: Mapping[Any, tuple[TextField, ...]] | None = None) -> RunDrafts:
        known = dict(texts or {})
        for draft in drafts:
            if draft.id not in known:
                known[draft.id] = text_fields(draft)
        return cls(drafts=tuple(drafts), texts=known)


@dataclass(frozen=True)
class Context:
    """What a check reads: the draft, its text fields, the brief, and (for run-level rules) the run.

    `facts` holds what rules derive from the brief (compiled once per brief) and `run` what they
    derive from the run's drafts (once per run); run-level rules apply only when `run` is given.
    """

    draft: Draft
    brief: Brief
    texts: tuple[TextField, ...]
    facts: Memo
    run: Memo | None = None
    # Planning notes beyond the brief's (the strategy's tactics): never to appear in public copy.
    notes: tuple[str, ...] = ()

    @functools.cached_property
    def doc(self) -> Document:
        """The draft's fields as one text, searched once per pattern instead of once per field."""
        return Document(self.texts)

    @functools.cached_property
    def local(self) -> Memo:
        """What several rules derive from this draft (memoised for the draft's evaluation)."""
        return Memo(self)

    @property
    def siblings(self) -> tuple[Draft, ...]:
        return self.run.source.drafts if self.run is not None else ()

    def copy_fields(self) -> Iterator[TextField]:
        """The fields the audience reads (not links, not notes for the producer)."""
        return (f for f in self.texts if f.is_copy)


def context_for(
    draft: Draft,
    brief: Brief,
    *,
    facts: Memo | None = None,
    run: Memo | None = None,
    texts: tuple[TextField, ...] | None = None,
    notes: Sequence[str] = (),
) -> Context:
    return Context(
        draft=draft,
        brief=brief,
        texts=text_fields(draft) if texts is None else texts,
        facts=Memo(brief) if facts is None else facts,
        run=run,
        notes=tuple(n for n in notes if n and n.strip()),
    )


# --- building issues -------------------------------------------------------------------------


def issue(
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


QUOTE_LIMIT = 80


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """Words as a message quotes them: on one line, single-quoted, long ones shortened in the middle."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        half = (limit - 3) // 2
        head, tail = flat[:half], flat[-half:]
        # Cut between words: the quote shows whole words on both sides of the "...".
        head = head[: head.rfind(" ")] if " " in head else head
        tail = tail[tail.find(" ") + 1 :] if " " in tail else tail
        flat = f"{head}...{tail}"
    return f"'{flat}'"


CONTEXT_CHARS = 30


def around(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> str:
    """The words around text[start:end], marked with "..." where cut: "...of Small Luxury Hotels..."."""
    left = max(0, start - chars)
    right = min(len(text), end + chars)
    if left > 0:
        space = text.find(" ", left, start)
        left = space + 1 if space != -1 else left
    if right < len(text):
        space = text.rfind(" ", end, right)
        right = space if space != -1 else right
    snippet = " ".join(text[left:right].split())
    return f"{'...' if left > 0 else ''}{snippet}{'...' if right < len(text) else ''}"


def field_named(ctx: Context, name: str) -> TextField | None:
    return next((f for f in ctx.texts if f.name == name), None)


def end_of(ctx: Context, *names: str) -> tuple[str, int]:
    """Where an addition belongs: the end of the first of `names` the draft has (else the body)."""
    for name in names:
        found = field_named(ctx, name)
        if found is not None:
            return found.name, len(found.text)
    return "body", len(ctx.draft.body or "")


# --- words and comparisons -------------------------------------------------------------------


def presence_key(text: str) -> str:
    """Case-, accent-, look-alike- and spacing-insensitive form, for presence checks ("Zoe cafe"
    finds "Zoë Café")."""
    decomposed = _COMBINING.sub("", _nfkd(fold_term(text)))
    return " ".join(decomposed.split())


_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@lru_cache(maxsize=1024)
def _nfkd(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKD", text)


def loose_key(text: str) -> str:
    """`presence_key` without punctuation, so "1 Rue de Lyon, Paris" matches "1 rue de Lyon - Paris"."""
    return " ".join(re.sub(r"[^\w\s]", " ", presence_key(text)).split())


TOKEN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=8192)
def tokens(text: str) -> tuple[str, ...]:
    """The words of `text` for sequence comparisons: folded, accents kept, split at any non-letter
    ("Month-end close: 2,000" -> month, end, close, 2, 000)."""
    return tuple(TOKEN.findall(fold_term(text)))


def clean_terms(terms: Sequence[str]) -> list[str]:
    """The non-blank terms, each once (compared folded), as the brief wrote them."""
    seen: dict[str, str] = {}
    for term in terms:
        if term and term.strip() and presence_key(term) not in seen:
            seen[presence_key(term)] = term.strip()
    return list(seen.values())


def match_case(replacement: str, matched: str) -> str:
    if matched[:1].isupper() and replacement:
        return replacement[0].upper() + replacement[1:]
    return replacement


# --- links -----------------------------------------------------------------------------------

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]{}]+", re.IGNORECASE)


def without_urls(text: str, replacement: str = " ") -> str:
    """`text` with each URL replaced (most texts have none: checked before the pattern runs)."""
    lowered = text.lower()
    if "://" not in text and "www." not in lowered:
        return text
    return URL.sub(replacement, text)


@lru_cache(maxsize=4096)
def url_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each URL in `text`, trailing punctuation left out.

    Remembered per text: every prose-only rule asks again about the same fields."""
    spans = []
    for match in URL.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in ".,;:!?":
            end -= 1
        spans.append((match.start(), end))
    return tuple(spans)


def urls(field: TextField) -> Iterator[tuple[int, int, str]]:
    """URLs written in a text; a link field's whole value is one URL, even a malformed one."""
    if field.kind == "link":
        value = field.text.strip()
        if value:
            start = field.text.index(value)
            yield start, start + len(value), value
        return
    for start, end in url_spans(field.text):
        yield start, end, field.text[start:end]


def in_url(field: TextField, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in url_spans(field.text))


def matches(
    pattern: re.Pattern[str], ctx: Context, *, prose_only: bool = False
) -> Iterator[tuple[TextField, int, int, str]]:
    """(field, start, end, words) of each match of `pattern` over the folded text of the draft
    (so look-alike letters cannot hide a word); `prose_only` skips links (a URL slug is not a
    claim), notes for the producer and URLs inside prose."""
    for field, start, end in ctx.doc.search(pattern):
        if prose_only and (not field.is_copy or in_url(field, start, end)):
            continue
        yield field, start, end, field.text[start:end]


def domain_of(value: str) -> str:
    value = value.strip().lower()
    if not value:
        return ""
    try:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def allowed_domains(brief: Brief) -> tuple[str, ...]:
    """The brand's allowed link domains; by default the client's website and the product URL."""
    configured = [domain_of(d) for d in brief.brand.allowed_domains]
    if not any(configured):
        configured = [domain_of(brief.client.website), domain_of(brief.product.url)]
    return tuple(sorted({d for d in configured if d}))


def domain_allowed(host: str, allowed: Sequence[str]) -> bool:
    return any(host == d or host.endswith(f".{d}") for d in allowed)


# --- lists in fields -------------------------------------------------------------------------


def list_items(draft: Draft, key: str) -> list[str]:
    value = draft.fields.get(key)
    items = [value] if isinstance(value, str) else (value or [])
    return [i for i in items if isinstance(i, str) and i.strip()]


def listed_hashtags(draft: Draft) -> list[str]:
    return [f"#{t.strip().lstrip('#')}" for t in list_items(draft, "hashtags") if t.strip().lstrip("#")]
