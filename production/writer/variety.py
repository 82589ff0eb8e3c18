"""Measuring the writer's variety: sentences it composed that repeat within a run, and sentences
one brief's package shares with another's once the brief facts are masked.

"Composed" means written by AICMO: sentences of six or more words in an asset's text (body,
subject, preheader, meta description), other than the brief's own value propositions, proof
points, offer, price and disclaimers quoted whole (or one of their clauses), and the legal
footer. Masking replaces every brief fact that appears verbatim (names, propositions, proofs,
pains, quotes, offer, description, category, search terms, links) with one token, so two
sentences match when only their facts differ. The cross-brief share counts the composed
sentences that keep at least OWN_WORDS words of AICMO's own once masked: "§ is §." or
"In short: §." is a brief's fact with a connective, not writing two clients could share.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from production.writer.core import REPEAT_WORDS, own_sentences, sentence_key
from production.writer.facts import facts_of
from production.writer.grammar import clause, split_sentences, words

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from production.domain import Draft

MASK = "§"
OWN_WORDS = 3
_MARKUP = re.compile(r"^\s*(?:#{1,6}|[-*]|\d+[.)])\s+")
_URL = re.compile(r"https?://\S+")


def _exempt(brief: Brief) -> frozenset[str]:
    return own_sentences(facts_of(brief))


def _texts(draft: Draft) -> list[str]:
    fields = draft.fields
    body = draft.body
    footer = fields.get("footer", "")
    if footer and footer in body:
        body = body.replace(footer, "")
    return [body, *(fields.get(name, "") for name in ("subject", "preheader", "meta_description"))]


def composed_sentences(draft: Draft, brief: Brief) -> list[str]:
    """The sentences of six or more words AICMO wrote in `draft`, in order."""
    exempt = _exempt(brief)
    found = []
    for text in _texts(draft):
        if not isinstance(text, str):
            continue
        for line in text.splitlines():
            line = _URL.sub("", _MARKUP.sub("", line)).strip()
            for piece in split_sentences(line):
                if len(words(piece)) >= REPEAT_WORDS and sentence_key(piece) not in exempt:
                    found.append(piece)
    return found


def repeated_in_run(drafts: Sequence[Draft], brief: Brief) -> dict[str, int]:
    """Composed sentences written more than once in one run, with their counts."""
    counts = Counter(sentence_key(s) for d in drafts for s in composed_sentences(d, brief))
    return {s: n for s, n in counts.items() if n > 1}


def _facts(brief: Brief) -> list[str]:
    product, audience, client = brief.product, brief.audience, brief.client
    items: list[Any] = [
        client.name,
        product.name,
        product.description,
        product.offer,
        product.category,
        product.alternative,
        product.price,
        product.url,
        client.website,
        client.phone,
        *product.value_propositions,
        *product.proof_points,
        *audience.pains,
        *audience.phrases,
        *audience.testimonials,
        *audience.search_terms,
        *audience.locations,
        *brief.brand.hashtags,
    ]
    found = {clause(str(i)).lower() for i in items if i and clause(str(i))}
    # Words of the names count too ("Tallyfold" of "Tallyfold Close").
    found |= {w.lower() for name in (client.name, product.name) for w in words(name) if len(w) > 3}
    return sorted(found, key=len, reverse=True)


def masked(sentence: str, facts: Iterable[str]) -> str:
    text = sentence.lower()
    for fact in facts:
        text = text.replace(fact, MASK)
    return sentence_key(text)


def cross_brief_shares(packages: dict[str, tuple[Brief, Sequence[Draft]]]) -> dict[str, float]:
    """For each brief, the share of its composed sentences that another brief's package also has (masked)."""
    masked_sets = {name: _masked_sentences(brief, drafts) for name, (brief, drafts) in packages.items()}
    shares = {}
    for name, sentences in masked_sets.items():
        others = {s for other, found in masked_sets.items() if other != name for s in found}
        shared = sum(1 for s in sentences if s in others)
        shares[name] = shared / len(sentences) if sentences else 0.0
    return shares


def _masked_sentences(brief: Brief, drafts: Sequence[Draft]) -> list[str]:
    facts = _facts(brief)
    found = (masked(s, facts) for d in drafts for s in composed_sentences(d, brief))
    return [s for s in found if len(words(s.replace(MASK, " "))) >= OWN_WORDS]


def shared_examples(packages: dict[str, tuple[Brief, Sequence[Draft]]], name: str, most: int = 10) -> list[str]:
    """Masked sentences of `name` that other packages share (for a failing test's message)."""
    brief, drafts = packages[name]
    mine = _masked_sentences(brief, drafts)
    others = set()
    for other, (other_brief, other_drafts) in packages.items():
        if other != name:
            others |= set(_masked_sentences(other_brief, other_drafts))
    return [s for s in dict.fromkeys(mine) if s in others][:most]
