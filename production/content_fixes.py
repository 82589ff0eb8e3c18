"""Rendering an asset's structured fields into its text, and the mechanical fixes applied to every asset.

Both generators (templates and LLM) hand over structured fields; `finish` then, in order:
applies the brief's preferred terms, removes duplicate hashtags and cuts them to the channel
maximum, puts the sponsorship disclosure first on social posts, adds the brief's mandatory
disclaimers verbatim where they fit, trims at word boundaries to the hard limits (for X it
shortens the body before giving up a disclaimer), and renders the body. Every change is
recorded in `fixes`, so a reviewer sees what a machine changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kernel.channels import CHANNEL_LIMITS, FieldLimit, family_of, hashtags_in, measure

ELLIPSIS = "…"
SPONSORED_PREFIX = "Ad:"
_SPONSORED_START = re.compile(r"^\s*(?:#ad\b|ad\s*[:|\-–—])\s*", re.IGNORECASE)
# Fields that hold addresses, never prose: the swap map and trimming leave them alone.
_VERBATIM_FIELDS = frozenset({"link", "final_url"})
# Soft maxima that are safe to enforce by trimming (short, self-contained fields).
_TRIM_TO_SOFT = frozenset({"subject", "preheader", "meta_description"})
# Shortest text worth keeping when a part is cut to fit; below it the part goes.
_MIN_KEPT = 16


@dataclass(frozen=True)
class BrandRules:
    """What the brief asks of every asset (read from the brief by duck typing)."""

    preferred_terms: tuple[tuple[str, str], ...] = ()
    disclaimers: tuple[str, ...] = ()
    sponsored: bool = False

    @classmethod
    def from_brief(cls, brief: Any) -> BrandRules:
        brand = brief.brand
        return cls(
            preferred_terms=tuple((t.avoid, t.use) for t in brand.preferred_terms if t.avoid and t.use),
            disclaimers=tuple(d.strip() for d in brand.disclaimers if d.strip()),
            sponsored=bool(brief.sponsored),
        )


@dataclass(frozen=True)
class Finished:
    title: str
    body: str
    fields: dict[str, Any]
    fixes: tuple[str, ...]


# --- text helpers ----------------------------------------------------------------------------


def trim_at_word(text: str, max_chars: int) -> str:
    """`text` cut at a word boundary to at most `max_chars` characters, marked with an ellipsis."""
    if len(text) <= max_chars:
        return text
    if max_chars <= len(ELLIPSIS):
        return ""
    cut = text[: max_chars - len(ELLIPSIS) + 1]
    if not cut[-1].isspace():
        cut = cut[: max_chars - len(ELLIPSIS)]
        head, space, _tail = cut.rpartition(" ")
        cut = head if space else ""
    cut = cut.rstrip(" \t\n,;:.-–—(")
    return f"{cut}{ELLIPSIS}" if cut else ""


def clause(text: str) -> str:
    """Text without surrounding space or closing punctuation, to embed in a sentence."""
    return text.strip().rstrip(".!;:,").strip()


def sentence(text: str) -> str:
    """Text as a sentence: a capital first letter and closing punctuation."""
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else f"{text}."


def cta_line(cta: str, link: str) -> str:
    cta = clause(cta)
    if not cta:
        return link
    return f"{cta}: {link}" if link else f"{cta}."


def apply_preferred_terms(text: str, terms: Sequence[tuple[str, str]]) -> tuple[str, list[str]]:
    """Swap each avoided term for the preferred one (whole words, any case, keeping the case shape)."""
    applied = []
    for avoid, use in terms:
        pattern = re.compile(rf"(?<!\w){re.escape(avoid)}(?!\w)", re.IGNORECASE)
        text, count = pattern.subn(lambda m, use=use: _same_case(m.group(0), use), text)
        if count:
            applied.append(f"{avoid} -> {use}")
    return text, applied


def _same_case(found: str, replacement: str) -> str:
    if found.isupper() and len(found) > 1:
        return replacement.upper()
    if found[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# --- rendering -------------------------------------------------------------------------------


def render_body(family: str, fields: dict[str, Any]) -> str:
    return _RENDERERS[family](fields)


def _render_social(f: dict[str, Any]) -> str:
    opening = " ".join(p for p in (f.get("disclosure", ""), f.get("hook", "")) if p)
    hashtags = " ".join(f.get("hashtags", []))
    parts = [
        opening,
        f.get("value", ""),
        f.get("proof", ""),
        f.get("offer", ""),
        f.get("question", ""),
        _social_cta(f),
        hashtags,
        *f.get("disclaimers", []),
    ]
    return "\n\n".join(p for p in parts if p)


def _social_cta(f: dict[str, Any]) -> str:
    if f.get("link_in_bio") and f.get("link"):
        return f"{clause(f.get('cta', ''))} (link in bio)." if clause(f.get("cta", "")) else "Link in bio."
    return cta_line(f.get("cta", ""), f.get("link", ""))


def _render_email(f: dict[str, Any]) -> str:
    parts = [
        f.get("greeting", ""),
        f.get("hook", ""),
        f.get("value", ""),
        f.get("proof", ""),
        f.get("offer", ""),
        cta_line(f.get("cta", ""), f.get("link", "")),
        f.get("signoff", ""),
        *f.get("disclaimers", []),
        "--",
        f.get("footer", ""),
    ]
    return "\n\n".join(p for p in parts if p)


def _render_blog(f: dict[str, Any]) -> str:
    parts = [f"# {f.get('title', '')}"]
    for section in f.get("sections", []):
        if section.get("heading"):
            parts.append(f"## {section['heading']}")
        parts.extend(p for p in section.get("paragraphs", []) if p)
    parts.append(cta_line(f.get("cta", ""), f.get("link", "")))
    parts.extend(f.get("disclaimers", []))
    return "\n\n".join(p for p in parts if p)


def _render_rsa(f: dict[str, Any]) -> str:
    return "\n".join(f.get("headlines", [])) + "\n\n" + "\n".join(f.get("descriptions", []))


_RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "social": _render_social,
    "email": _render_email,
    "blog": _render_blog,
    "rsa": _render_rsa,
}


# --- the fixes -------------------------------------------------------------------------------


def finish(*, channel: str, asset_type: str, title: str, fields: dict[str, Any], rules: BrandRules) -> Finished:
    """Apply the mechanical fixes to generated fields and render the asset's body."""
    family = family_of(channel, asset_type)
    fields = _deep_copy(fields)
    fixes: list[str] = []
    title, fields = _preferred_terms(title, fields, rules, fixes)
    if family == "blog":
        fields["title"] = title
    if family == "social":
        _disclosure(fields, rules, fixes)
        _hashtags(channel, fields, fixes)
    _disclaimers(family, fields, rules, fixes)
    title = _fit_scalar("title", title, channel, fixes)
    if family == "blog":
        fields["title"] = title
    _fit_fields(channel, family, fields, fixes)
    if family == "social":
        _fit_social_body(channel, fields, fixes)
    if not fields.get("disclosure"):
        fields.pop("disclosure", None)
    return Finished(title=title, body=render_body(family, fields), fields=fields, fixes=tuple(fixes))


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_deep_copy(v) for v in value]
    return value


def _preferred_terms(
    title: str, fields: dict[str, Any], rules: BrandRules, fixes: list[str]
) -> tuple[str, dict[str, Any]]:
    applied: list[str] = []

    def swap(value: Any, key: str = "") -> Any:
        if key in _VERBATIM_FIELDS:
            return value
        if isinstance(value, str):
            new, done = apply_preferred_terms(value, rules.preferred_terms)
            applied.extend(done)
            return new
        if isinstance(value, dict):
            return {k: swap(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    title = swap(title)
    fields = swap(fields)
    for swap_done in dict.fromkeys(applied):
        fixes.append(f"terms.preferred: {swap_done}")
    return title, fields


def _hashtags(channel: str, fields: dict[str, Any], fixes: list[str]) -> None:
    tags = []
    seen: set[str] = set()
    for raw in fields.get("hashtags", []):
        tag = "#" + raw.strip().lstrip("#").replace(" ", "")
        if len(tag) > 1 and tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    if len(tags) < len(fields.get("hashtags", [])):
        fixes.append("hashtags.deduplicated")
    limit = CHANNEL_LIMITS[channel].max_hashtags if channel in CHANNEL_LIMITS else None
    if limit is not None:
        inline = len(hashtags_in(_render_social({**fields, "hashtags": []})))
        keep = max(0, limit - inline)
        if len(tags) > keep:
            fixes.append(f"hashtags.cut: {len(tags) + inline} -> {keep + inline} (the {channel} maximum is {limit})")
            tags = tags[:keep]
    fields["hashtags"] = tags


def _disclosure(fields: dict[str, Any], rules: BrandRules, fixes: list[str]) -> None:
    if not rules.sponsored:
        fields.pop("disclosure", None)
        return
    hook = fields.get("hook", "")
    stripped = _SPONSORED_START.sub("", hook, count=1)
    fields["hook"] = stripped
    fields["disclosure"] = SPONSORED_PREFIX
    fixes.append(f"disclosure.sponsored: '{SPONSORED_PREFIX}' put first")


def _disclaimers(family: str, fields: dict[str, Any], rules: BrandRules, fixes: list[str]) -> None:
    if not rules.disclaimers:
        return
    if family == "rsa":
        _rsa_disclaimers(fields, rules, fixes)
        return
    present = render_body(family, {**fields, "disclaimers": []})
    added = [d for d in rules.disclaimers if d not in present]
    fields["disclaimers"] = added
    for disclaimer in added:
        fixes.append(f"disclaimer.added: {disclaimer}")


def _rsa_disclaimers(fields: dict[str, Any], rules: BrandRules, fixes: list[str]) -> None:
    rsa = CHANNEL_LIMITS["google_ads"]
    hard = rsa.fields["descriptions"].hard
    _fewest, most = rsa.counts["descriptions"]
    descriptions = list(fields.get("descriptions", []))
    for disclaimer in rules.disclaimers:
        if disclaimer in descriptions:
            continue
        if len(disclaimer) <= hard and len(descriptions) < most:
            descriptions.append(disclaimer)
            fixes.append(f"disclaimer.added: {disclaimer}")
        else:
            fixes.append(f"disclaimer.not_fitting: a responsive search ad has no room for {disclaimer!r}")
    fields["descriptions"] = descriptions


def _limit(channel: str, name: str) -> FieldLimit | None:
    limits = CHANNEL_LIMITS.get(channel)
    return limits.fields.get(name) if limits else None


def _max_for(limit: FieldLimit | None, name: str) -> int | None:
    if limit is None:
        return None
    if limit.hard is not None:
        return limit.hard
    return limit.soft if name in _TRIM_TO_SOFT else None


def _fit_scalar(name: str, text: str, channel: str, fixes: list[str]) -> str:
    limit = _limit(channel, name)
    most = _max_for(limit, name)
    if most is None or limit is None or limit.unit != "chars" or len(text) <= most:
        return text
    fixes.append(f"length.trimmed: {name} to {most} characters")
    return trim_at_word(text, most)


def _fit_fields(channel: str, family: str, fields: dict[str, Any], fixes: list[str]) -> None:
    for name, value in list(fields.items()):
        if name == "body" or name in _VERBATIM_FIELDS:
            continue
        if isinstance(value, str):
            fields[name] = _fit_scalar(name, value, channel, fixes)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            fields[name] = [_fit_scalar(name, v, channel, fixes) for v in value]
            fields[name] = [v for v in dict.fromkeys(fields[name]) if v]


# Parts of a social post given up, in this order, to fit a hard limit: extra hashtags, then the
# question, proof and offer (whole: a fact cut in half misleads), the last hashtag, then the
# value and finally the hook are trimmed at a word boundary. The call to action, the link, the
# disclosure and the disclaimers stay.
_DROP_ORDER = ("question", "proof", "offer")
_TRIM_ORDER = ("value", "hook")


def _fit_social_body(channel: str, fields: dict[str, Any], fixes: list[str]) -> None:
    limit = _limit(channel, "body")
    if limit is None or limit.hard is None:
        return

    def over() -> int:
        return measure(_render_social(fields), limit.unit) - limit.hard

    if over() <= 0:
        return
    touched: list[str] = []

    def give_up(part: str, shorten: bool) -> None:
        while over() > 0 and fields.get(part):
            if part == "hashtags":
                fields["hashtags"] = fields["hashtags"][:-1]
                if shorten and len(fields["hashtags"]) <= 1:
                    break
            elif shorten:
                text = fields[part]
                shorter = trim_at_word(text, max(0, len(text) - over() - 1))
                fields[part] = shorter if len(shorter) >= _MIN_KEPT else ""
            else:
                fields[part] = ""
            if part not in touched:
                touched.append(part)

    give_up("hashtags", shorten=True)
    for part in _DROP_ORDER:
        give_up(part, shorten=False)
    give_up("hashtags", shorten=False)
    for part in _TRIM_ORDER:
        give_up(part, shorten=True)
    unit = "weighted characters" if limit.unit == "weighted" else "characters"
    fixes.append(f"length.trimmed: body to {limit.hard} {unit} ({', '.join(touched)})")
    while over() > 0 and fields.get("disclaimers"):
        dropped = fields["disclaimers"].pop()
        fixes.append(f"disclaimer.not_fitting: {dropped!r} does not fit in {limit.hard} {unit}")
