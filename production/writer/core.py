"""The composition core: picks phrasings from the banks for one asset, fills their slots from the facts,
and keeps a run's writing log so no sentence is written twice and no two assets of a channel open alike.

Choices are deterministic: a BLAKE2 hash of the brief's seed, the asset key and the part decides where
in a part's phrasings an asset starts and which inline alternative it takes, so the same brief
reads the same every time and two briefs start in different places. A phrasing is passed over
when its own wording (slots aside) holds a banned term, an excluded topic, a term the brand
avoids or a claim word; when a slot it needs has no fact for this asset; when it would not fit the
character budget; or when a sentence of six or more words in it was already written in the run.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kernel.channels import CHANNEL_CATALOGUE
from kernel.grammar import IMPERATIVES
from kernel.text import find_terms
from kernel.text import fold as kernel_fold
from production.qc.rules.duplicates import sentence_key as qc_sentence_key
from production.qc.rules.words import units
from production.writer import bank
from production.writer.facts import Facts, Pain, Quote, Value, category_phrase, lower_first
from production.writer.grammar import (
    british,
    capitalise,
    clause,
    day_month,
    is_british,
    sentence,
    slug,
    split_sentences,
    uncontracted,
    with_article,
    words,
)
from production.writer.voice import Voice

if TYPE_CHECKING:
    from strategy.domain import Pillar

WRITER_VERSION = "writer-v2"
# A sentence this long that the writer composed may appear once per run.
REPEAT_WORDS = 6
# Two assets of a channel may not share their first this-many words.
OPENING_WORDS = 3
_CLAIMS = re.compile(
    r"(?<![\w#])(?:best|#1|no\.\s?1|number\s+one|leading|the\s+only|fastest|greatest|cheapest|world[-\s]class|"
    r"unbeatable|unrivall?ed|unmatched|top[-\s]rated|ultimate|guarantee[ds]?|100\s?%|risk[-\s]free|no[-\s]risk|"
    r"never\s+fails?|always\s+works|fool[-\s]?proof|cures?|heals?|miracle|clinically|effortless(?:ly)?)(?!\w)",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t]+")


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Case- and spacing-insensitive form for comparisons (the kernel's fold: NFKC, look-alikes mapped)."""
    return " ".join(kernel_fold(text).replace("’", "'").split())


@lru_cache(maxsize=16384)
def sentence_key(text: str) -> str:
    return fold(text).strip(" .!?…“”\"'")


@lru_cache(maxsize=16384)
def sentence_keys(text: str, grams: frozenset[tuple[str, ...]] = frozenset()) -> tuple[tuple[str, ...], ...]:
    """How QC's copy.repeated_sentence compares the sentences of `text`: their words with the brief's
    facts (`grams`) masked, for each sentence with six or more words of the writer's own."""
    found = (qc_sentence_key(unit.text, grams) for unit in units(text))
    return tuple(key for key in found if key is not None)


_SENTENCE_START = re.compile(r"([.!?][”\"]?\s+)([a-z])")


def capitalise_sentences(text: str) -> str:
    """A capital at the start of each sentence (a slot may have started one in lower case)."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), capitalise(text))


@dataclass
class WritingLog:
    """What a run has written so far: composed sentences, and each channel's openings."""

    sentences: set[str] = field(default_factory=set)
    openings: dict[str, set[str]] = field(default_factory=dict)

    def opening_of(self, text: str) -> str:
        return " ".join(fold(w) for w in words(text)[:OPENING_WORDS])

    def opening_taken(self, channel: str, text: str) -> bool:
        return self.opening_of(text) in self.openings.get(channel, set())

    def take_opening(self, channel: str, text: str) -> None:
        self.openings.setdefault(channel, set()).add(self.opening_of(text))


@lru_cache(maxsize=16384)
def _hits(static: str, terms: tuple[str, ...], preferred: tuple[str, ...] = ()) -> bool:
    """Our own wording carries a claim word or one of `terms` (banned, excluded, avoided); the
    brand's preferred wording itself is not a hit ("month-end" when "month end" is avoided)."""
    return bool(_CLAIMS.search(fold(static))) or bool(find_terms(static, terms, allowed_phrases=preferred))


@lru_cache(maxsize=16384)
def _allowed_fact(text: str, terms: tuple[str, ...], allowed: tuple[str, ...], substantiated: tuple[str, ...]) -> bool:
    if find_terms(text, terms, allowed_phrases=allowed):
        return False
    claims = [m.group(0) for m in _CLAIMS.finditer(fold(text))]
    return all(fold(claim) in {fold(c) for c in substantiated} for claim in claims)


def _number(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest(), "big")


@lru_cache(maxsize=4096)
def _suiting(part: str, register: str, kind: str, channel: str, forbidden: frozenset[str]) -> tuple[bank.Phrasing, ...]:
    """The phrasings of `part` that suit this voice, kind and channel (the same for every asset of a run)."""
    return tuple(
        p for p in bank.part(part) if p.suits(register=register, kind=kind, channel=channel, forbidden=forbidden)
    )


@dataclass(frozen=True)
class Asset:
    """A written asset: its title, the exact text to publish, its structured fields and provenance."""

    title: str
    body: str
    fields: dict[str, Any]
    template: str
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()


def utm_link(base: str, *, source: str, medium: str, campaign: str, content: str) -> str:
    """`base` with utm_source, utm_medium, utm_campaign and utm_content (existing query kept)."""
    parts = urlsplit(base)
    query = [(k, v) for k, v in parse_qsl(parts.query) if not k.startswith("utm_")]
    query += [("utm_source", source), ("utm_medium", medium), ("utm_campaign", campaign), ("utm_content", content)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", urlencode(query), parts.fragment))


def medium_of(channel: str, *, paid: bool) -> str:
    if channel == "google_ads":
        return "cpc"
    if channel == "email":
        return "email"
    if channel == "blog":
        return "organic"
    return "paid_social" if paid else "social"


class Composer:
    """Writes one asset: picks phrasings, fills slots from the facts in focus, records what it used."""

    def __init__(
        self,
        *,
        facts: Facts,
        voice: Voice,
        channel: str,
        asset_type: str,
        key: str,
        pillar: Pillar | None,
        occasion: str,
        scheduled_at: datetime,
        log: WritingLog,
    ) -> None:
        self.facts = facts
        self.voice = voice
        self.channel = channel
        self.asset_type = asset_type
        self.key = key
        self.pillar = pillar
        self.occasion = occasion.strip()
        self.scheduled_at = scheduled_at
        self.log = log
        self.used: dict[str, None] = {}
        self.british = is_british(facts.language, voice_says_british="british" in voice.flags)
        self.forbidden_tags = self._forbidden_tags()
        self.avoid_terms = (
            *facts.banned,
            *facts.exclusions,
            *(avoid for avoid, _use in facts.preferred),
        )
        self.preferred_forms = tuple(use for _avoid, use in facts.preferred)
        self.offer = facts.offer_on(scheduled_at)
        self.slot_number = _slot_of(key)
        self.focus: dict[str, Any] = {}
        self.templates: list[str] = []
        self._pending: set[str] = set()
        # Lines already in this asset: a line is never written twice in one asset, and no sentence
        # of six or more words either (not even the brief's own).
        self.lines: set[str] = set()
        self.asset_sentences: set[tuple[str, ...]] = set()
        self.phrasings_used: set[tuple[str, str]] = set()
        # Short forms use each phrasing once ("And it means ..." twice in one post reads as a form).
        self.unique_phrasings = False
        # Short forms say each fact once: a line whose facts an earlier line already used is passed over.
        self.spend_facts = True
        self.spent: set[str] = set()
        self.set_focus(
            pain=facts.pain_for(pillar) or _rotate(facts.pains, self.number("pain")),
            value=facts.value_for(pillar) or _rotate(facts.values, self.number("value")),
            proof=facts.proof_for(pillar) or _rotate(facts.proofs, self.number("proof")),
            phrase=_rotate(facts.phrases, self.number("phrase")),
            praise=_rotate(facts.testimonials, self.number("praise")),
            # Search terms go in turn: each blog article and ad group answers another one.
            search_term=facts.search_terms[(self.slot_number - 1) % len(facts.search_terms)]
            if facts.search_terms
            else None,
        )

    # --- choices -------------------------------------------------------------------------------

    def number(self, *label: object) -> int:
        return _number(self.facts.seed, self.key, *label)

    def _forbidden_tags(self) -> frozenset[str]:
        tags = set()
        if "no_hype" in self.voice.flags or self.voice.register in ("formal", "plain"):
            tags.add("hype")
        if "no_urgency" in self.voice.flags:
            tags.add("urgent")
        if not self.voice.exclaims:
            tags.add("exclaim")
        if self.facts.kind == "financial_product":
            tags.update({"hype", "urgent"})
        return frozenset(tags)

    def set_focus(self, **items: Any) -> None:
        for name, value in items.items():
            self.focus[name] = value

    def others(self, name: str, pool: Iterable[Any]) -> list[Any]:
        """The items of `pool` other than the one in focus as `name`, in this asset's rotated order."""
        current = self.focus.get(name)
        items = [i for i in pool if i is not current]
        if not items:
            return []
        start = self.number("others", name) % len(items)
        return items[start:] + items[:start]

    def use(self, source: str) -> None:
        if source:
            self.used[source] = None

    # --- slots ---------------------------------------------------------------------------------

    def slot(self, name: str, form: str) -> str | None:
        """The text for `{name.form}`, or None when this asset has no fact for it."""
        filler = _SLOTS.get(name)
        if filler is None:
            raise bank.BankError(f"unknown slot {{{name}}}")
        return filler(self, form)

    def _fact(self, fact: Any, text: str | None) -> str | None:
        if text is None or fact is None:
            return None
        source = fact.source if hasattr(fact, "source") else fact.fact.source
        if self.spend_facts and source in self.spent and source.split("[")[0] not in _REUSABLE:
            return None
        self.use(source)
        self._pending.add(source)
        return text

    # --- rendering -----------------------------------------------------------------------------

    def _static(self, text: str) -> str:
        """Our own wording of a phrasing, respelt and (for formal voices) without contractions."""
        if self.british:
            text = british(text)
        if self.voice.uncontracted:
            text = uncontracted(text)
        return text

    def _resolve(self, text: str, salt: object) -> str:
        groups = iter(range(100))

        def choose(match: re.Match[str]) -> str:
            options = match.group(1).split("|")
            return options[_number(self.facts.seed, self.key, salt, next(groups)) % len(options)]

        return bank.ALTERNATIVES.sub(choose, text)

    def render(self, text: str, salt: object = 0) -> str | None:
        """One phrasing filled in, or None when a slot has no fact or our wording breaks a brand rule."""
        text = self._static(self._resolve(text, salt))
        if _hits(bank.SLOT.sub(" ", text), self.avoid_terms, self.preferred_forms):
            return None
        used_before = dict(self.used)
        self._pending = set()
        out = []
        position = 0
        for match in bank.SLOT.finditer(text):
            value = self.slot(match.group(1), match.group(2) or "")
            if value is None or self._breaks_rules(value, match.group(1)):
                self.used = used_before
                return None
            out.append(text[position : match.start()])
            out.append(value)
            position = match.end()
        out.append(text[position:])
        result = _SPACES.sub(" ", "".join(out)).replace(" ,", ",").replace(" .", ".").replace(" ?", "?").strip()
        return capitalise_sentences(result)

    def _breaks_rules(self, value: str, slot_name: str) -> bool:
        return not self.allowed_fact(value)

    def allowed_fact(self, text: str) -> bool:
        """A fact goes into copy only when it carries no banned term, excluded topic or term the
        brand avoids (allowed phrases aside), and no claim word the brief does not substantiate."""
        facts = self.facts
        return _allowed_fact(
            text,
            (*facts.banned, *facts.exclusions, *(avoid for avoid, _use in facts.preferred)),
            (*facts.allowed_phrases, *self.preferred_forms),
            facts.substantiated,
        )

    def fresh(self, text: str) -> bool:
        """No sentence of REPEAT_WORDS or more words in `text` was written before in this run
        (sentences and words counted the way QC counts them; the brief's own sentences excepted)."""
        return not any(key in self.log.sentences for key in self._counted(text))

    def remember(self, text: str) -> None:
        self.log.sentences.update(self._counted(text))

    def _counted(self, text: str) -> tuple[tuple[str, ...], ...]:
        return sentence_keys(text, self.facts.grams)

    def _in_asset(self, text: str) -> tuple[tuple[str, ...], ...]:
        """What one asset may not hold twice: each sentence as written (even the brief's own),
        and each sentence with the facts masked."""
        return (*sentence_keys(text), *self._counted(text))

    def line(
        self,
        part: str,
        *,
        max_chars: int | None = None,
        min_chars: int = 0,
        opening: bool = False,
        accept: Callable[[str], bool] | None = None,
        unique: bool = False,
    ) -> str:
        """The first phrasing of `part` (in this asset's rotated order) that can be written; "" if none.

        `unique`: a phrasing already used in this asset is passed over (two headlines of one ad are
        not two versions of one sentence)."""
        phrasings = _suiting(part, self.voice.register, self.facts.kind, self.channel, self.forbidden_tags)
        if not phrasings:
            return ""
        start = self.number(part) % len(phrasings)
        ordered = phrasings[start:] + phrasings[:start]
        for index, phrasing in enumerate(ordered):
            if (unique or self.unique_phrasings) and (part, phrasing.text) in self.phrasings_used:
                continue
            budget = min(x for x in (max_chars, phrasing.max) if x is not None) if (max_chars or phrasing.max) else None
            for attempt in range(4):
                # A phrasing passed over leaves no trace in what this asset used.
                used_before = dict(self.used)
                text = self.render(phrasing.text, (part, index, attempt))
                if text is None:
                    break
                if phrasing.open:
                    text = self._with_opener(text, (part, index, attempt))
                if not self._acceptable(text, budget=budget, min_chars=min_chars, opening=opening, accept=accept):
                    self.used = used_before
                    continue
                self.lines.add(sentence_key(text))
                self.lines.update(sentence_key(piece) for piece in split_sentences(text))
                self.asset_sentences.update(self._in_asset(text))
                self.remember(text)
                self.spent |= self._pending
                if opening:
                    self.log.take_opening(self.channel, text)
                self.templates.append(f"{part}#{(start + index) % len(phrasings)}")
                self.phrasings_used.add((part, phrasing.text))
                return text
        return ""

    def call_to_action(self, *, named: bool = False) -> str:
        """The asset's call to action: a verb that fits the product kind (generic verbs when unknown).

        `named`: the call to action names the product (a short post may have no other mention).
        """
        kind = self.facts.kind or "generic"
        product = self.facts.product.text

        def accept(text: str) -> bool:
            return not named or fold(product) in fold(text)

        return self.line(f"cta.{kind}", accept=accept) or self.line("cta.generic", accept=accept) or f"See {product}"

    def _acceptable(
        self,
        text: str,
        *,
        budget: int | None,
        min_chars: int,
        opening: bool,
        accept: Callable[[str], bool] | None,
    ) -> bool:
        if budget is not None and len(text) > budget:
            return False
        if len(text) < min_chars or not self.fresh(text):
            return False
        if opening and self.log.opening_taken(self.channel, text):
            return False
        if accept is not None and not accept(text):
            return False
        pieces = [sentence_key(text), *(sentence_key(piece) for piece in split_sentences(text))]
        if any(piece in self.lines for piece in pieces):
            return False
        return not any(key in self.asset_sentences for key in self._in_asset(text))

    def new_in_asset(self, text: str) -> bool:
        """No sentence of `text` is already in this asset (for text written outside `line`)."""
        return not any(key in self.asset_sentences for key in self._in_asset(text))

    def written(self, text: str) -> None:
        """Record text added to the asset outside `line` (lists, quotes, questions)."""
        self.asset_sentences.update(self._in_asset(text))
        self.remember(text)

    def _with_opener(self, text: str, salt: object) -> str:
        """`text` with a sentence adverbial in front (one time in five, none)."""
        openers = [
            p.text
            for p in bank.part("opener")
            if p.suits(register=self.voice.register, kind=self.facts.kind, channel=self.channel, forbidden=frozenset())
        ]
        choice = _number(self.facts.seed, self.key, "opener", salt)
        first = split_sentences(text)[0] if text else ""
        if not openers or choice % 5 == 0 or len(words(first)) < REPEAT_WORDS or first.startswith(("“", '"')):
            return text
        if first.split(" ", 1)[0].lower() in IMPERATIVES:
            return text  # an instruction takes no adverbial: never "Most weeks, check with ..."
        opener = self._static(openers[choice // 5 % len(openers)])
        if _hits(opener, self.avoid_terms, self.preferred_forms):
            return text
        return f"{opener} {lower_first(text, self.facts.proper)}"

    # --- links ---------------------------------------------------------------------------------

    def link(self, *, paid: bool = False) -> str:
        if self.facts.link is None:
            return ""
        self.use(self.facts.link.source)
        channel = CHANNEL_CATALOGUE.get(self.channel)
        return utm_link(
            self.facts.link.text,
            source=(channel.utm_source if channel and channel.utm_source else self.channel),
            medium=medium_of(self.channel, paid=paid),
            campaign=campaign_slug(self.facts),
            content=self.key,
        )

    def sources(self) -> tuple[str, ...]:
        return tuple(self.used)


# Facts a short asset may name more than once (names, not claims).
_REUSABLE = frozenset(
    {"product.name", "client.name", "product.category", "client.phone", "audience.locations", "audience.search_terms"}
)


def campaign_slug(facts: Facts) -> str:
    return slug(facts.product.text, most_words=6) or slug(facts.client.text, most_words=6)


def _slot_of(key: str) -> int:
    parts = key.split("-")
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else 1


def _rotate(items: tuple[Any, ...], number: int) -> Any:
    return items[number % len(items)] if items else None


# --- slot fillers --------------------------------------------------------------------------------

_CUSTOMER = {
    "software": ("team", "teams"),
    "app": ("member", "members"),
    "subscription": ("member", "members"),
    "physical_product": ("customer", "customers"),
    "service": ("client", "clients"),
    "local_service": ("customer", "customers"),
    "venue": ("guest", "guests"),
    "event": ("attendee", "attendees"),
    "financial_product": ("customer", "customers"),
    "nonprofit_cause": ("supporter", "supporters"),
}


def _pain(c: Composer, form: str) -> str | None:
    pain: Pain | None = c.focus.get("pain")
    if pain is None:
        return None
    text = getattr(pain, {"q": "question", "": "when"}.get(form, form))()
    return c._fact(pain.fact, text)


def _pain2(c: Composer, form: str) -> str | None:
    options = [p for p in c.others("pain", c.facts.pains) if p.fact.source not in c.used]
    if not options:
        return None
    return c._fact(options[0].fact, getattr(options[0], {"q": "question", "": "when"}.get(form, form))())


def _value(name: str) -> Callable[[Composer, str], str | None]:
    def fill(c: Composer, form: str) -> str | None:
        value: Value | None = c.focus.get(name)
        if name == "value2":
            options = [v for v in c.others("value", c.facts.values) if v.fact.source not in c.used]
            value = options[0] if options else None
        if value is None:
            return None
        if form in ("", "text"):
            text: str | None = value.text
        elif form == "lc":
            text = value.fragment()
        else:
            text = getattr(value, form)()
        return c._fact(value.fact, text)

    return fill


def _proof(c: Composer, form: str) -> str | None:
    proof = c.focus.get("proof")
    if proof is None:
        return None
    text = sentence(proof.text) if form in ("", "text") else clause(proof.text)
    if form == "lc":
        text = lower_first(clause(proof.text), c.facts.proper)
    return c._fact(proof, text)


def _quote(name: str) -> Callable[[Composer, str], str | None]:
    def fill(c: Composer, form: str) -> str | None:
        quote: Quote | None = c.focus.get(name)
        if quote is None:
            return None
        return c._fact(quote, quote.inline if form == "inline" else quote.quoted)

    return fill


def _simple(attribute: str) -> Callable[[Composer, str], str | None]:
    def fill(c: Composer, form: str) -> str | None:
        fact = getattr(c.facts, attribute)
        if fact is None:
            return None
        text = fact.text
        if form == "lc":
            text = lower_first(clause(text), c.facts.proper)
        elif form == "s":
            text = sentence(text)
        return c._fact(fact, text)

    return fill


# Place names that take "the" ("made for the United Kingdom").
_THE_PLACES = ("United ", "Netherlands", "Philippines", "Czech Republic", "Bahamas", "Gambia", "UAE", "UK", "USA", "US")


def _place(c: Composer, form: str) -> str | None:
    fact = c.facts.place
    if fact is None:
        return None
    text = f"the {fact.text}" if fact.text.startswith(_THE_PLACES) else fact.text
    return c._fact(fact, text)


def _description(c: Composer, form: str) -> str | None:
    """The description as a noun phrase after "is" (`np`, only when it is one), a sentence (`s`)
    or a clause after a colon (`lc`)."""
    fact = c.facts.description
    if fact is None:
        return None
    if form == "np":
        shaped = Value.of(fact, c.facts.proper)
        return c._fact(fact, shaped.lower() if shaped.shape == "noun" else None)
    if form == "s":
        return c._fact(fact, sentence(fact.text))
    return c._fact(fact, lower_first(clause(fact.text), c.facts.proper))


def _category(c: Composer, form: str) -> str | None:
    fact = c.facts.category
    if fact is None:
        return None
    text = lower_first(fact.text, c.facts.proper)
    return c._fact(fact, category_phrase(text) if form == "a" else text)


def _offer(c: Composer, form: str) -> str | None:
    if c.offer is None:
        return None
    text = sentence(c.offer.text) if form in ("", "s") else lower_first(clause(c.offer.text), c.facts.proper)
    return c._fact(c.offer, text)


def _offer_end(c: Composer, form: str) -> str | None:
    if c.offer is None or c.facts.offer_expires is None:
        return None
    c.use("product.offer_expires")
    return day_month(c.facts.offer_expires, c.facts.language)


def _occasion(c: Composer, form: str) -> str | None:
    """The key date's label as it reads mid-sentence: a name in title case stays ("Giving Tuesday"),
    a label written as a phrase is lowered ("end of the UK tax year" after "Ahead of")."""
    label = clause(c.occasion)
    if not label:
        return None
    head = label.partition(": ")[0]
    words = [w for w in head.split() if w[:1].isalpha()]
    titled = bool(words) and all(w[:1].isupper() or w.lower() in _TITLE_SMALL_WORDS for w in words)
    return label if titled else lower_first(label, c.facts.proper)


# Words a title-case name leaves in lower case ("Day of the Dead").
_TITLE_SMALL_WORDS = frozenset({"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to"})


def _customer(c: Composer, form: str) -> str | None:
    singular, plural = _CUSTOMER.get(c.facts.kind, ("customer", "customers"))
    if form == "a":
        return with_article(singular)
    return plural if form == "plural" else singular


def _term(c: Composer, form: str) -> str | None:
    term = c.focus.get("search_term")
    # A brand name is not a search-term theme: keyword phrasings ("Better ...") need a generic term.
    if term is None or term is c.facts.product:
        return None
    text = lower_first(term.text, c.facts.proper) if form in ("lc", "a") else term.text
    return c._fact(term, category_phrase(text) if form == "a" else text)


def _cta(c: Composer, form: str) -> str | None:
    text = c.focus.get("cta")
    return (text[:1].lower() + text[1:] if form == "lc" else text) if text else None


_SLOTS: dict[str, Callable[[Composer, str], str | None]] = {
    "product": _simple("product"),
    "client": _simple("client"),
    "category": _category,
    "alternative": _simple("alternative"),
    "description": _description,
    "price": _simple("price"),
    "phone": _simple("phone"),
    "place": _place,
    "pain": _pain,
    "pain2": _pain2,
    "value": _value("value"),
    "value2": _value("value2"),
    "proof": _proof,
    "phrase": _quote("phrase"),
    "praise": _quote("praise"),
    "offer": _offer,
    "offer_end": _offer_end,
    "occasion": _occasion,
    "customer": _customer,
    "term": _term,
    "cta": _cta,
}
