"""The template writer: channel-ready assets built from the brief's facts and nothing else.

Every asset follows hook, value, proof, call to action. Sentences are short templates whose
slots are filled with the brief's own words (product, audience, pains, phrases, value
propositions, proof points, offer, link, hashtags); where the brief has no fact for a part,
the part is left out rather than invented. Template text never carries claims QC would flag
(superlatives, absolutes, health or finance promises) nor the brief's banned terms.

Choices vary with a seed from the brief (its fingerprint, else its id), the channel, the asset
type and the slot, through sha256, so one brief always reads the same and two briefs differ.
Consecutive slots rotate through the options, so a channel's posts do not repeat each other.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from kernel.channels import family_of, measure
from production.content_fixes import clause, sentence, trim_at_word

T = TypeVar("T")

TEMPLATE_VERSION = "v1"
# Words QC treats as claims needing substantiation; template text never adds them.
CLAIM_WORDS = (
    "best",
    "#1",
    "leading",
    "only",
    "fastest",
    "world-class",
    "guaranteed",
    "100%",
    "risk-free",
    "never fails",
    "cure",
    "clinically proven",
)
# RFC 2606 / 6761 names: a link there is a placeholder, never a real destination.
_RESERVED_LINK = re.compile(
    r"^https?://(?:[^/?#]*\.)?(?:example\.(?:com|org|net)|[^/?#]*\.(?:test|example|invalid|localhost)|localhost)"
    r"(?::\d+)?(?:[/?#]|$)",
    re.IGNORECASE,
)
_SLOT = re.compile(r"{(\w+)}")
# Short formats pick lines up to this many characters where the brief allows (X: 280 in all).
SHORT_LINES = {"x": 110}
HASHTAGS_PER_CHANNEL = {"x": 2, "linkedin": 3, "facebook": 2}  # Instagram: all, cut to its maximum later


class Fact(NamedTuple):
    text: str
    source: str


@dataclass(frozen=True)
class Facts:
    """The brief's facts, each with the path of the brief field it came from."""

    seed: str
    product: Fact
    client: Fact
    audience: Fact
    description: Fact | None
    pains: tuple[Fact, ...]
    phrases: tuple[Fact, ...]
    values: tuple[Fact, ...]
    proofs: tuple[Fact, ...]
    offer: Fact | None
    link: Fact | None
    hashtags: tuple[Fact, ...]
    goal_types: tuple[Fact, ...]
    tone: Fact | None
    postal_address: Fact | None
    banned: tuple[str, ...]
    dropped_link: str = ""

    @classmethod
    def from_brief(cls, brief: Any) -> Facts:
        product, audience, client, brand = brief.product, brief.audience, brief.client, brief.brand

        def many(values: Sequence[str], path: str) -> tuple[Fact, ...]:
            return tuple(Fact(clause(v), f"{path}[{i}]") for i, v in enumerate(values) if clause(v))

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
        tags = tuple(
            Fact("#" + t.strip().lstrip("#").replace(" ", ""), f"brand.hashtags[{i}]")
            for i, t in enumerate(brand.hashtags)
            if t.strip().lstrip("#")
        )
        if not tags:
            derived = _hashtag_from(product.name)
            tags = (Fact(derived, "product.name"),) if derived else ()
        return cls(
            seed=brief.fingerprint or str(brief.id),
            product=Fact(product.name.strip(), "product.name"),
            client=Fact(client.name.strip(), "client.name"),
            audience=Fact(clause(audience.description) or clause(client.name), "audience.description"),
            description=one(product.description, "product.description"),
            pains=many(audience.pains, "audience.pains"),
            phrases=many(audience.phrases, "audience.phrases"),
            values=many(product.value_propositions, "product.value_propositions"),
            proofs=many(product.proof_points, "product.proof_points"),
            offer=one(product.offer, "product.offer"),
            link=link,
            hashtags=tags,
            goal_types=tuple(Fact(g.type, f"goals[{i}].type") for i, g in enumerate(brief.goals)),
            tone=one(brand.tone, "brand.tone"),
            postal_address=one(client.postal_address, "client.postal_address"),
            banned=tuple(t.strip().lower() for t in brand.banned_terms if t.strip()),
            dropped_link=dropped,
        )


def _hashtag_from(name: str) -> str:
    words = re.findall(r"[^\W_]+", name)
    tag = "".join(w[:1].upper() + w[1:] for w in words)
    return f"#{tag}" if tag and not tag.isdigit() else ""


@dataclass(frozen=True)
class Composed:
    """A generated asset before the mechanical fixes: its structured fields and where they came from."""

    title: str
    fields: dict[str, Any]
    template: str
    sources: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())


class Chooser:
    """Deterministic choices: a sha256 of the seed and a label picks the start; the slot rotates."""

    def __init__(self, seed: str, channel: str, asset_type: str, slot: int) -> None:
        self._base = f"{seed}|{channel}|{asset_type}"
        self.slot = slot

    def number(self, label: str) -> int:
        return int.from_bytes(hashlib.sha256(f"{self._base}|{label}".encode()).digest()[:8], "big")

    def rotate(self, label: str, options: Sequence[T]) -> T:
        return options[(self.number(label) + self.slot - 1) % len(options)]

    def rotated(self, label: str, options: Sequence[T]) -> list[T]:
        """All options, starting from the rotated one."""
        if not options:
            return []
        start = (self.number(label) + self.slot - 1) % len(options)
        return [*options[start:], *options[:start]]


class Writer:
    """Fills templates for one asset, remembering which brief fields it used.

    Slots: {product}, {client}, {audience}, {description}, {offer}, {cta} name one fact each;
    {value}, {value2}, {pain}, {phrase}, {proof} take the next unused item of that list (in the
    slot's rotated order), so one asset does not repeat a fact. A capitalised slot name starts
    with a capital; a `_s` suffix renders the fact as a whole sentence ({Pain_s}).
    """

    POOLS = {"value": "values", "value2": "values", "pain": "pains", "phrase": "phrases", "proof": "proofs"}

    def __init__(self, facts: Facts, chooser: Chooser) -> None:
        self.facts = facts
        self.choose = chooser
        self.used: dict[str, None] = {}
        goal = chooser.rotate("goal", facts.goal_types) if facts.goal_types else None
        self.goal = goal.text if goal else "awareness"
        if goal:
            self.used[goal.source] = None
        singles: dict[str, Fact | None] = {
            "product": facts.product,
            "client": facts.client,
            "audience": facts.audience,
            "description": facts.description,
            "offer": facts.offer,
        }
        self.singles = {k: v for k, v in singles.items() if v is not None and v.text}
        self.pools: dict[str, list[Fact]] = {
            name: chooser.rotated(name, getattr(facts, name)) for name in ("values", "pains", "phrases", "proofs")
        }

    @staticmethod
    def _slot_name(name: str) -> str:
        return name.lower().removesuffix("_s")

    def use(self, fact: Fact | None) -> str:
        if fact is None:
            return ""
        if fact.source:
            self.used[fact.source] = None
        return fact.text

    def can_fill(self, template: str) -> bool:
        needed: dict[str, int] = {}
        for name in _SLOT.findall(template):
            slot = self._slot_name(name)
            if slot in self.POOLS:
                needed[self.POOLS[slot]] = needed.get(self.POOLS[slot], 0) + 1
            elif slot not in self.singles:
                return False
        enough = all(len(self.pools[pool]) >= count for pool, count in needed.items())
        return enough and self.allowed(template)

    def allowed(self, template: str) -> bool:
        """Template text (without its slots) adds no claim word and no banned term."""
        return _template_allowed(template, self.facts.banned)

    def take(self, pool: str) -> Fact | None:
        """The next unused item of a list fact (values, pains, phrases, proofs), marked as used."""
        if not self.pools[pool]:
            return None
        fact = self.pools[pool].pop(0)
        self.use(fact)
        return fact

    def fill(self, template: str, *, dry: bool = False) -> str:
        """The template filled; `dry` previews it without using up or recording any fact."""
        values = {}
        offsets: dict[str, int] = {}
        for name in _SLOT.findall(template):
            slot = self._slot_name(name)
            if slot in self.POOLS:
                pool = self.POOLS[slot]
                if dry:
                    fact = self.pools[pool][offsets.get(pool, 0)]
                    offsets[pool] = offsets.get(pool, 0) + 1
                else:
                    fact = self.take(pool)
            else:
                fact = self.singles[slot]
            if not dry:
                self.use(fact)
            text = fact.text
            if name.endswith("_s"):
                text = sentence(text)
            elif name[0].isupper():
                text = text[:1].upper() + text[1:]
            values[name] = text
        return template.format(**values)

    def pick(self, label: str, templates: Sequence[tuple[str, str]], *, most: int | None = None) -> tuple[str, str]:
        """(template id, filled text) of the rotated template this asset can fill; ("", "") if none.

        With `most`, templates whose text would be longer are passed over (the shortest is the
        fallback), so short formats pick short lines instead of being trimmed later.
        """
        usable = [(tid, text) for tid, text in templates if self.can_fill(text)]
        if not usable:
            return "", ""
        if most is not None:
            length = {tid: len(self.fill(text, dry=True)) for tid, text in usable}
            short = [(tid, text) for tid, text in usable if length[tid] <= most]
            usable = short or [min(usable, key=lambda item: length[item[0]])]
        tid, text = self.choose.rotate(label, usable)
        return tid, self.fill(text)

    def sentences(self, label: str, templates: Sequence[str]) -> list[str]:
        """Templates this asset can fill, filled, in rotated order."""
        out = []
        for template in self.choose.rotated(label, list(templates)):
            if self.can_fill(template):
                out.append(self.fill(template))
        return out

    @contextmanager
    def summary(self) -> Iterator[None]:
        """Write a summary (subject, preheader, title, meta description): it may repeat facts the body uses."""
        saved = {pool: list(items) for pool, items in self.pools.items()}
        try:
            yield
        finally:
            self.pools = saved

    def in_order(self, templates: Sequence[str]) -> str:
        """The templates this asset can fill, filled and joined in their written order."""
        return " ".join(self.fill(t) for t in templates if self.can_fill(t))

    def cta(self) -> str:
        options = [t for t in CTAS.get(self.goal, CTAS["awareness"]) if self.can_fill(t)]
        return self.fill(self.choose.rotate("cta", options)) if options else ""

    def link(self) -> str:
        return self.use(self.facts.link)

    def sources(self) -> tuple[str, ...]:
        return tuple(self.used)


@lru_cache(maxsize=4096)
def _template_allowed(template: str, banned: tuple[str, ...]) -> bool:
    """`Writer.allowed`, remembered: templates and a brief's banned terms repeat across assets and runs."""
    static = _SLOT.sub(" ", template).lower()
    return _unwanted_words(banned).search(static) is None


@lru_cache(maxsize=256)
def _unwanted_words(banned: tuple[str, ...]) -> re.Pattern[str]:
    """Any claim word or banned term as a whole word (one pattern: a match of any alternative is a match)."""
    words = (*CLAIM_WORDS, *banned)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)")


# --- template banks --------------------------------------------------------------------------
# Pains and customer phrases are often whole sentences, and audiences long descriptions, so
# templates use them standalone ({Pain_s}), quoted, or after a colon, never mid-sentence.

HOOKS = (
    ("pain-question", "{Pain}? Meet {product}."),
    ("pain-familiar", "“{Pain_s}” Sound familiar?"),
    ("phrase", "“{Phrase_s}” If that sounds like you, meet {product}."),
    ("value-first", "{product}: {value}."),
    ("made-for", "{product}. Who it is for: {audience}."),
    ("description", "{product}: {description}."),
)
VALUE_LINES = (
    ("plain", "{Value_s}"),
    ("why", "Why {product}? {Value_s}"),
    ("two", "{Value_s} {Value2_s}"),
    ("in-short", "In short: {value}."),
)
# Each channel words its value line its own way, so short posts on two channels differ even
# when a sparse brief gives them the same facts.
CHANNEL_VALUE_LINES = {
    "linkedin": (
        ("idea", "The idea behind {product}: {value}."),
        ("list", "What {product} brings:\n→ {Value_s}\n→ {Value2_s}"),
        ("point", "One point worth making: {value}."),
        ("plain", "{Value_s}"),
    ),
    "instagram": (
        ("plain", "{Value_s}"),
        ("lines", "{Value_s}\n{Value2_s}"),
        ("about", "All about {product}: {value}."),
    ),
}
PROOF_LINES = (
    ("plain", "{Proof_s}"),
    ("facts", "The facts: {proof}."),
    ("evidence", "Evidence, not adjectives: {proof}."),
)
CTAS = {
    "awareness": ("Discover {product}", "Take a closer look at {product}", "See what {product} is about"),
    "engagement": (
        "Tell us what you think in the comments",
        "Share this with someone who would like {product}",
        "Join the conversation about {product}",
    ),
    "traffic": ("Read more about {product}", "Explore {product}", "Visit {client} to learn more"),
    "leads": ("Get in touch with {client}", "Request details about {product}", "Book a conversation with {client}"),
    "sales": ("Order {product} today", "Get {product} now", "Try {product}"),
    "retention": (
        "Explore what is new in {product}",
        "Make the most of {product}",
        "Tell us how {product} fits your week",
    ),
}
LINKEDIN_EXTRAS = ("“{Phrase_s}” Sound familiar?", "{Description_s}", "{Value_s}")
# Questions that invite replies (Facebook, LinkedIn); each list has entries needing no fact.
QUESTIONS = {
    "facebook": (
        "How do you deal with this today?",
        "Who do you know who would like {product}?",
        "What would you add?",
        "Have you tried {product} yet?",
    ),
    "linkedin": (
        "What is your take?",
        "How would this change your week?",
        "Where do you see this in your own day?",
        "What would you change first?",
    ),
}
LINKEDIN_CLOSERS = (
    "Worth a read if this is you.",
    "Save this for later.",
    "Share it with a colleague who needs it.",
    "Follow {client} for more.",
    "Questions welcome in the comments.",
)
FORMAL_TONES = ("formal", "professional", "authoritative", "expert", "serious", "corporate", "precise")
WARM_TONES = ("warm", "friendly", "playful", "casual", "fun", "cheerful", "approachable", "upbeat", "encouraging")
GREETINGS = {"formal": ("Hello,", "Good day,"), "warm": ("Hi there,", "Hello there,"), "neutral": ("Hello,", "Hi,")}
EMAIL_SUBJECT_MAX = 60
EMAIL_SUBJECTS = (
    ("value", "{product}: {value}"),
    ("pain", "{Pain}? Meet {product}"),
    ("offer", "{Offer}"),
    ("value-plain", "{Value}"),
    ("product", "News from {client}: {product}"),
)
EMAIL_HOOKS = (
    ("pain", "{Pain_s} If that sounds familiar, this e-mail is for you."),
    ("audience", "Who this e-mail is for: {audience}."),
    ("product", "A short note about {product}."),
    ("phrase", "“{Phrase_s}” If that sounds like you, read on."),
)
PREHEADERS = ("{Value2_s}", "{Description_s}", "{Proof_s}", "{Value_s}", "{Offer_s}", "Who it is for: {audience}.")
BLOG_TITLES = (
    ("pain", "{Pain}? Here is what can help"),
    ("value", "{Value}: a closer look at {product}"),
    ("product", "A closer look at {product}"),
    ("phrase", "“{Phrase}”: how {product} fits in"),
)
BLOG_META = (
    "{product}: {value}.",
    "Who it is for: {audience}.",
    "{Value2_s}",
    "{Description_s}",
    "{Proof_s}",
    "{Offer_s}",
    "Read how it works and how to start.",
    "A plain look at the problem, the product and the next step.",
)


# Generic article sentences, grouped in sections. Each article angle uses its own sections, so the
# articles of one run share little text (QC flags near-duplicates). A section's sentences keep
# their order (they read as a paragraph); sentences whose facts the brief lacks are skipped.
BLOG_SECTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # name: (heading templates, first that can be filled wins; sentences)
    "problem": (
        ("The problem", "Where it starts"),
        (
            "{Pain_s} That is where it starts.",
            "You may know the words already: “{Phrase_s}”",
            "It is easy to accept that as just the way things are.",
            "Small frictions add up over a week, a month and a year.",
            "Naming the problem is the first step to fixing it.",
            "So let us look at it plainly, and then at what can help.",
        ),
    ),
    "why": (
        ("Why it keeps happening",),
        (
            "Routines grow one small habit at a time.",
            "Nobody plans for a problem like this; it creeps in.",
            "By the time anyone notices, it feels normal.",
            "Workarounds pile up, and each one costs a little attention.",
            "The longer it runs, the harder it is to picture another way.",
            "That is why a fresh look helps.",
            "It is less about trying harder and more about changing the setup.",
        ),
    ),
    "questions": (
        ("Questions to ask yourself",),
        (
            "How much does the problem cost you each week?",
            "What would you do with that time and energy instead?",
            "Which part of your routine would you change first?",
            "Who else around you deals with the same thing?",
            "What would a good first step look like for you?",
        ),
    ),
    "decide": (
        ("A simple way to decide",),
        (
            "Write down what the problem costs you today.",
            "Compare it with what {product} offers: {value}.",
            "Look at the facts, not the adjectives.",
            "If the answer is clear, take the next step.",
            "If it is not, keep the question open and come back to it later.",
            "Either way, you will know more than you did before.",
        ),
    ),
    "habits": (
        ("Small steps, real change", "Making it stick"),
        (
            "Change rarely comes from one big decision.",
            "It comes from a few small ones, made on ordinary days.",
            "Start with the part of your week that feels heaviest.",
            "Look at it for a few days before you change anything.",
            "Notice when the problem shows up, and what it takes from you.",
            "Then pick one thing to try, and give it a fair chance.",
            "Keep what works and drop what does not.",
            "Talk it through with the people it affects.",
            "They will often see things you miss.",
        ),
    ),
    "check": (
        ("What to check before you choose",),
        (
            "Ask for the facts behind any claim, ours included.",
            "Look at how a product is used as well as how it is described.",
            "Check the details that matter to you, one by one.",
            "Think about the first week, not just the first day.",
            "Ask what happens when something goes wrong.",
            "Then decide with a clear head and on your own terms.",
        ),
    ),
    "week": (
        ("A plan for the first week", "Your first week"),
        (
            "On day one, write down what you want to change.",
            "On day two, look at how {product} would fit into that picture.",
            "Midweek, check what feels easier and what still feels hard.",
            "At the end of the week, look back at your notes.",
            "Keep the parts that helped and adjust the rest.",
            "A week is short, but it is long enough to learn something.",
        ),
    ),
}
BLOG_PRODUCT = (
    "Who it is for: {audience}.",
    "{Description_s}",
    "The idea is simple, and it shapes everything about {product}.",
    "Here is what that looks like in practice.",
)
BLOG_VALUE_FOLLOW_UPS = (
    "Think about what that would change in a normal week.",
    "It is a simple idea, and it sits at the heart of {product}.",
    "That is the part people tend to notice first.",
    "Keep that in mind as you read on.",
    "Picture a normal day with this in place.",
    "It is worth asking how this would fit your own routine.",
)
BLOG_PROOF = (
    "Claims are cheap, so here is what we can point to.",
    "You can check these for yourself.",
)
BLOG_START = (
    "{Offer}.",
    "Getting started takes one step.",
    "Questions are welcome: {client} reads every message.",
)
# Article angles: the sections before the product part, the sections after it, and the
# sections used (in order) to pad the article to its length.
BLOG_ANGLES = (
    ("problem", ("problem", "why"), (), ("habits", "week", "check")),
    ("guide", ("questions", "decide"), (), ("check", "week", "habits")),
    ("tour", (), ("check", "week"), ("habits", "why", "questions")),
)
# The article body aims above the 300-word floor, so light edits keep it there.
BLOG_MIN_WORDS = 330
RSA_FALLBACK_HEADLINES = (
    "See How It Works",
    "Learn More Online",
    "Get Started Today",
    "Explore the Details",
    "Find Out More Here",
    "Take a Closer Look",
)
RSA_DESCRIPTIONS = (
    "{Value_s} {cta}.",
    "{Value_s} {cta}.",
    "{Proof_s}",
    "{Offer_s} {cta}.",
    "{product}: {value}. {cta}.",
    "{Description_s}",
)
RSA_FALLBACK_DESCRIPTIONS = ("Discover {product} from {client}.", "See what {product} offers.")
RSA_MAX_HEADLINES = 10
RSA_MAX_DESCRIPTIONS = 3  # leaves room for a mandatory disclaimer as the fourth


# --- composition per family ------------------------------------------------------------------


def compose(*, facts: Facts, channel: str, asset_type: str, slot: int) -> Composed:
    """Write one asset by template (fields still to be finished by `content_fixes.finish`)."""
    writer = Writer(facts, Chooser(facts.seed, channel, asset_type, slot))
    family = family_of(channel, asset_type)
    composed = _COMPOSERS[family](writer, channel, asset_type)
    notes = (f"link.dropped: {facts.dropped_link} is a reserved example domain",) if facts.dropped_link else ()
    return Composed(
        title=composed.title,
        fields=composed.fields,
        template=composed.template,
        sources=writer.sources(),
        notes=notes,
    )


def _template_id(asset_type: str, *parts: str) -> str:
    return ".".join([asset_type, *(p for p in parts if p), TEMPLATE_VERSION])


def _social(w: Writer, channel: str, asset_type: str) -> Composed:
    short = SHORT_LINES.get(channel)
    hook_id, hook = w.pick("hook", HOOKS, most=short)
    value_id, value = w.pick("value", CHANNEL_VALUE_LINES.get(channel, VALUE_LINES), most=short)
    _proof_id, proof = w.pick("proof", PROOF_LINES, most=short)
    # Every other post carries the offer, so a channel's posts do not all end the same way.
    offer = sentence(w.use(w.facts.offer)) if w.choose.rotate("offer", (True, False)) else ""
    cta = w.cta()
    link = w.link()
    question = ""
    if channel == "linkedin":
        extra = w.sentences("extra", LINKEDIN_EXTRAS)[:1]
        value = " ".join([value, *extra]).strip()
        question = " ".join(
            [w.sentences("question", QUESTIONS["linkedin"])[0], w.sentences("closer", LINKEDIN_CLOSERS)[0]]
        )
    elif channel == "facebook":
        question = w.sentences("question", QUESTIONS["facebook"])[0]
    tags = list(w.facts.hashtags)
    count = HASHTAGS_PER_CHANNEL.get(channel, len(tags))
    chosen = w.choose.rotated("hashtags", tags)[:count] if count < len(tags) else tags
    hashtags = [w.use(t) for t in chosen]
    title = trim_at_word(clause(hook) or w.facts.product.text, 100)
    fields = {"hook": hook, "value": value, "proof": proof, "offer": offer, "question": question, "cta": cta}
    fields |= {"link": link, "hashtags": hashtags}
    if channel == "instagram" and link:
        # Instagram captions do not make links clickable: the link goes in the profile, the calendar keeps it.
        fields["link_in_bio"] = True
    return Composed(title=title, fields=fields, template=_template_id(asset_type, hook_id, value_id), sources=())


def _tone_family(w: Writer) -> str:
    tone = w.use(w.facts.tone).lower()
    if any(t in tone for t in FORMAL_TONES):
        return "formal"
    if any(t in tone for t in WARM_TONES):
        return "warm"
    return "neutral"


def _fill_until(w: Writer, templates: Sequence[str], low: int, high: int) -> str:
    """Sentences joined until the text reaches `low` characters, then trimmed to `high`."""
    text = ""
    for template in w.choose.rotated("fill", list(templates)):
        if len(text) >= low:
            break
        if w.can_fill(template):
            text = f"{text} {w.fill(template)}".strip()
    return trim_at_word(text, high)


def _subject(w: Writer) -> tuple[str, str]:
    """The rotated subject template that fits the ideal length, else the rotated one (trimmed later)."""
    usable = [(tid, t) for tid, t in w.choose.rotated("subject", list(EMAIL_SUBJECTS)) if w.can_fill(t)]
    fitting = [(tid, t) for tid, t in usable if len(w.fill(t, dry=True)) <= EMAIL_SUBJECT_MAX]
    tid, template = (fitting or usable or [("", "{product}")])[0]
    return tid, w.fill(template)


def _email(w: Writer, channel: str, asset_type: str) -> Composed:
    with w.summary():
        subject_id, subject = _subject(w)
    with w.summary():
        preheader = _fill_until(w, PREHEADERS, 40, 80)
    hook_id, hook = w.pick("hook", EMAIL_HOOKS)
    greeting = w.choose.rotate("greeting", GREETINGS[_tone_family(w)])
    values = _drain(w, "values")
    value = ""
    if values:
        bullets = "\n".join(f"- {sentence(v)}" for v in values)
        value = f"What {w.use(w.facts.product)} brings:\n{bullets}"
    proofs = _drain(w, "proofs")[:2]
    proof = "The facts:\n" + "\n".join(f"- {sentence(p)}" for p in proofs) if proofs else ""
    client = w.use(w.facts.client)
    address = w.use(w.facts.postal_address)
    footer = "\n".join(
        [
            " · ".join(p for p in (client, address) if p),
            f"You are receiving this e-mail from {client}. To unsubscribe, reply “unsubscribe” "
            "and we will remove you from the list.",
        ]
    )
    fields = {
        "subject": subject,
        "preheader": preheader,
        "greeting": greeting,
        "hook": hook,
        "value": value,
        "proof": proof,
        "offer": sentence(w.use(w.facts.offer)),
        "cta": w.cta(),
        "link": w.link(),
        "signoff": f"— The {client} team",
        "footer": footer,
    }
    return Composed(title=subject, fields=fields, template=_template_id(asset_type, subject_id, hook_id), sources=())


def _drain(w: Writer, pool: str) -> list[str]:
    """Every remaining item of a list fact, marked as used."""
    items = []
    while (fact := w.take(pool)) is not None:
        items.append(fact.text)
    return items


def _blog(w: Writer, channel: str, asset_type: str) -> Composed:
    with w.summary():
        title_id, title = w.pick("title", BLOG_TITLES)
    with w.summary():
        meta = _fill_until(w, BLOG_META, 120, 156)
    title = title or w.facts.product.text
    angle, before, after, padding = w.choose.rotate("angle", BLOG_ANGLES)
    _hook_id, hook = w.pick("hook", HOOKS)
    sections: list[dict[str, Any]] = [{"heading": "", "paragraphs": [hook]}]
    sections += [_blog_section(w, name) for name in before]
    sections.append(_product_section(w))
    proofs = _drain(w, "proofs")
    if proofs:
        proof_lines = " ".join(sentence(p) for p in proofs)
        sections.append({"heading": "The evidence", "paragraphs": [w.in_order(BLOG_PROOF), proof_lines]})
    sections += [_blog_section(w, name) for name in after]
    for name in padding:
        if _words(sections) >= BLOG_MIN_WORDS:
            break
        sections.append(_blog_section(w, name))
    sections.append({"heading": "How to get started", "paragraphs": [w.in_order(BLOG_START)]})
    sections = [s for s in sections if any(s["paragraphs"])]
    fields = {
        "title": title,
        "meta_description": meta,
        "headings": [s["heading"] for s in sections if s["heading"]],
        "sections": sections,
        "cta": w.cta(),
        "link": w.link(),
    }
    return Composed(title=title, fields=fields, template=_template_id(asset_type, angle, title_id), sources=())


def _blog_section(w: Writer, name: str) -> dict[str, Any]:
    headings, sentences = BLOG_SECTIONS[name]
    heading = next((w.fill(h) for h in headings if w.can_fill(h)), "")
    return {"heading": heading, "paragraphs": [w.in_order(sentences)]}


def _product_section(w: Writer) -> dict[str, Any]:
    paragraphs = [w.in_order(BLOG_PRODUCT)]
    follow_ups = w.sentences("follow", BLOG_VALUE_FOLLOW_UPS)
    for i, value in enumerate(_drain(w, "values")):
        follow = follow_ups[i % len(follow_ups)] if follow_ups else ""
        paragraphs.append(f"{sentence(value)} {follow}".strip())
    return {"heading": f"What {w.facts.product.text} does", "paragraphs": paragraphs}


def _words(sections: list[dict[str, Any]]) -> int:
    return sum(measure(p, "words") for s in sections for p in s["paragraphs"])


def _shorten_words(text: str, most: int) -> str:
    """The longest run of whole leading words of `text` within `most` characters (no ellipsis)."""
    words, out = clause(text).split(), ""
    for word in words:
        candidate = f"{out} {word}".strip()
        if len(candidate) > most:
            break
        out = candidate
    return out.rstrip(",;:-–—")


def _slug(text: str, most: int = 15) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_text)
    return _shorten_words(" ".join(words), most).replace(" ", "-")


def _rsa(w: Writer, channel: str, asset_type: str) -> Composed:
    cta = w.cta()
    facts = w.facts
    candidates: list[tuple[str, Fact | None]] = [(facts.product.text, facts.product)]
    candidates += [(f"{facts.product.text} by {facts.client.text}", facts.client)]
    candidates += [(v.text, v) for v in w.choose.rotated("values", facts.values)]
    candidates += [(p.text, p) for p in w.choose.rotated("phrases", facts.phrases)]
    candidates += [(facts.offer.text, facts.offer)] if facts.offer else []
    candidates += [(cta, None), (facts.client.text, facts.client)]
    headlines: list[str] = []

    def add(text: str, fact: Fact | None) -> None:
        text = text.strip()
        if text and len(text) <= 30 and text.lower() not in {h.lower() for h in headlines} and w.allowed(text):
            headlines.append(text)
            w.use(fact)

    for text, fact in candidates:
        add(text[:1].upper() + text[1:], fact)
    for text, fact in candidates:
        add(_shorten_words(text[:1].upper() + text[1:], 30), fact)
    for text in w.choose.rotated("headline", RSA_FALLBACK_HEADLINES):
        if len(headlines) >= 5:
            break
        add(text, None)
    w.singles["cta"] = Fact(clause(cta), "")
    descriptions: list[str] = []
    for template in [*RSA_DESCRIPTIONS, *RSA_FALLBACK_DESCRIPTIONS]:
        if len(descriptions) >= RSA_MAX_DESCRIPTIONS:
            break
        if not w.can_fill(template):
            continue
        text = w.fill(template)
        text = text if len(text) <= 90 else _shorten_words(text, 89) + "."
        if len(text) > 10 and text not in descriptions:
            descriptions.append(text)
    path1 = _slug(facts.product.text) or _slug(facts.client.text)
    path2 = _slug(facts.audience.text)
    fields = {
        "headlines": headlines[:RSA_MAX_HEADLINES],
        "descriptions": descriptions,
        "path1": path1,
        "path2": path2 if path2 != path1 else "",
        "final_url": w.link(),
        "cta": cta,
    }
    title = f"Search ad {w.choose.slot}: {facts.product.text}"
    return Composed(title=title, fields=fields, template=_template_id(asset_type), sources=())


_COMPOSERS = {"social": _social, "email": _email, "blog": _blog, "rsa": _rsa}
