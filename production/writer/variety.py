"""Measuring the writer's variety: sentences it composed that repeat within a run, and sentences
one brief's package shares with another's once the brief facts are masked.

"Composed" means written by AICMO: sentences with six or more words of AICMO's own in an asset's
copy (title, body, subject, preheader, meta description, headlines...), counted as QC's
copy.repeated_sentence counts them (the brief's facts masked, the legal footer left out). For the
cross-brief share, masking replaces every brief fact that appears verbatim (names, propositions,
proofs, pains, quotes, offer, description, category, search terms, links) with one token, so two
sentences match when only their facts differ; it counts the composed sentences that keep at
least OWN_WORDS words of AICMO's own once masked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from production.qc.rules.base import INTERNAL_KEYS, LINK_KEYS, tokens
from production.qc.rules.duplicates import sentence_key as qc_sentence_key
from production.qc.rules.words import units
from production.writer.core import sentence_key
from production.writer.facts import facts_of
from production.writer.grammar import clause, words

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from production.domain import Draft

MASK = "§"
OWN_WORDS = 3
_URL = re.compile(r"https?://\S+")


# Fields that are not copy (notes for the producers, links) or repeat by design (footer, hashtags).
_NOT_COPY = INTERNAL_KEYS | LINK_KEYS | {"footer", "unsubscribe_url", "hashtags", "slug", "link_in_bio"}


def _texts(draft: Draft) -> list[str]:
    """The draft's copy: title, body (without the footer) and every text field a reader sees."""
    fields = draft.fields
    body = draft.body
    footer = fields.get("footer", "")
    if footer and footer in body:
        body = body.replace(footer, "")
    texts = [draft.title, body]
    for name, value in fields.items():
        if name in _NOT_COPY or name in ("title", "body"):
            continue
        texts += _strings(value)
    return texts


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def composed_sentences(draft: Draft, brief: Brief) -> list[str]:
    """The sentences of six or more words AICMO wrote in `draft`, each once (a blog's H2 is also in its
    headings field), in order, counted as QC counts them."""
    found = [s for text in _texts(draft) for s in composed_sentences_in(text, brief)]
    return list({tokens(s): s for s in reversed(found)}.values())[::-1]


def composed_sentences_in(text: str, brief: Brief) -> list[str]:
    """Sentences with six or more words of AICMO's own (QC's count, the brief's facts masked)."""
    grams = facts_of(brief).grams
    return [unit.text for unit in units(text) if qc_sentence_key(unit.text, grams) is not None]


def repeated_in_run(drafts: Sequence[Draft], brief: Brief) -> dict[tuple[str, ...], int]:
    """Composed sentences written more than once in one run, with their counts."""
    grams = facts_of(brief).grams

    def key(sentence: str) -> tuple[str, ...]:
        return qc_sentence_key(sentence, grams) or ()

    counts: Counter[tuple[str, ...]] = Counter()
    for draft in drafts:
        counts.update({key(s) for s in composed_sentences(draft, brief)})
        for text in _texts(draft):
            written = [key(s) for s in composed_sentences_in(text, brief)]
            counts.update(k for k, n in Counter(written).items() if n > 1)
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
