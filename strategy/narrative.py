"""The strategist's reading of a brief: insight, positioning, message hierarchy, summary, risks, compliance.

Rule-based and deterministic: every sentence is composed from the brief's typed facts (the pains,
value propositions, proof points, category, alternative), in the brief's language and spelling.
A fact is never pasted mid-sentence: it is classified by its grammatical shape (`kernel.grammar`)
and turned into the clause the sentence needs, with its first letter lowered only when it is not a
name. Facts that carry one of the brand's banned terms are not used, and a price or a fee is never
offered as proof. `banned_term_violations` is the check the finished strategy must pass.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from kernel.channels import PAID_CHANNELS
from kernel.channels import label as channel_label
from kernel.grammar import (
    FINITE,
    IMPERATIVES,
    PREDICATE_VERBS,
    base_verb,
    british,
    capitalise,
    category_phrase,
    clause,
    document_language,
    is_british,
    join_list,
    long_date,
    lower_first,
    money,
    pain_shape,
    proper_nouns,
    sentence,
    value_shape,
    with_article,
)
from kernel.text import find_terms
from strategy.domain import KPI, ChannelPlan, Pillar, Strategy

if TYPE_CHECKING:
    from onboarding.domain import Brief

WORDS_FILE = Path(__file__).resolve().parent / "data" / "narrative.yaml"


def _load_words() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return {key: frozenset(str(w).lower() for w in words) for key, words in data.items()}


# The word lists are data, reviewed like copy (see the file's comments).
_WORDS = _load_words()

PILLAR_COUNT = 3
# A pillar's name: the value proposition up to its first clause boundary, at most this many words.
PILLAR_NAME_WORDS = 8
PILLAR_NAME_MIN_WORDS = 3
# Below this media budget per channel and week, the plan is stretched thin (in the budget's currency).
THIN_BUDGET_PER_CHANNEL_WEEK = Decimal("150")
# A campaign shorter than this leaves no time to learn and adjust mid-flight.
SHORT_CAMPAIGN_DAYS = 28
# More channels than this in a campaign shorter than BUSY_CAMPAIGN_DAYS strains production.
BUSY_CHANNEL_COUNT = 5
BUSY_CAMPAIGN_DAYS = 42

_CLAUSE_BOUNDARIES = _WORDS["clause_boundaries"]
_PREPOSITIONS = _WORDS["prepositions"]
_ARTICLES = frozenset({"a", "an", "the"})
_CLAUSE_VERBS = _WORDS["clause_verbs"]
_HARD = _WORDS["hard_words"]
_WITH_THE = _WORDS["places_with_the"]
_SUBORDINATORS = _WORDS["subordinators"]
_AUDIENCE_STOPS = _WORDS["audience_stops"]
# A proof point that is really a price or a fee is not evidence.
_PRICE = re.compile(
    r"\b(?:fees?|prices?|priced|pricing|costs?|charges?|discount|per month|a month|per year|a year|/\s?mo(?:nth)?)\b"
    r"|[£$€¥]\s?\d",
    re.IGNORECASE,
)
# Signs that a proof point is independent or measured: counted, rated, dated, certified.
_THIRD_PARTY = re.compile(
    r"\b(?:rated|rating|reviews?|stars?|award\w*|report|study|survey|certified|licensed|accredited|audited|"
    r"independent|soc ?2|iso ?\d+|#1|ranked)\b",
    re.IGNORECASE,
)
# A measured result: a percentage, a before and after, "2.4 times", "22 minutes sooner".
_MEASURED = re.compile(
    r"\d%|\bfrom [\d.,]+ to [\d.,]+|\b\d+(?:\.\d+)? times\b"
    r"|\b\d+(?:\.\d+)? (?:minutes|hours|days|weeks|months)\b[^.]{0,20}\b(?:sooner|faster|less|fewer|earlier)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_STOP_WORDS = _WORDS["stop_words"]
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ians?|eses?|ish|eans?|ans?)$")
_NOT_DEMONYMS = _WORDS["not_demonyms"]
_ABBREVIATION_END = re.compile(r"(?:\b[ap]\.m|\betc|\bInc|\bLtd|\bCo)$")
_OUR = re.compile(r"\b[Oo]ur\b")
_PRONOUN_SHIFT = {"your": "their", "yours": "theirs", "yourself": "themselves", "you're": "they're"}
_OBJECT_BEFORE_YOU = _WORDS["object_before_you"]
_UNCOUNTED_UNITS = _WORDS["uncounted_units"]
_COMMON_OPENERS = _WORDS["common_openers"]
_CHANNEL_IN_PROSE = {"email": "e-mail", "blog": "the blog"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh", 8: "eighth"}
_REGULATORS_UK = ("United Kingdom", "UK", "England", "Scotland", "Wales", "Northern Ireland", "Great Britain")


def whole(text: str) -> str:
    """A fact without its closing punctuation, keeping the full stop of an abbreviation ("2 a.m.")."""
    body = clause(text)
    return body + "." if _ABBREVIATION_END.search(body) and text.strip().endswith(".") else body


def _words(text: str) -> set[str]:
    """The content words of a text, singular ("fees" and "fee" match), without function words."""
    found = set()
    for word in _WORD.findall(text):
        word = word.casefold()
        if word in _STOP_WORDS:
            continue
        found.add(word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word)
    return found


def _third_person(text: str) -> str:
    """The brief's second-person words as the strategist speaks of the audience ("your door" -> "their door")."""
    tokens = text.split(" ")
    out = []
    for index, token in enumerate(tokens):
        bare = token.lower().strip(",.;:")
        if bare in _PRONOUN_SHIFT:
            out.append(token.lower().replace(bare, _PRONOUN_SHIFT[bare]))
        elif bare == "you":
            before = tokens[index - 1].lower().strip(",.;:") if index else ""
            out.append(token.lower().replace("you", "them" if before in _OBJECT_BEFORE_YOU else "they"))
        else:
            out.append(token)
    return " ".join(out)


@dataclass(frozen=True)
class Fact:
    """One usable brief fact: its text without closing punctuation and the path it came from."""

    text: str
    source: str
    index: int


@dataclass(frozen=True)
class Reading:
    """What the strategist may use from a brief: facts free of banned terms, the language and the names."""

    brief: Brief

    @cached_property
    def language(self) -> str:
        """The tag dates and lists follow: en-GB when the brief or its voice notes ask for British English."""
        return document_language(self.brief.language, self.brief.brand.voice_notes)

    @cached_property
    def british(self) -> bool:
        return is_british(self.language)

    @cached_property
    def proper(self) -> frozenset[str]:
        brief = self.brief
        return proper_nouns(
            names=[brief.client.name, brief.product.name, *brief.audience.locations],
            texts=[
                brief.product.description,
                *brief.product.value_propositions,
                *brief.product.proof_points,
                *brief.audience.pains,
                brief.product.offer,
                brief.audience.description,
                brief.product.alternative,
                brief.product.category,
            ],
        )

    def banned(self, text: str) -> list[str]:
        """The banned terms `text` carries (the brand's allowed phrases exempt)."""
        brand = self.brief.brand
        return [hit.term for hit in find_terms(text, brand.banned_terms, allowed_phrases=brand.allowed_phrases)]

    def _usable(self, values: Sequence[str], path: str) -> tuple[Fact, ...]:
        return tuple(
            Fact(whole(v), f"{path}[{i}]", i) for i, v in enumerate(values) if clause(v) and not self.banned(v)
        )

    @cached_property
    def pains(self) -> tuple[Fact, ...]:
        return self._usable(self.brief.audience.pains, "audience.pains")

    @cached_property
    def values(self) -> tuple[Fact, ...]:
        return self._usable(self.brief.product.value_propositions, "product.value_propositions")

    @cached_property
    def proofs(self) -> tuple[Fact, ...]:
        """Proof points that are evidence: free of banned terms, and not a price or a fee."""
        price = clause(self.brief.product.price).casefold()
        return tuple(
            p
            for p in self._usable(self.brief.product.proof_points, "product.proof_points")
            if not _PRICE.search(p.text) and (not price or p.text.casefold() != price)
        )

    @cached_property
    def dropped(self) -> tuple[tuple[str, int], ...]:
        """(what, position from 1) for each fact left out because it carries a banned term."""
        brief = self.brief
        found = []
        for what, values in (
            ("pain", brief.audience.pains),
            ("value proposition", brief.product.value_propositions),
            ("proof point", brief.product.proof_points),
        ):
            found += [(what, i) for i, value in enumerate(values, start=1) if self.banned(value)]
        return tuple(found)

    def lower(self, text: str) -> str:
        """A fact to follow other words: its first letter lowered unless it opens with a name, an
        acronym or a word of nationality or place ("Parisian commuters", "UK savers")."""
        body = whole(text)
        first = body.split(" ", 1)[0]
        if _DEMONYM.match(first) and first.lower() not in _NOT_DEMONYMS:
            return body
        return lower_first(body, self.proper)

    @cached_property
    def _lower_words(self) -> frozenset[str]:
        """Words the brief writes in lower case somewhere: common words, not names."""
        brief = self.brief
        texts = [
            brief.product.description,
            brief.product.category,
            brief.product.alternative,
            brief.audience.description,
            *brief.product.value_propositions,
            *brief.product.proof_points,
            *brief.audience.pains,
            *brief.audience.phrases,
            *brief.audience.search_terms,
            *(g.description for g in brief.goals),
        ]
        return frozenset(w for t in texts for w in re.findall(r"(?<![\w'’-])[a-z][\w'’-]*", t))

    def after_colon(self, text: str) -> str:
        """A fact after a colon: lowered when its first word is a common word, kept as written when it
        may be a name the brief never writes mid-sentence ("Apache 2.0 licensed")."""
        body = whole(text)
        first = body.split(" ", 1)[0]
        if first[:1].isupper() and first.lower() not in self._lower_words and first.lower() not in _COMMON_OPENERS:
            return self.spoken_of(body)
        return self.spoken_of(self.lower(body))

    def spoken_of(self, text: str) -> str:
        """A fact as the strategist says it: the audience in the third person ("your door" -> "their
        door") and the client named where the brief says "our" ("by our team" -> "by Tallyfold's team")."""
        owner = _possessive(self.brief.client.name.strip()) if self.brief.client.name.strip() else "the client's"
        return _OUR.sub(lambda m: owner if m.group(0).islower() else capitalise(owner), _third_person(text))

    def ours(self, text: str) -> str:
        """Our own wording in the brief's spelling (brief facts inside it are never respelt by the
        word list, which holds only words our templates use)."""
        return british(text) if self.british else text

    def date(self, day: date) -> str:
        return long_date(day, self.language)

    def listed(self, items: Sequence[str]) -> str:
        return join_list([i for i in items if i], self.language)

    @cached_property
    def places(self) -> str:
        """Where the audience is, as a sentence names it ("the United Kingdom, Ireland and the Netherlands")."""
        named = []
        for place in self.brief.audience.locations:
            place = clause(place)
            named.append(f"the {place}" if place.casefold() in _WITH_THE else place)
        return self.listed(named)

    def channels(self, channels: Sequence[str]) -> str:
        """Channel names as a sentence lists them ("LinkedIn, the blog and e-mail")."""
        return self.listed([_CHANNEL_IN_PROSE.get(c, channel_label(c)) for c in channels])

    @cached_property
    def audience(self) -> str:
        """Who the audience is, without their situation ("Financial controllers and CFOs")."""
        description = clause(self.brief.audience.description.split(",")[0])
        kept: list[str] = []
        for word in description.split():
            if kept and word.lower() in _AUDIENCE_STOPS:
                break
            kept.append(word)
        who = " ".join(kept) or "the audience"
        return self.lower(who)

    @cached_property
    def audience_placed(self) -> bool:
        """Whether the audience's name already says where they are ("UK savers")."""
        words = set(self.audience.split())
        for place in self.brief.audience.locations:
            name = clause(place.split(",")[0])
            short = "".join(w[0] for w in name.split() if w[:1].isupper()) if " " in name else name
            if name in self.audience or short in words:
                return True
        return False

    @cached_property
    def product(self) -> str:
        return self.brief.product.name.strip()

    @cached_property
    def category(self) -> str:
        category = self.brief.product.category
        if not clause(category) or self.banned(category):
            return ""
        return category_phrase(self.lower(category))

    @cached_property
    def alternative(self) -> str:
        alternative = self.brief.product.alternative
        if not clause(alternative) or self.banned(alternative):
            return ""
        return self.spoken_of(self.lower(alternative))


# --- Facts in the shapes a sentence needs ---------------------------------------------------


def pain_clause(pain: str, subject: str, reading: Reading) -> str:
    """A pain as a clause about `subject` (a plural noun phrase): "financial controllers lose..."."""
    body = whole(pain)
    lowered = reading.lower(body)
    shape = pain_shape(body)
    first = body.split(" ", 1)[0].lower()
    rest = body.split(" ", 1)[1] if " " in body else ""
    if shape == "no":
        if first == "no":
            return f"{subject} have {lowered}"
        if body.lower().startswith(("too many", "too much")):
            return f"{subject} face {lowered}"
        if body.lower().startswith("never enough"):
            return f"{subject} never have enough {body.split(' ', 2)[2] if body.count(' ') >= 2 else ''}".strip()
        return f"{subject} are {lowered}"
    if shape == "predicate":
        if first in ("cannot", "can't"):
            return f"{subject} {first} {rest}".strip()
        if first in ("doesn't", "isn't"):
            return f"{subject} {first.replace('doesn', 'don').replace('isn', 'aren')} {rest}".strip()
        return f"{subject} {base_verb(first)} {rest}".strip()
    if shape == "adjective":
        return f"{subject} are {lowered}"
    if shape == "gerund" and not _CLAUSE_VERBS & {w.lower() for w in body.split()[1:8]}:
        return f"{subject} are still {lowered}"
    if first in _HARD:
        return f"{subject} find it {lowered}"
    if shape != "gerund" and not _has_main_verb(body):
        return f"{subject} face {lowered}"
    return f"for {'them' if subject == 'they' else subject}, {lowered}"


def _has_main_verb(body: str) -> bool:
    """Whether a pain is a full clause: a verb before any subordinate clause starts (a noun phrase
    such as "Surprise fees once the plumber is in the house" has none before "once")."""
    for token in body.split()[:10]:
        word = token.lower().strip(",.;:")
        if word in _SUBORDINATORS:
            return False
        if word in _CLAUSE_VERBS:
            return True
        if word in FINITE or word in PREDICATE_VERBS or (word.endswith("s") and word[:-1] in IMPERATIVES):
            return True
        if word in IMPERATIVES and token[:1].islower():
            return True  # "Auditors ask for evidence": a plural subject and its verb
    return not any(w.lower() in _SUBORDINATORS for w in body.split()[:6])


def value_phrase(value: str, reading: Reading) -> str:
    """A value proposition as what the product does for the audience, after "that" or "it":
    "lets them close the books...", "gives them fresh sourdough...", "works with..."."""
    body = clause(value)
    shape = value_shape(body)
    text = reading.spoken_of(reading.lower(body))
    if shape == "imperative":
        return f"lets them {text}"
    if shape == "predicate":
        return text
    if shape == "clause":
        return f"means {text}"
    return f"gives them {text}"


def core_message(pillar: Pillar | None, reading: Reading) -> str:
    """The one line every asset ladders up to, from the lead pillar's value proposition."""
    product = reading.product
    if pillar is None:
        description = clause(reading.brief.product.description)
        return sentence(f"{product}: {reading.lower(description)}") if description else sentence(product)
    body = clause(pillar.value_proposition)
    shape = value_shape(body)
    if shape == "imperative":
        return sentence(f"With {product}, you {reading.lower(body)}")
    if shape == "predicate":
        return sentence(f"{product} {reading.lower(body)}")
    if shape == "clause":
        return sentence(body)
    return sentence(f"{product} means {reading.lower(body)}")


def pillar_name(value: str) -> str:
    """A short name for a pillar: the value proposition up to its first clause boundary, without a
    leading article ("Close the books in 4 working days", "Fresh sourdough every Saturday")."""
    body = re.sub(r"\b(?:that|which) (?:is|are) ", "", clause(value))
    head = body.split(", ")[0].strip()
    words = head.split()
    if len(words) > PILLAR_NAME_MIN_WORDS and words[0].lower() in _ARTICLES:
        words = words[1:]
    for index, word in enumerate(words):
        if index >= PILLAR_NAME_MIN_WORDS and word.lower() in _CLAUSE_BOUNDARIES:
            words = words[:index]
            break
    if len(words) > PILLAR_NAME_WORDS:
        cut = None
        for index in range(min(len(words) - 1, PILLAR_NAME_WORDS), PILLAR_NAME_MIN_WORDS - 1, -1):
            word = words[index].lower()
            # Not inside an idiom that repeats its noun ("dollar for dollar").
            if word in _PREPOSITIONS and not (
                index + 1 < len(words) and words[index + 1].lower() == words[index - 1].lower()
            ):
                cut = index
                break
        if cut is not None:
            words = words[:cut]
    name = " ".join(words).rstrip(",;:")
    return capitalise(name) if name[:1].islower() and not name[:1].isdigit() else name


# --- Pillars ----------------------------------------------------------------------------------


def _assign(values: Sequence[Fact], candidates: Sequence[Fact]) -> list[Fact | None]:
    """For each value, the candidate it shares the most words with, as one assignment: the
    distinct candidates that maximise the total overlap (brief order breaks ties); once every
    candidate is taken, a value gets the one it shares most with."""
    if not candidates or not values:
        return [None] * len(values)
    overlap = [[len(_words(v.text) & _words(c.text)) for c in candidates] for v in values]
    slots = min(len(values), len(candidates))
    best: tuple[int, tuple[int, ...]] | None = None
    for chosen in itertools.permutations(range(len(candidates)), slots):
        score = sum(overlap[i][c] for i, c in enumerate(chosen))
        if best is None or score > best[0]:
            best = (score, chosen)
    assert best is not None
    picked: list[Fact | None] = [candidates[c] for c in best[1]]
    for i in range(slots, len(values)):
        picked.append(candidates[max(range(len(candidates)), key=lambda c: (overlap[i][c], -c))])
    return picked


def _strength(proof: Fact) -> int:
    """How strong a proof point is: a measured result (a before and after, a decimal, a percentage)
    counts most, then counted facts, independent sources (ratings, reports) and a date."""
    numbers = re.findall(r"(?<![\w.])\d[\d,]*(?:\.\d+)?%?", proof.text)
    counted = [n for n in numbers if not re.fullmatch(r"(?:19|20)\d\d", n)]
    measured = bool(_MEASURED.search(proof.text))
    return (
        3 * measured
        + min(len(counted), 2)
        + (2 if _THIRD_PARTY.search(proof.text) else 0)
        + (1 if re.search(r"\b(?:19|20)\d\d\b", proof.text) else 0)
    )


def build_pillars(reading: Reading) -> tuple[Pillar, ...]:
    """Up to three pillars: each usable value proposition with the proof and the pain closest to it."""
    values: list[Fact] = list(reading.values[:PILLAR_COUNT])
    description = clause(reading.brief.product.description)
    if not values and description and not reading.banned(description):
        values = [Fact(description, "product.description", -1)]
    proofs = _assign(values, reading.proofs)
    pains = _assign(values, reading.pains)
    pillars = []
    for number, (value, proof, pain) in enumerate(zip(values, proofs, pains, strict=True), start=1):
        sources = [value.source]
        if proof:
            sources.append(proof.source)
        if pain:
            sources.append(pain.source)
        if value_shape(clause(value.text)) == "clause":
            message = sentence(f"With {reading.product}, {reading.spoken_of(reading.lower(value.text))}")
        else:
            message = sentence(f"{reading.product} {value_phrase(value.text, reading)}")
        pillars.append(
            Pillar(
                key=f"pillar-{number}",
                name=pillar_name(value.text),
                message=reading.ours(message),
                value_proposition=value.text,
                proof=proof.text if proof else "",
                pain=pain.text if pain else "",
                sources=tuple(sources),
            )
        )
    return tuple(pillars)


# --- Insight and positioning --------------------------------------------------------------------


def _sharpest_pain(reading: Reading) -> Fact | None:
    """The pain the product answers best: quantified, and sharing the most words with the
    value propositions and proof points (ties go to the brief's order)."""
    answers = set().union(*(_words(f.text) for f in (*reading.values, *reading.proofs))) if reading.values else set()
    return min(
        reading.pains,
        key=lambda p: (-(2 * bool(re.search(r"\d", p.text)) + len(_words(p.text) & answers)), p.index),
        default=None,
    )


def _strongest_proof(reading: Reading, pain: Fact | None) -> Fact | None:
    """The strongest evidence, preferring the proof that speaks to the sharpest pain (in words other
    than the category's and the product's, which every fact shares)."""
    shared = _words(reading.brief.product.category) | _words(reading.brief.product.name)
    pain_words = (_words(pain.text) - shared) if pain else set()
    return min(
        reading.proofs,
        key=lambda p: (-(_strength(p) + 2 * len(pain_words & _words(p.text))), p.index),
        default=None,
    )


def insight(reading: Reading) -> str:
    pain = _sharpest_pain(reading)
    proof = _strongest_proof(reading, pain)
    parts = []
    if pain:
        parts.append(
            sentence(f"{pain_clause(pain.text, reading.audience, reading)}: that is the problem to solve first")
        )
    if proof:
        parts.append(f"The strongest evidence {reading.product} can show is this: {reading.after_colon(proof.text)}.")
    elif reading.values:
        parts.append(
            f"The brief gives no proof point yet, so the plan leads with the promise of {reading.product} "
            "until the client supplies evidence."
        )
    return reading.ours(" ".join(parts))


def positioning(reading: Reading, pillars: Sequence[Pillar]) -> str:
    """For <audience>, <product> is <category> that <promise>. Unlike <alternative>, it <second
    promise>. Reason to believe: <proof>."""
    product = reading.product
    what = f" is {reading.category}" if reading.category else ""
    first = pillars[0] if pillars else None
    promise = f" that {value_phrase(first.value_proposition, reading)}" if first and what else ""
    if first and what and value_shape(clause(first.value_proposition)) == "clause":
        # A proposition that is a sentence of its own follows a colon: "...a local food bank: every $1..."
        promise = f": {reading.spoken_of(reading.lower(first.value_proposition))}"
    if first and not what:
        promise = f" {value_phrase(first.value_proposition, reading)}"
    parts = [sentence(f"For {reading.audience}, {product}{what}{promise}")]
    if reading.alternative:
        second = pillars[1] if len(pillars) > 1 else None
        if second:
            parts.append(
                sentence(f"Unlike {reading.alternative}, it {value_phrase(second.value_proposition, reading)}")
            )
        else:
            parts.append(sentence(f"It replaces {reading.alternative}"))
    proof = _strongest_proof(reading, _sharpest_pain(reading))
    if proof:
        parts.append(f"Reason to believe: {reading.after_colon(proof.text)}.")
    return reading.ours(" ".join(parts))


# --- Executive summary ------------------------------------------------------------------------


def _target(amount: Decimal, unit: str, reading: Reading) -> str:
    """ "300 demo requests", "$420,000 donated", "4.5% engagement rate"."""
    unit = " ".join(unit.split())
    code, _, rest = unit.partition(" ")
    if len(code) == 3 and code.isalpha() and code.upper() == (reading.brief.budget.currency or "").upper():
        return f"{money(amount, code, reading.language)} {rest}".strip()
    number = f"{amount.normalize():,f}" if isinstance(amount, Decimal) else f"{amount:,}"
    if unit.startswith("%"):
        rest = unit[1:].strip()
        if rest.lower().endswith(("rate", "share", "ratio")):
            return f"{with_article(number + '%')} {rest}"
        return f"{number}{unit}"
    if unit.lower() in _UNCOUNTED_UNITS:
        return f"{with_article(unit.lower())} of {number}"
    return f"{number} {unit}".strip()


def _kpi_target(kpi: KPI, reading: Reading) -> str:
    """ "10,667 people reached", "a 3% engagement rate", "$18,000 in revenue"."""
    number = f"{kpi.target.normalize():,f}"
    if kpi.unit.strip() == "%":
        return f"{with_article(number + '%')} {kpi.metric}"
    if kpi.unit.upper() == (reading.brief.budget.currency or "").upper() and kpi.unit:
        return f"{money(kpi.target, kpi.unit, reading.language)} in {kpi.metric}"
    return f"{number} {kpi.unit}" + (" reached" if kpi.metric == "reach" else "")


def _success(reading: Reading, kpis: Sequence[KPI]) -> str:
    targets = [_target(g.target, g.unit, reading) for g in reading.brief.goals if g.target is not None and g.unit]
    if not targets:
        targets = [
            _target(k.target, f"{k.unit} {k.metric}" if k.unit != k.metric else k.unit, reading) for k in kpis[:3]
        ]
    if not targets:
        return ""
    return f"Success means {reading.listed(targets)} by {reading.date(reading.brief.timeline.end)}."


def _budget_sentence(reading: Reading, plans: Sequence[ChannelPlan]) -> str:
    brief = reading.brief
    if brief.budget.amount is None:
        return ""
    total = money(brief.budget.amount, brief.budget.currency, reading.language)
    paid = [p for p in plans if p.role == "paid"]
    owned = [p for p in plans if p.role and p.role != "paid"]
    if paid:
        text = f"The {total} budget buys media on {reading.channels([p.channel for p in paid])}"
        if owned:
            verb = "runs" if len(owned) == 1 else "run"
            text += f"; {reading.channels([p.channel for p in owned])} {verb} on production effort"
        return text + "."
    funded = [p for p in plans if p.budget_share > 0]
    if not funded:
        return f"The budget is {total}."
    lead = max(funded, key=lambda p: (p.budget_share, -plans.index(p)))
    return (
        f"The {total} budget is weighted towards {reading.channels([lead.channel])} "
        f"({lead.budget_share.normalize():f}% of it)."
    )


def executive_summary(
    reading: Reading, plans: Sequence[ChannelPlan], pillars: Sequence[Pillar], kpis: Sequence[KPI], core: str
) -> str:
    """Situation, insight, what we will do, and what success looks like, as one paragraph."""
    brief = reading.brief
    verb = "support" if brief.product.kind == "nonprofit_cause" else "choose"
    named = reading.product
    if reading.category:
        named += f", {reading.category}" + ("," if reading.alternative else "")
    over = f" over {reading.alternative}" if reading.alternative else ""
    where = f" in {reading.places}" if brief.audience.locations and not reading.audience_placed else ""
    parts = [sentence(f"{brief.client.name} needs {reading.audience}{where} to {verb} {named}{over}")]
    pain = _sharpest_pain(reading)
    proof = _strongest_proof(reading, pain)
    if pain and proof:
        parts.append(
            sentence(
                f"{pain_clause(pain.text, 'they', reading)}, and the campaign answers that with proof "
                f"rather than promises: {reading.after_colon(proof.text)}"
            )
        )
    elif pain:
        parts.append(sentence(f"{pain_clause(pain.text, 'they', reading)}, and the campaign answers that"))
    weeks = round(brief.timeline.days / 7)
    span = f"{weeks} weeks" if weeks >= 2 else f"{brief.timeline.days} days"
    when = f"Over {span}, from {reading.date(brief.timeline.start)} to {reading.date(brief.timeline.end)}"
    channels = reading.channels([p.channel for p in plans])
    if pillars:
        count = f"{len(pillars)} {'pillar' if len(pillars) == 1 else 'pillars'}"
        parts.append(f"{when}, the plan carries one message, “{clause(core)}”, through {count} on {channels}.")
    else:
        parts.append(f"{when}, the plan runs on {channels}.")
    parts.append(_budget_sentence(reading, plans))
    offer = clause(brief.product.offer)
    if offer and not reading.banned(offer):
        until = f" until {reading.date(brief.product.offer_expires)}" if brief.product.offer_expires else ""
        parts.append(f"The offer, “{offer}”, gives the audience a reason to act{until}.")
    parts.append(_success(reading, kpis))
    return reading.ours(" ".join(p for p in parts if p))


# --- Risks and compliance ---------------------------------------------------------------------


def risks(reading: Reading, plans: Sequence[ChannelPlan], kpis: Sequence[KPI]) -> tuple[str, ...]:
    """What could stop the plan delivering, read from the brief, each with what we do about it."""
    brief = reading.brief
    timeline = brief.timeline
    found: list[str] = []
    if timeline.days < SHORT_CAMPAIGN_DAYS:
        found.append(
            f"The campaign runs only {timeline.days} days, too short to learn from the first results and adjust; "
            "we fix the creative before launch and review results weekly."
        )
    if len(plans) > BUSY_CHANNEL_COUNT and timeline.days < BUSY_CAMPAIGN_DAYS:
        found.append(
            f"{len(plans)} channels in {timeline.days} days is a heavy production load; "
            "approvals must turn around within two working days to keep the calendar."
        )
    paid = [p for p in plans if (p.role == "paid") or (not p.role and p.channel in PAID_CHANNELS)]
    amount = brief.budget.amount
    if amount is None:
        if paid:
            found.append(
                f"The brief sets no media budget, so {reading.listed([channel_label(p.channel) for p in paid])} "
                "cannot be bought until one is agreed."
            )
    else:
        weeks = max(Decimal(timeline.days) / 7, Decimal(1))
        # Once channel roles are set, only the paid channels share the media money.
        buying = [p for p in plans if p.role == "paid"] or list(plans)
        per_channel_week = amount / len(buying) / weeks if buying else amount
        if buying and per_channel_week < THIN_BUDGET_PER_CHANNEL_WEEK:
            found.append(
                f"{money(amount, brief.budget.currency, reading.language)} across {len(buying)} "
                f"{'paid ' if buying != list(plans) else ''}channels is about "
                f"{money(per_channel_week.quantize(Decimal(1)), brief.budget.currency, reading.language)} per channel "
                "a week: too little to buy reach everywhere, so paid money goes where the audience converts and "
                "the other channels run on production effort."
            )
    expires = brief.product.offer_expires
    if clause(brief.product.offer):
        if expires is None:
            found.append("The offer has no end date; agree one before launch, or copy cannot say how long it lasts.")
        elif expires < timeline.first_publish_day:
            found.append(
                f"The offer ends on {reading.date(expires)}, before the first content goes out; "
                "no asset promotes it, so the campaign needs another reason to act."
            )
        elif expires < timeline.end:
            days_left = (timeline.end - expires).days
            found.append(
                f"The offer ends on {reading.date(expires)}, {days_left} days before the campaign does; "
                "nothing scheduled after that date promotes it, and the closing weeks lean on the pillars instead."
            )
    for key_date in timeline.key_dates:
        if key_date.date < timeline.first_publish_day or key_date.date > timeline.end:
            found.append(
                f"{clause(key_date.label)} ({reading.date(key_date.date)}) falls outside the publishing window "
                f"({reading.date(timeline.first_publish_day)} to {reading.date(timeline.end)}), so no asset marks it."
            )
    if not brief.client.timezone.strip():
        found.append(
            "The brief gives no time zone, so posting times are planned in UTC; confirm the client's zone "
            "before scheduling, or posts land at the wrong hour."
        )
    if not reading.proofs:
        found.append(
            "The brief offers no proof point the copy can use, so claims rest on promises; ask the client for "
            "one measured result or independent rating."
        )
    if kpis and not any(k.baseline is not None for k in kpis):
        found.append(
            "The brief gives no current figures, so targets cannot be read against a baseline; record the first "
            "week's numbers as the baseline."
        )
    if brief.product.kind == "financial_product":
        found.append(
            "Claims in this category are regulated: an unsupported claim or a missing risk warning can stop an "
            "asset being published, so every asset goes through the compliance review below."
        )
    elif [c for c in brief.brand.substantiated_claims if c.strip()]:
        claims = reading.listed([f"“{c.strip()}”" for c in brief.brand.substantiated_claims if c.strip()])
        found.append(
            f"A claim such as {claims} holds only with its source beside it; an asset that drops the source "
            "is not published."
        )
    for what, position in reading.dropped:
        found.append(
            f"The brief's {_ORDINALS.get(position, f'no. {position}')} {what} uses a term the brand bans, so "
            "neither the strategy nor the copy uses it; reword it if it matters."
        )
    return tuple(reading.ours(r) for r in found)


def _uk(reading: Reading) -> bool:
    brief = reading.brief
    places = " ".join(brief.audience.locations)
    return any(re.search(rf"\b{re.escape(p)}\b", places) for p in _REGULATORS_UK) or (
        reading.british and not brief.audience.locations
    )


def is_regulated(brief: Brief) -> bool:
    """Whether the brief needs a compliance section: disclaimers, claims that need a source, a
    financial product, or sponsored content."""
    brand = brief.brand
    return bool(
        [d for d in brand.disclaimers if d.strip()]
        or [c for c in brand.substantiated_claims if c.strip()]
        or brief.product.kind == "financial_product"
        or brief.sponsored
    )


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def compliance(reading: Reading) -> tuple[str, ...]:
    """The disclaimers, the claims allowed only with their source, and the approvals needed."""
    brief = reading.brief
    if not is_regulated(brief):
        return ()
    brand, product = brief.brand, brief.product
    found: list[str] = []
    disclaimers = [" ".join(d.split()) for d in brand.disclaimers if d.strip()]
    if disclaimers:
        found.append(
            "Every asset carries "
            + ("this disclaimer" if len(disclaimers) == 1 else "these disclaimers")
            + ", word for word (on the landing page where a format has no room): "
            + " ".join(f"“{clause(d)}.”" for d in disclaimers)
        )
    claims = [c.strip() for c in brand.substantiated_claims if c.strip()]
    for claim in claims:
        source = next((p for p in product.proof_points if claim.casefold() in p.casefold()), "")
        if source and not reading.banned(source):
            found.append(f"The claim “{claim}” may appear only with its source: “{clause(source)}”.")
        else:
            found.append(
                f"The claim “{claim}” may appear only with a source the client supplies; the brief gives none."
            )
    if product.kind == "financial_product":
        rules = (
            "the FCA's rules for financial promotions" if _uk(reading) else "the local rules for financial promotions"
        )
        found.append(
            f"Under {rules}, every asset must be fair, clear and not misleading: each benefit sits beside its "
            "risk in the same asset, past performance is never presented as a promise, and no asset suggests "
            "an outcome is certain."
        )
        found.append(
            f"Approvals needed: {_possessive(brief.client.name)} compliance team signs off every asset before it "
            "is scheduled, and again after any edit."
        )
    elif disclaimers or claims:
        checks = ["the disclaimer wording" if disclaimers else "", "every claim's source" if claims else ""]
        found.append(f"Approvals needed: {brief.client.name} confirms {reading.listed(checks)} before launch.")
    if brief.sponsored:
        found.append(
            "Paid and sponsored posts open with “Ad” (not buried among hashtags); organic posts carry no such label."
        )
    return tuple(reading.ours(c) for c in found)


# --- The check ----------------------------------------------------------------------------------


def strategy_texts(strategy: Strategy) -> list[tuple[str, str]]:
    """(field, text) for every piece of the strategy a client reads as prose."""
    texts = [
        ("executive_summary", strategy.executive_summary),
        ("insight", strategy.insight),
        ("positioning", strategy.positioning),
        ("core_message", strategy.core_message),
    ]
    for i, pillar in enumerate(strategy.pillars):
        for name in ("name", "message", "value_proposition", "proof", "pain"):
            texts.append((f"pillars[{i}].{name}", getattr(pillar, name)))
    texts += [(f"risks[{i}]", r) for i, r in enumerate(strategy.risks)]
    texts += [(f"compliance[{i}]", c) for i, c in enumerate(strategy.compliance)]
    return texts


def banned_term_violations(
    strategy: Strategy, banned_terms: Sequence[str], allowed_phrases: Sequence[str] = ()
) -> list[str]:
    """One message per banned term found in the strategy's prose, naming the term and the field."""
    violations = []
    for name, text in strategy_texts(strategy):
        for hit in find_terms(text, banned_terms, allowed_phrases=allowed_phrases):
            violations.append(f"{name}: uses the banned term {hit.term!r} ({hit.matched!r})")
    return violations


@dataclass(frozen=True)
class Narrative:
    """Everything the strategist writes for one version."""

    executive_summary: str
    insight: str
    positioning: str
    core_message: str
    pillars: tuple[Pillar, ...]
    risks: tuple[str, ...]
    compliance: tuple[str, ...]


def write(
    brief: Brief, plans: Sequence[ChannelPlan], kpis: Sequence[KPI], pillars: Sequence[Pillar] | None = None
) -> Narrative:
    """The strategist's reading of `brief` for this plan; `pillars` (in lead order) when already chosen."""
    reading = Reading(brief)
    chosen = tuple(pillars) if pillars is not None else build_pillars(reading)
    core = core_message(chosen[0] if chosen else None, reading)
    core = reading.ours(core)
    return Narrative(
        executive_summary=executive_summary(reading, plans, chosen, kpis, core),
        insight=insight(reading),
        positioning=positioning(reading, chosen),
        core_message=core,
        pillars=chosen,
        risks=risks(reading, plans, kpis),
        compliance=compliance(reading),
    )
