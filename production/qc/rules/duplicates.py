"""Repetition within a run: near-duplicate drafts on one channel, a sentence AICMO wrote used in
two assets, two assets of a channel that open the same way."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from production.domain import Draft, QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    RunDrafts,
    TextField,
    issue,
    load_data,
    quote,
    register,
    text_fields,
    tokens,
    without_urls,
)
from production.qc.rules.email import OPT_OUT
from production.qc.rules.facts import public_facts
from production.qc.rules.words import ngrams, units, words_at

if TYPE_CHECKING:
    from onboarding.domain import Brief

_DATA = load_data("duplicates")
SHINGLE_SIZE = int(_DATA["shingle_size"])
DUPLICATE_JACCARD = float(_DATA["duplicate_jaccard"])


def shingles(draft: Draft, texts: Sequence[TextField] | None = None) -> frozenset[tuple[str, ...]]:
    """The draft's word shingles (`texts`: its text fields, when already read)."""
    texts = text_fields(draft) if texts is None else texts
    words = [w for f in texts if f.is_copy for w in tokens(f.text)]
    if len(words) < SHINGLE_SIZE:
        return frozenset({tuple(words)}) if words else frozenset()
    return frozenset(zip(*(words[i:] for i in range(SHINGLE_SIZE)), strict=False))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def run_shingles(run: RunDrafts) -> Mapping[Any, frozenset[tuple[str, ...]]]:
    return {d.id: shingles(d, run.texts[d.id]) for d in run.drafts}


def run_near_duplicates(run: RunDrafts) -> Mapping[Any, list[tuple[str, float]]]:
    """For each draft id, the drafts of its channel it nearly duplicates, as (key, similarity)."""
    shingled = run_shingles(run)
    found: dict[Any, list[tuple[str, float]]] = {d.id: [] for d in run.drafts}
    ordered = sorted(run.drafts, key=lambda d: (d.key, str(d.id)))
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            if second.channel != first.channel:
                continue
            similarity = jaccard(shingled[first.id], shingled[second.id])
            if similarity >= DUPLICATE_JACCARD:
                found[first.id].append((second.key, similarity))
                found[second.id].append((first.key, similarity))
    return found


@register(
    "duplicate", Severity.MAJOR, "originality", "Not a near-duplicate of another draft in the run.", run_level=True
)
def check_duplicates(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    """Near-duplicates among the run's drafts for the same channel (cross-posting to another
    channel is a normal practice; the same post twice on one channel is not)."""
    if ctx.run is None:
        return None
    twins = ctx.run.get(run_near_duplicates).get(ctx.draft.id, [])
    return [
        issue(
            rule,
            "body",
            0,
            len(ctx.draft.body or ""),
            f"Near-duplicate of {key} ({similarity:.0%} of its phrases are shared).",
            "Rewrite it with another angle, proof point or hook.",
        )
        for key, similarity in sorted(twins)
    ]


# --- sentences and openings AICMO repeats ----------------------------------------------------

REPEATED_SENTENCE_WORDS = int(_DATA["repeated_sentence_words"])
FACT_MASK_WORDS = int(_DATA["fact_mask_words"])
OPENING_WORDS = int(_DATA["opening_words"])
GREETING_WORDS = 4
OPENING_CHARS = 200
# Parts that repeat by design: the legal footer, the brief's disclaimers, the hashtags.
REPEATABLE_KEYS = frozenset({"footer", "disclaimers", "hashtags", "disclosure", "signoff", "greeting"})
_OPENING_LEAD = re.compile(r"^\s*(?:#{1,6}\s+)?(?:(?:ad|sponsored|#ad)\b\s*[:|–—-]?\s*)?", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    key: tuple[str, ...]
    field: str
    start: int
    end: int
    text: str


def fact_grams(brief: Brief) -> frozenset[tuple[str, ...]]:
    """Every run of `FACT_MASK_WORDS` words of the brief's facts (names aside): the words of a
    sentence that are the brief's own, masked before sentences are compared."""
    product, audience, brand = brief.product, brief.audience, brief.brand
    facts = (
        product.description,
        product.offer,
        product.price,
        *product.value_propositions,
        *product.proof_points,
        *audience.pains,
        *audience.phrases,
        *audience.testimonials,
        *brand.disclaimers,
        *brand.substantiated_claims,
    )
    return frozenset(g for fact in facts if fact for g in ngrams(tokens(fact), FACT_MASK_WORDS))


MASK = "\u2022"


def brief_text(brief: Brief) -> str:
    """Every public fact of the brief as one string of words (" | " between facts), for "is this
    run of words the brief's own?" checks: `f" {' '.join(words)} " in brief_text(brief)`."""
    return " | " + " | ".join(" ".join(tokens(t)) for t in public_facts(brief)) + " | "


def sentence_key(text: str, grams: frozenset[tuple[str, ...]]) -> tuple[str, ...] | None:
    """How copy.repeated_sentence compares a sentence: its words with the brief's facts masked
    (`grams` = `fact_grams(brief)`), or None when AICMO wrote fewer than six words of it. Two
    sentences of a run with the same key are a repeated sentence."""
    key = masked(sentence_words(text), grams)
    return key if sum(w != MASK for w in key) >= REPEATED_SENTENCE_WORDS else None


def masked(words: tuple[str, ...], grams: frozenset[tuple[str, ...]]) -> tuple[str, ...]:
    """The sentence with each stretch of the brief's own words replaced by one mark: what AICMO wrote
    ("in the words of one member: <testimonial>" -> in the words of one member •)."""
    covered = [False] * len(words)
    for i in range(len(words) - FACT_MASK_WORDS + 1):
        if words[i : i + FACT_MASK_WORDS] in grams:
            for j in range(i, i + FACT_MASK_WORDS):
                covered[j] = True
    if not any(covered):
        return words
    kept: list[str] = []
    for word, fact in zip(words, covered, strict=True):
        if not fact:
            kept.append(word)
        elif not kept or kept[-1] != MASK:
            kept.append(MASK)
    return tuple(kept)


def _footer_like(text: str, address: str) -> bool:
    """A line of the legal footer: the opt-out, or the sender's postal address."""
    if OPT_OUT.search(text):
        return True
    return bool(address) and f" {address} " in f" {' '.join(tokens(text))} "


@lru_cache(maxsize=8192)
def sentence_words(text: str) -> tuple[str, ...]:
    """A sentence's words for comparison: no URLs, no disclosure label in front."""
    return tokens(without_urls(text[_OPENING_LEAD.match(text).end() :]))


def draft_sentences(
    run: RunDrafts, draft: Draft, grams: frozenset[tuple[str, ...]], address: str, repeatable: frozenset
) -> dict[tuple[str, ...], Sentence]:
    """The sentences in which AICMO wrote 6+ words of its own (the brief's facts masked), keyed by
    those words, first place each is written."""
    found: dict[tuple[str, ...], Sentence] = {}
    for field in run.texts[draft.id]:
        if not field.is_copy or field.key in REPEATABLE_KEYS:
            continue
        for unit in units(field.text):
            if sentence_words(unit.text) in repeatable:
                continue
            key = sentence_key(unit.text, grams)
            if key is None or key in found:
                continue
            if _footer_like(unit.text, address):
                continue
            found[key] = Sentence(key, field.name, unit.start, unit.end, unit.text)
    return found


def repeatable_sentences(run: RunDrafts) -> frozenset[tuple[str, ...]]:
    """Sentences of the parts that repeat by design (the legal footer), wherever they are printed."""
    return frozenset(
        sentence_words(unit.text)
        for texts in run.texts.values()
        for field in texts
        if field.key in REPEATABLE_KEYS
        for unit in units(field.text)
    )


@dataclass(frozen=True)
class RunSentences:
    by_draft: Mapping[Any, dict[tuple[str, ...], Sentence]]
    # The drafts each sentence (as AICMO wrote it, facts masked) is in: [(draft key, its text there)].
    where: Mapping[tuple[str, ...], list[tuple[str, str]]]
    # Sentences written twice in one field of one draft: (draft id, field) -> [Sentence of the second]
    twice: Mapping[Any, list[Sentence]]


def run_sentences_for(brief: Brief) -> Any:
    grams = fact_grams(brief)
    address = " ".join(tokens(brief.client.postal_address))

    def build(run: RunDrafts) -> RunSentences:
        repeatable = repeatable_sentences(run)
        by_draft = {d.id: draft_sentences(run, d, grams, address, repeatable) for d in run.drafts}
        where: dict[tuple[str, ...], list[tuple[str, str]]] = defaultdict(list)
        for draft in run.drafts:
            for key, sentence in by_draft[draft.id].items():
                where[key].append((draft.key, sentence.text))
        twice: dict[Any, list[Sentence]] = defaultdict(list)
        for draft in run.drafts:
            for field in run.texts[draft.id]:
                if not field.is_copy or field.key in REPEATABLE_KEYS:
                    continue
                seen: set[tuple[str, ...]] = set()
                for unit in units(field.text):
                    words = sentence_words(unit.text)
                    if len(words) < REPEATED_SENTENCE_WORDS or words in repeatable:
                        continue
                    if words in seen:
                        twice[draft.id].append(Sentence(words, field.name, unit.start, unit.end, unit.text))
                    seen.add(words)
        return RunSentences(by_draft=by_draft, where=where, twice=twice)

    return build


@register(
    "copy.repeated_sentence",
    Severity.MAJOR,
    "originality",
    "No sentence of 6+ words that AICMO wrote appears in two assets of a run (or twice in one).",
    run_level=True,
)
def check_repeated_sentences(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if ctx.run is None:
        return None
    sentences = ctx.run.get(ctx.facts.get(run_sentences_for))
    issues = []
    for key, sentence in sentences.by_draft.get(ctx.draft.id, {}).items():
        elsewhere = [(k, text) for k, text in sentences.where[key] if k != ctx.draft.key]
        if elsewhere:
            others = ", ".join(sorted({k for k, _ in elsewhere}))
            same = all(sentence_words(text) == sentence_words(sentence.text) for _, text in elsewhere)
            message = (
                f"{quote(sentence.text)} also appears in {others}."
                if same
                else f"{quote(sentence.text)} repeats the words around the brief's facts in {others} "
                f"({quote(elsewhere[0][1])})."
            )
            issues.append(
                issue(
                    rule,
                    sentence.field,
                    sentence.start,
                    sentence.end,
                    message,
                    "Write this line for this asset: say it another way or say something else.",
                )
            )
    for sentence in sentences.twice.get(ctx.draft.id, []):
        issues.append(
            issue(
                rule,
                sentence.field,
                sentence.start,
                sentence.end,
                f"{quote(sentence.text)} is written twice in {sentence.field}.",
                "Keep it once.",
            )
        )
    return issues


def opening(run: RunDrafts, draft: Draft) -> tuple[tuple[str, ...], str, int, int] | None:
    """The first words of a draft's copy (after a disclosure label or a heading mark)."""
    for field in run.texts[draft.id]:
        if field.is_copy and field.name in ("body", "title") and field.text.strip():
            if field.name == "title" and (draft.body or "").strip():
                continue
            lead = _OPENING_LEAD.match(field.text).end()
            first = units(field.text)[:1]
            # "Hi Sam," or "Dear subscriber," greets; the copy opens after it.
            if first and first[0].text.endswith(",") and len(first[0].text.split()) <= GREETING_WORDS:
                lead = max(lead, first[0].end)
            # The first words are all it takes: read the start of the text, the whole only if short of words.
            head = field.text[: lead + OPENING_CHARS]
            words = [w for w in words_at(head) if w[1] >= lead][:OPENING_WORDS]
            if len(words) < OPENING_WORDS and len(head) < len(field.text):
                words = [w for w in words_at(field.text) if w[1] >= lead][:OPENING_WORDS]
            if len(words) < OPENING_WORDS:
                return None
            return tuple(w for w, _, _ in words), field.name, words[0][1], words[-1][2]
    return None


@dataclass(frozen=True)
class RunOpenings:
    by_draft: Mapping[Any, tuple[tuple[str, ...], str, int, int] | None]
    # Draft keys by (channel, opening words).
    keys: Mapping[tuple[str, tuple[str, ...]], list[str]]


def run_openings(run: RunDrafts) -> RunOpenings:
    by_draft = {draft.id: opening(run, draft) for draft in run.drafts}
    keys: dict[tuple[str, tuple[str, ...]], list[str]] = defaultdict(list)
    for draft in run.drafts:
        opened = by_draft[draft.id]
        if opened is not None:
            keys[(draft.channel, opened[0])].append(draft.key)
    return RunOpenings(by_draft=by_draft, keys=keys)


@register(
    "copy.same_opening",
    Severity.MAJOR,
    "originality",
    "No two assets of one channel in a run open with the same first five words.",
    run_level=True,
)
def check_same_opening(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if ctx.run is None:
        return None
    openings = ctx.run.get(run_openings)
    opened = openings.by_draft.get(ctx.draft.id)
    if opened is None:
        return []
    words, field, start, end = opened
    others = sorted(k for k in openings.keys.get((ctx.draft.channel, words), []) if k != ctx.draft.key)
    if not others:
        return []
    text = next(t.text for t in ctx.texts if t.name == field)
    return [
        issue(
            rule,
            field,
            start,
            end,
            f"{quote(text[start:end])} opens {', '.join(others)} too: two {ctx.draft.channel} assets "
            "open the same way.",
            "Open this one with another hook: a number, a question, a scene.",
        )
    ]
