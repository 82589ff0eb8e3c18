"""The structured asset an LLM must return per family, how it is checked, and what code adds to it.

The model writes the words; it never writes what must be exact. Its JSON is checked against the
family's JSON Schema (fields, types, counts, lengths), then for whole fields (no ellipsis, no
trailing article, preposition or conjunction), banned terms and excluded topics; anything short of
the contract is a `MalformedCompletion` (the caller falls back or fails; nothing is trimmed).
Then code adds the tracked link, the brand's own hashtags (invented ones are dropped), the
sponsorship disclosure, the brief's disclaimers verbatim and the e-mail footer.
"""

from __future__ import annotations

import re
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jsonschema

from kernel.channels import CHANNEL_LIMITS, family_of, measure
from kernel.text import find_terms
from production.writer.core import Asset, Composer, WritingLog, fold
from production.writer.email import unsubscribe_link
from production.writer.facts import facts_of
from production.writer.grammar import clause, slug
from production.writer.social import HASHTAGS, SPONSORED_PREFIX
from production.writer.voice import revised, voice_of

if TYPE_CHECKING:
    from onboarding.domain import Brief

# Shown to the model: what each key holds.
FAMILY_SHAPES: dict[str, dict[str, str]] = {
    "social": {
        "title": "string: a short internal title",
        "body": "string: the post text (short paragraphs), without link, hashtags or disclaimers",
        "cta": "string: the call to action, starting with a verb that fits the product kind",
        "hashtags": "array of strings: only the brand's own hashtags, or none",
        "visual_brief": "string: what the image or video shows (Instagram and Facebook)",
        "alt_text": "string: under 125 characters, what a screen reader says (Instagram and Facebook)",
    },
    "email": {
        "subject": "string: 30-60 characters, specific and honest",
        "preheader": "string: 40-90 characters, adds to the subject, never repeats it",
        "body": "string: greeting and paragraphs with one job, no sign-off, no link, no footer",
        "cta": "string: the button text, starting with a verb",
        "signoff": "string: a sign-off in the brand's voice",
    },
    "blog": {
        "title": "string: under 60 characters, holds the focus keyword",
        "focus_keyword": "string: the search term the article answers",
        "meta_description": "string: at most 155 characters, a whole sentence",
        "sections": "array of objects {heading: a question, paragraphs: array of strings}; 800-1,500 words in all",
        "cta": "string: a call to action starting with a verb",
    },
    "rsa": {
        "headlines": "array of 12-15 distinct strings, each at most 30 characters and whole",
        "descriptions": "array of 2-4 strings, each at most 90 characters and whole",
        "path1": "string: at most 15 characters, from the keyword theme",
        "path2": "string: at most 15 characters, from the keyword theme",
        "callouts": "array of strings of at most 25 characters, from the facts",
        "cta": "string: a call to action starting with a verb",
    },
}

_TEXT = {"type": "string", "minLength": 1}
SCHEMAS: dict[str, dict[str, Any]] = {
    "social": {
        "type": "object",
        "required": ["body", "cta"],
        "properties": {
            "title": {"type": "string"},
            "body": _TEXT,
            "cta": _TEXT,
            "hashtags": {"type": "array", "items": {"type": "string"}},
            "visual_brief": {"type": "string"},
            "alt_text": {"type": "string", "maxLength": 125},
        },
    },
    "email": {
        "type": "object",
        "required": ["subject", "preheader", "body", "cta"],
        "properties": {
            "subject": {"type": "string", "minLength": 30, "maxLength": 60},
            "preheader": {"type": "string", "minLength": 40, "maxLength": 90},
            "body": _TEXT,
            "cta": _TEXT,
            "signoff": {"type": "string"},
        },
    },
    "blog": {
        "type": "object",
        "required": ["title", "meta_description", "sections", "cta"],
        "properties": {
            "title": _TEXT,
            "focus_keyword": {"type": "string"},
            "meta_description": {"type": "string", "minLength": 1, "maxLength": 155},
            "sections": {
                "type": "array",
                "minItems": 3,
                "items": {
                    "type": "object",
                    "required": ["heading", "paragraphs"],
                    "properties": {
                        "heading": _TEXT,
                        "paragraphs": {"type": "array", "minItems": 1, "items": _TEXT},
                    },
                },
            },
            "cta": _TEXT,
        },
    },
    "rsa": {
        "type": "object",
        "required": ["headlines", "descriptions"],
        "properties": {
            "headlines": {
                "type": "array",
                "minItems": 12,
                "maxItems": 15,
                "uniqueItems": True,
                "items": {"type": "string", "minLength": 1, "maxLength": 30},
            },
            "descriptions": {
                "type": "array",
                "minItems": 2,
                "maxItems": 4,
                "items": {"type": "string", "minLength": 1, "maxLength": 90},
            },
            "path1": {"type": "string", "maxLength": 15},
            "path2": {"type": "string", "maxLength": 15},
            "callouts": {"type": "array", "items": {"type": "string", "maxLength": 25}},
            "cta": {"type": "string"},
        },
    },
}
# A whole field does not end on these words or with an ellipsis.
DANGLING = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "of",
        "to",
        "for",
        "with",
        "in",
        "on",
        "at",
        "by",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "as",
        "than",
        "then",
        "your",
        "our",
        "their",
        "its",
        "my",
        "his",
        "her",
    ]
)
_ELLIPSIS = re.compile(r"(?:…|\.\.\.)\s*$")


class MalformedCompletion(ValueError):
    """The endpoint answered, but not with an asset that meets the family's contract."""


@lru_cache(maxsize=8)
def _validator(family: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(SCHEMAS[family])


def check_shape(data: dict[str, Any], family: str) -> None:
    errors = sorted(_validator(family).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        where = "/".join(str(p) for p in errors[0].absolute_path) or "(top level)"
        raise MalformedCompletion(f"{where}: {errors[0].message}")


def whole(text: str) -> bool:
    """The field ends as a phrase ends: no ellipsis, no trailing article, preposition or conjunction."""
    words = re.findall(r"[\w'’-]+", text.lower())
    if not words or _ELLIPSIS.search(text):
        return False
    # A quotation ends where its speaker ended it ("...I'll actually stick to.").
    # A question may end on its preposition ("Who is it for?").
    return text.rstrip().endswith(("”", '"', "?")) or words[-1] not in DANGLING


def _check_words(data: dict[str, Any], brief: Brief) -> None:
    facts = facts_of(brief)
    texts = list(_strings(data))
    for text in texts:
        hits = find_terms(text, (*facts.banned, *facts.exclusions), allowed_phrases=facts.allowed_phrases)
        if hits:
            raise MalformedCompletion(f"it uses {hits[0].matched!r}, which the brief bans or excludes: {text!r}")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    return []


def cut_from(text: str, facts: list[str], names: tuple[str, ...] = ()) -> bool:
    """`text` is the start of a longer brief fact, cut short ("Close the books in 4 working");
    a name ("Tracewell") is whole even where a fact begins with it."""
    mine = fold(clause(text))
    if any(mine == fold(name) for name in names):
        return False
    return len(mine) > 8 and any(
        (theirs := fold(clause(fact))) != mine and theirs.startswith(mine) and theirs[len(mine)] == " "
        for fact in facts
    )


def _check_whole(fields: list[tuple[str, str]], facts: list[str] = (), names: tuple[str, ...] = ()) -> None:
    for name, text in fields:
        if text and (not whole(text) or cut_from(text, list(facts), names)):
            raise MalformedCompletion(f"{name} {text!r} is not whole (it ends mid-phrase)")


def _brief_sentences(c: Composer) -> list[str]:
    facts = c.facts
    texts = [v.fact.text for v in facts.values] + [p.text for p in facts.proofs]
    texts += [f.text for f in (facts.offer, facts.description, facts.price) if f is not None]
    return texts


def finish_llm_asset(
    data: dict[str, Any],
    *,
    brief: Brief,
    channel: str,
    asset_type: str,
    key: str,
    scheduled_at: datetime,
    template: str,
    unsubscribe_url: str = "",
    tone: str = "",
) -> Asset:
    """The model's JSON, checked against the family's contract, with the exact parts added by code
    (in the voice the strategy's revised `tone` asks for)."""
    family = family_of(channel, asset_type)
    check_shape(data, family)
    _check_words(data, brief)
    facts = facts_of(brief)
    c = Composer(
        facts=facts,
        voice=revised(voice_of(brief.brand.tone, brief.brand.voice_notes), tone),
        channel=channel,
        asset_type=asset_type,
        key=key,
        pillar=None,
        occasion="",
        scheduled_at=scheduled_at,
        log=WritingLog(),
    )
    c.use(facts.product.source)
    finisher = {"social": _social, "email": _email, "blog": _blog, "rsa": _rsa}[family]
    asset = finisher(c, data, unsubscribe_url)
    return Asset(
        title=asset.title,
        body=asset.body,
        fields=asset.fields,
        template=template,
        sources=tuple(dict.fromkeys([*_fact_sources(brief), *asset.sources])),
        notes=asset.notes,
    )


def _fact_sources(brief: Brief) -> list[str]:
    """Every brief field the prompt handed to the model."""
    facts = facts_of(brief)
    found = [facts.product.source, facts.client.source]
    for fact in (facts.description, facts.category, facts.alternative, facts.offer, facts.price):
        if fact is not None:
            found.append(fact.source)
    found += [p.fact.source for p in facts.pains] + [v.fact.source for v in facts.values]
    found += [p.source for p in facts.proofs] + [q.fact.source for q in (*facts.phrases, *facts.testimonials)]
    return found


def _brand_tags(c: Composer, proposed: list[str]) -> list[str]:
    """The model's hashtags that are the brand's own, up to the channel's number."""
    own = {fold(t.text): t for t in c.facts.hashtags}
    chosen = []
    for tag in proposed:
        found = own.get(fold("#" + tag.strip().lstrip("#")))
        if found is not None and found.text not in chosen:
            chosen.append(found.text)
            c.use(found.source)
    return chosen[: HASHTAGS.get(c.channel, 2)]


def _social(c: Composer, data: dict[str, Any], _unsubscribe: str) -> Asset:
    body, cta = data["body"].strip(), clause(data["cta"])
    _check_whole([("cta", cta)])
    paid = c.facts.sponsored
    link = c.link(paid=paid)
    tags = _brand_tags(c, data.get("hashtags", []))
    if c.channel == "instagram":
        ending = f"{cta}. Link in bio." if link else f"{cta}."
    else:
        ending = f"{cta}: {link}" if link else f"{cta}."
    parts = [f"{SPONSORED_PREFIX} {body}" if paid else body, ending, " ".join(tags), *c.facts.disclaimers]
    text = "\n\n".join(p for p in parts if p)
    limits = CHANNEL_LIMITS.get(c.channel)
    body_limit = limits.fields.get("body") if limits else None
    if body_limit and body_limit.hard and measure(text, body_limit.unit) > body_limit.hard:
        raise MalformedCompletion(f"the post is over {body_limit.hard} {body_limit.unit} with its link and disclaimers")
    fields: dict[str, Any] = {"cta": cta, "link": link, "hashtags": tags}
    if c.channel in ("instagram", "facebook"):
        visual, alt = data.get("visual_brief", "").strip(), data.get("alt_text", "").strip()
        if not visual or not alt:
            raise MalformedCompletion(f"a {c.channel} post needs a visual_brief and alt_text")
        fields |= {"visual_brief": visual, "alt_text": alt}
    if c.channel == "instagram" and link:
        fields["link_in_bio"] = True
    title = clause(data.get("title") or body.splitlines()[0])
    return Asset(title=title, body=text, fields=fields, template="", sources=c.sources())


def _email(c: Composer, data: dict[str, Any], unsubscribe: str) -> Asset:
    subject, preheader = data["subject"].strip(), data["preheader"].strip()
    _check_whole([("subject", subject), ("preheader", preheader), ("cta", data["cta"])])
    if fold(clause(subject)) in fold(preheader):
        raise MalformedCompletion("the preheader repeats the subject")
    link = c.link()
    cta = clause(data["cta"])
    client = c.facts.client.text
    address = c.facts.postal_address.text if c.facts.postal_address else ""
    opt_out = unsubscribe_link(c, unsubscribe)
    footer = "\n".join(
        [
            " · ".join(p for p in (client, address) if p),
            f"You are receiving this e-mail because you asked for news from {client}. "
            + (f"Unsubscribe: {opt_out}" if opt_out else "To unsubscribe, use the link in your account settings."),
        ]
    )
    signoff = data.get("signoff", "").strip() or f"The {client} team"
    parts = [data["body"].strip(), f"{cta}: {link}" if link else f"{cta}.", signoff, *c.facts.disclaimers]
    body = "\n\n".join(p for p in parts if p) + "\n\n--\n" + footer
    fields = {
        "subject": subject,
        "preheader": preheader,
        "cta": cta,
        "link": link,
        "unsubscribe_url": opt_out,
        "footer": footer,
    }
    return Asset(title=subject, body=body, fields=fields, template="", sources=c.sources())


def _blog(c: Composer, data: dict[str, Any], _unsubscribe: str) -> Asset:
    title, meta = data["title"].strip(), data["meta_description"].strip()
    _check_whole([("title", title), ("meta_description", meta), ("cta", data["cta"])])
    link = c.link()
    cta = clause(data["cta"])
    lines = [f"# {title}", ""]
    headings = []
    for section in data["sections"]:
        heading = section["heading"].strip().lstrip("#").strip()
        headings.append(heading)
        lines += [f"## {heading}", ""]
        for paragraph in section["paragraphs"]:
            lines += [paragraph.strip(), ""]
    lines += [f"{cta}: {link}" if link else f"{cta}.", ""]
    lines += [f"{d}\n" for d in c.facts.disclaimers]
    focus = (data.get("focus_keyword") or "").strip()
    fields = {
        "title": title,
        "slug": slug(title, most_words=6),
        "focus_keyword": focus,
        "meta_description": meta,
        "headings": headings,
        "cta": cta,
        "link": link,
    }
    return Asset(title=title, body="\n".join(lines).strip(), fields=fields, template="", sources=c.sources())


def _rsa(c: Composer, data: dict[str, Any], _unsubscribe: str) -> Asset:
    headlines = [h.strip() for h in data["headlines"]]
    descriptions = [d.strip() for d in data["descriptions"]]
    _check_whole(
        [(f"headline {h!r}", h) for h in headlines] + [(f"description {d!r}", d) for d in descriptions],
        _brief_sentences(c),
        (c.facts.product.text, c.facts.client.text),
    )
    if len({fold(h) for h in headlines}) < len(headlines):
        raise MalformedCompletion("headlines repeat each other")
    brand_only = [h for h in headlines if fold(h) in {fold(c.facts.product.text), fold(c.facts.client.text)}]
    if len(brand_only) > 2:
        raise MalformedCompletion("more than two headlines are only the brand name")
    notes = []
    landing = []
    for disclaimer in c.facts.disclaimers:
        if len(disclaimer) <= 90 and len(descriptions) < 4:
            descriptions.append(disclaimer)
        else:
            landing.append(disclaimer)
            notes.append(f"disclaimer.not_fitting: {disclaimer!r} does not fit a description; on the landing page")
    fields: dict[str, Any] = {
        "headlines": headlines,
        "descriptions": descriptions,
        "path1": data.get("path1", "").strip(),
        "path2": data.get("path2", "").strip(),
        "pins": [{"text": brand_only[0], "position": "HEADLINE_1"}] if brand_only else [],
        "final_url": c.link(paid=True),
        "cta": clause(data.get("cta", "")),
        "callouts": [x.strip() for x in data.get("callouts", []) if x.strip()],
    }
    if landing:
        fields["landing_page_note"] = " ".join(landing)
    body = "\n".join(headlines) + "\n\n" + "\n".join(descriptions)
    return Asset(
        title=f"Search ad: {c.facts.product.text}",
        body=body,
        fields=fields,
        template="",
        sources=c.sources(),
        notes=tuple(notes),
    )
