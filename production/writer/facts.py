"""The brief's facts in shapes a sentence can use: a pain as a question or a "you" sentence, a value
proposition as a promise, a list of facts as a sentence, each with the brief path it came from.

Pains, value propositions and offers arrive as the client typed them ("Loses motivation after two
weeks", "Month-end close takes 8 to 12 working days", "Close the books in 4 working days"). Each
is classified once by its first words (a bare predicate, a "No ..." phrase, an adjective, an
imperative, a noun phrase or a full clause) and turned into the forms that shape allows; a form
the shape cannot give is None, so a template that needs it is not used for that fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from kernel.clock import zone_of
from kernel.grammar import (
    RELATIVE,
    base_verb,
    capitalise,
    category_phrase,
    clause,
    lower_first,
    pain_shape,
    proper_nouns,
    sentence,
    value_shape,
)
from production.qc.rules.duplicates import brief_text, fact_grams

if TYPE_CHECKING:
    from onboarding.domain import Brief
    from strategy.domain import Pillar

# Re-exported: the writer and its tests read them from here.
__all__ = ["Fact", "Facts", "Pain", "Quote", "Value", "category_phrase", "facts_of", "is_praise", "lower_first"]

_PRONOUNS = {
    "their": "your",
    "they": "you",
    "them": "you",
    "themselves": "yourself",
    "his": "your",
    "her": "your",
    "he": "you",
    "she": "you",
    "himself": "yourself",
    "herself": "yourself",
}
# Words that mark a customer phrase as praise, not a complaint ("worth the wait").
_PRAISE = re.compile(
    r"\b(?:worth|love|loved|loving|best|favou?rite|amazing|great|delicious|ritual|perfect|wonderful|recommend|"
    r"brilliant|fantastic|beautiful|excellent)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(?:not|never|no|don't|doesn't|isn't|can't|won't|hate)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Fact:
    """One brief fact, verbatim, and the brief path it came from."""

    text: str
    source: str


def _shift_pronouns(text: str) -> str:
    return " ".join(_PRONOUNS.get(w.lower(), w) for w in text.split(" "))


@dataclass(frozen=True)
class Pain:
    """A pain of the audience and the sentences it can become."""

    fact: Fact
    shape: str  # "no", "predicate", "adjective", "gerund" or "clause"
    body: str  # the clause without its closing punctuation
    proper: frozenset[str]

    @classmethod
    def of(cls, fact: Fact, proper: frozenset[str]) -> Pain:
        body = clause(fact.text)
        return cls(fact=fact, shape=pain_shape(body), body=body, proper=proper)

    @cached_property
    def _rest(self) -> str:
        return _shift_pronouns(self.body.split(" ", 1)[1]) if " " in self.body else ""

    @cached_property
    def _quantity(self) -> bool:
        """ "Too many appeals...", "Too much admin...": a pain that counts things."""
        return self.body.lower().startswith(("too many ", "too much ", "too few "))

    @cached_property
    def _lower(self) -> str:
        return lower_first(self.body, self.proper)

    def question(self) -> str | None:
        """ "No time to get to the gym?", "Do you lose motivation after two weeks?", "Is the line out the door?" """
        if self._quantity:  # "them" is the many things, not the audience: no pronoun shift
            return f"{capitalise(self.body)}?"
        if self.shape in ("no", "adjective"):
            return f"{capitalise(_shift_pronouns(self.body))}?"
        if self.shape == "predicate":
            verb = self.body.split(" ", 1)[0].lower()
            if verb in ("cannot", "can't"):
                return f"Can't you {self._rest}?" if self._rest else None
            if verb in ("doesn't", "isn't"):
                return None
            return f"Do you {base_verb(verb)} {self._rest}?".replace("  ", " ")
        if self.shape == "gerund":
            return f"Still {self._lower}?"
        match = re.match(r"^((?:\S+\s){0,4}?\S+)\s(is|are)\s(.+)$", self.body)
        if match and not (set(match.group(1).lower().split()) & RELATIVE):
            subject = lower_first(match.group(1), self.proper)
            return f"{capitalise(match.group(2))} {subject} {match.group(3)}?"
        return None

    def you(self) -> str | None:
        """The pain said to the reader: "You have no time to get to the gym." """
        return sentence(self.when()) if self.shape != "clause" else None

    def when(self) -> str:
        """A lower-case clause to follow "when" or "if": "you lose motivation after two weeks"."""
        if self.shape == "no":
            if self.body.lower().startswith("no "):
                return f"you have {_shift_pronouns(self._lower)}"
            if self._quantity:  # a quantity, not a state: "you face too many appeals to tell them apart"
                return f"you face {self._lower}"
            return f"you are {self._lower}"
        if self.shape == "predicate":
            verb = self.body.split(" ", 1)[0].lower()
            if verb in ("cannot", "can't", "doesn't", "isn't"):
                return f"you {verb.replace('doesn', 'don').replace('isn', 'aren')} {self._rest}".strip()
            return f"you {base_verb(verb)} {self._rest}".strip()
        if self.shape == "adjective":
            return f"you are {self._lower}"
        if self.shape == "gerund":
            return f"you are still {self._lower}"
        return self._lower

    def statement(self) -> str:
        """The pain as a plain sentence in the reader's terms."""
        return sentence(self.when())


@dataclass(frozen=True)
class Value:
    """A value proposition and the ways it can be promised."""

    fact: Fact
    shape: str  # "imperative", "predicate", "noun" or "clause"
    body: str
    proper: frozenset[str]

    @classmethod
    def of(cls, fact: Fact, proper: frozenset[str]) -> Value:
        body = clause(fact.text)
        return cls(fact=fact, shape=value_shape(body), body=body, proper=proper)

    @property
    def text(self) -> str:
        return sentence(self.body)

    def lower(self) -> str:
        return lower_first(self.body, self.proper)

    def fragment(self) -> str | None:
        """The proposition after a colon or as an object ("...: fresh sourdough every Saturday");
        a bare predicate ("works with...") cannot stand there."""
        return None if self.shape == "predicate" else self.lower()

    def can(self) -> str | None:
        """ "close the books in 4 working days instead of 10": what the reader can do (imperatives only)."""
        return self.lower() if self.shape == "imperative" else None

    def noun(self) -> str | None:
        """ "fresh sourdough every Saturday without the queue": what the reader gets (noun phrases only)."""
        return self.lower() if self.shape == "noun" else None

    def claim(self) -> str | None:
        """ "your data stays in the EU": a clause to follow "so" or "and" (clauses and predicates)."""
        if self.shape == "predicate":
            return f"it {self.lower()}"
        return self.lower() if self.shape == "clause" else None

    def pred(self) -> str | None:
        """ "works with the data you already collect": what the product does (predicates only)."""
        return self.lower() if self.shape == "predicate" else None


@dataclass(frozen=True)
class Quote:
    """Words of the audience: a complaint (`phrase`) or praise (`testimonial`)."""

    fact: Fact
    praise: bool

    @property
    def quoted(self) -> str:
        text = self.fact.text.strip().strip('“”"')
        text = capitalise(text)
        if text[-1:] not in ".!?":
            text += "."
        return f"“{text}”"

    @property
    def inline(self) -> str:
        """Quoted mid-sentence: “worth the wait”."""
        text = clause(self.fact.text.strip().strip('“”"'))
        return f"“{text}”"


def is_praise(text: str) -> bool:
    text = text.strip()
    return bool(_PRAISE.search(text)) and not _NEGATION.search(text) and not text.endswith("?")


@dataclass(frozen=True)
class Facts:
    """Everything the writer may say about a brief, each fact with its source path."""

    seed: str
    language: str
    product: Fact
    client: Fact
    kind: str
    category: Fact | None
    alternative: Fact | None
    description: Fact | None
    price: Fact | None
    offer: Fact | None
    offer_expires: date | None
    link: Fact | None
    phone: Fact | None
    place: Fact | None
    postal_address: Fact | None
    pains: tuple[Pain, ...]
    values: tuple[Value, ...]
    proofs: tuple[Fact, ...]
    phrases: tuple[Quote, ...]
    testimonials: tuple[Quote, ...]
    search_terms: tuple[Fact, ...]
    hashtags: tuple[Fact, ...]
    goal_types: tuple[str, ...]
    disclaimers: tuple[str, ...]
    sponsored: bool
    proper: frozenset[str]
    # Words public copy must not contain (banned terms, exclusions) and the allowed phrases that override them.
    banned: tuple[str, ...]
    exclusions: tuple[str, ...]
    allowed_phrases: tuple[str, ...]
    preferred: tuple[tuple[str, str], ...]
    substantiated: tuple[str, ...]
    deliverables: tuple[str, ...]
    # Every public fact's words, as QC compares them: a sentence found in it is the brief's own.
    brief_words: str = ""
    # Runs of the brief's own words, masked when sentences are compared (QC's fact_grams).
    grams: frozenset[tuple[str, ...]] = frozenset()
    dropped_link: str = ""
    # The client's IANA zone: the offer's last day is a day on the client's calendar.
    timezone: str = ""

    def pain_for(self, pillar: Pillar | None) -> Pain | None:
        return _match(self.pains, pillar.pain if pillar else "") or None

    def value_for(self, pillar: Pillar | None) -> Value | None:
        return _match(self.values, pillar.value_proposition if pillar else "")

    def proof_for(self, pillar: Pillar | None) -> Fact | None:
        wanted = clause(pillar.proof) if pillar else ""
        return next((p for p in self.proofs if clause(p.text) == wanted), None) if wanted else None

    def offer_on(self, when: date | datetime) -> Fact | None:
        """The offer, unless the asset goes out after the day it ends (a time counts on the client's calendar)."""
        day = when.astimezone(zone_of(self.timezone)).date() if isinstance(when, datetime) else when
        if self.offer is None or (self.offer_expires is not None and day > self.offer_expires):
            return None
        return self.offer

    @property
    def product_name(self) -> str:
        return self.product.text


def _match(items: tuple[Any, ...], text: str) -> Any:
    wanted = clause(text)
    if not wanted:
        return None
    return next((i for i in items if clause(i.fact.text) == wanted), None)


_RESERVED_LINK = re.compile(
    r"^https?://(?:[^/?#]*\.)?(?:example\.(?:com|org|net)|[^/?#]*\.(?:test|example|invalid|localhost)|localhost)"
    r"(?::\d+)?(?:[/?#]|$)",
    re.IGNORECASE,
)


def _proper_nouns(brief: Brief) -> frozenset[str]:
    """Words the brief writes with a capital mid-sentence, plus its names: never lower-cased."""
    return proper_nouns(
        names=[brief.client.name, brief.product.name, *brief.audience.locations],
        texts=[
            brief.product.description,
            *brief.product.value_propositions,
            *brief.product.proof_points,
            *brief.audience.pains,
            brief.product.offer,
        ],
    )


@lru_cache(maxsize=64)
def facts_of(brief: Brief) -> Facts:
    """The writable facts of a brief (worked out once per brief and process)."""
    product, audience, client, brand = brief.product, brief.audience, brief.client, brief.brand
    proper = _proper_nouns(brief)

    def many(values: tuple[str, ...], path: str) -> list[Fact]:
        return [Fact(clause(v), f"{path}[{i}]") for i, v in enumerate(values) if clause(v)]

    def one(value: str, path: str) -> Fact | None:
        return Fact(clause(value), path) if clause(value) else None

    link, dropped = None, ""
    for value, path in ((product.url, "product.url"), (client.website, "client.website")):
        candidate = value.strip()
        if not candidate:
            continue
        if _RESERVED_LINK.match(candidate):
            dropped = dropped or candidate
            continue
        link = Fact(candidate, path)
        break
    phrases = [Quote(f, praise=is_praise(f.text)) for f in many(audience.phrases, "audience.phrases")]
    testimonials = [Quote(f, praise=True) for f in many(audience.testimonials, "audience.testimonials")]
    tags = tuple(
        Fact("#" + t.strip().lstrip("#").replace(" ", ""), f"brand.hashtags[{i}]")
        for i, t in enumerate(brand.hashtags)
        if t.strip().lstrip("#")
    )
    place = None
    if audience.locations:
        place = Fact(audience.locations[0].split(",")[0].strip(), "audience.locations[0]")
    return Facts(
        seed=brief.fingerprint or str(brief.id),
        language=brief.language or "en",
        product=Fact(product.name.strip(), "product.name"),
        client=Fact(client.name.strip(), "client.name"),
        kind=product.kind or "",
        category=one(product.category, "product.category"),
        alternative=one(product.alternative, "product.alternative"),
        description=one(product.description, "product.description"),
        price=one(product.price, "product.price"),
        offer=one(product.offer, "product.offer"),
        offer_expires=product.offer_expires,
        link=link,
        phone=one(client.phone, "client.phone"),
        place=place,
        postal_address=one(client.postal_address, "client.postal_address"),
        pains=tuple(Pain.of(f, proper) for f in many(audience.pains, "audience.pains")),
        values=tuple(Value.of(f, proper) for f in many(product.value_propositions, "product.value_propositions")),
        proofs=tuple(many(product.proof_points, "product.proof_points")),
        # Praise typed into the phrases is used as praise, never as a complaint.
        phrases=tuple(q for q in phrases if not q.praise),
        testimonials=tuple([*testimonials, *(q for q in phrases if q.praise)]),
        search_terms=tuple(many(audience.search_terms, "audience.search_terms")),
        hashtags=tags,
        goal_types=tuple(g.type for g in brief.goals),
        disclaimers=tuple(d.strip() for d in brand.disclaimers if d.strip()),
        sponsored=bool(brief.sponsored),
        proper=proper,
        banned=tuple(t.strip() for t in brand.banned_terms if t.strip()),
        exclusions=tuple(e.strip() for e in brief.scope.exclusions if e.strip()),
        allowed_phrases=tuple(p.strip() for p in brand.allowed_phrases if p.strip()),
        preferred=tuple((t.avoid, t.use) for t in brand.preferred_terms if t.avoid and t.use),
        substantiated=tuple(c.strip() for c in brand.substantiated_claims if c.strip()),
        deliverables=tuple(brief.scope.deliverables),
        brief_words=brief_text(brief),
        grams=fact_grams(brief),
        dropped_link=dropped,
        timezone=client.timezone,
    )
