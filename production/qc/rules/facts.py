"""What the seam rules know about a brief: which of its texts are public facts (copy may quote
them), which are planning notes (copy must never show them), and the names copy may use whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from production.qc.rules.base import tokens

if TYPE_CHECKING:
    from onboarding.domain import Brief


def public_facts(brief: Brief) -> tuple[str, ...]:
    """The brief's texts meant for the audience: copy may quote them verbatim."""
    product, audience, brand = brief.product, brief.audience, brief.brand
    texts = (
        brief.client.name,
        product.name,
        product.description,
        product.category,
        product.alternative,
        product.price,
        product.offer,
        *product.value_propositions,
        *product.proof_points,
        *audience.pains,
        *audience.phrases,
        *audience.testimonials,
        *audience.search_terms,
        *audience.locations,
        *brand.disclaimers,
        *brand.substantiated_claims,
        *brand.allowed_phrases,
        *brand.hashtags,
        *(d.label for d in brief.timeline.key_dates),
    )
    return tuple(t for t in texts if t and t.strip())


def planning_notes(brief: Brief) -> tuple[str, ...]:
    """The brief's texts for the people planning the work, never for the audience."""
    texts = (brief.audience.description, *(g.description for g in brief.goals))
    return tuple(t for t in texts if t and t.strip())


def names(brief: Brief) -> frozenset[tuple[str, ...]]:
    """Word sequences copy may use on their own: a name, a search term, or two or more words in a
    row of one (a headline "Month-End Close" from the search term "month-end close software")."""
    product, audience, brand = brief.product, brief.audience, brief.brand
    texts = (
        brief.client.name,
        product.name,
        product.category,
        *audience.search_terms,
        *audience.locations,
        *brand.allowed_phrases,
        *(t.lstrip("#") for t in brand.hashtags),
        *(d.label for d in brief.timeline.key_dates),
    )
    found = set()
    for text in texts:
        words = tokens(text) if text else ()
        found.add(words)
        found.update(words[i:j] for i in range(len(words)) for j in range(i + 2, len(words) + 1))
    found.discard(())
    return frozenset(found)
