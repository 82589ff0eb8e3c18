"""Template seams: the defects that show copy was assembled, not written (the copy standard's
defect catalogue). A phrase cut to fit, planning notes published, the template's labels left in,
data printed as text, praise treated as a complaint, a brief fact pasted mid-sentence.

Each rule reasons from the brief's own facts where it can (a headline is cut when it stops part
way through a value proposition), so good copy written to the copy standard passes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from kernel.text import fold
from production.domain import QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    TextField,
    issue,
    load_data,
    quote,
    register,
    tokens,
    without_urls,
)
from production.qc.rules.facts import names, planning_notes, public_facts
from production.qc.rules.words import (
    ARTICLES,
    COORDINATORS,
    DETERMINERS,
    FUNCTION_WORDS,
    PREPOSITIONS,
    RELATIVE_WORDS,
    STRANDING_SUBJECTS,
    STRANDING_VERBS,
    STRANDING_WINDOW,
    SUBORDINATORS,
    WHOLE_ENDINGS,
    Sequences,
    Unit,
    ngrams,
    units,
    verb_stem,
)

if TYPE_CHECKING:
    from onboarding.domain import Brief

_DATA = load_data("seams")
SEAMS = "seams"


# --- copy.truncated --------------------------------------------------------------------------

TRUNCATION_SKIP_KEYS = frozenset(_DATA["truncation_skip_keys"])
PATH_KEYS = frozenset(_DATA["path_keys"])
CONTINUATION_STARTERS = frozenset(_DATA["continuation_starters"])
DANGLING = re.compile(r"[’'](?:" + "|".join(_DATA["dangling_contractions"]) + r")$", re.IGNORECASE)
_FACT_TOKEN = re.compile(r"[^\W_]+|[,;:()\[\]\"“”.!?…—–]")
_ELLIPSIS = re.compile(r"(?:\.{3}|…)[\"'”’)\]*_]*$")
_CLOSERS = "\"'”’)]*_ \t"
_PATH_SPLIT = re.compile(r"[-_/+.]+")
SUGGEST_WHOLE = "Write a phrase that fits the slot whole, or leave the slot out."
FACT_ENDING_WORDS = int(_DATA["fact_ending_words"])
CONTINUATION_SUFFIXES = tuple(_DATA["continuation_suffixes"])
WHOLE_SUFFIXES = tuple(_DATA["whole_suffixes"])


@dataclass(frozen=True)
class FactPrefixes:
    """Brief facts by their first two words, with where each may stop and still read whole."""

    # (first word, second word) -> [(words, whole-after flags, the fact as written)]; a word written
    # with a capital inside the fact (a name: "Serving Columbus | homes") counts as whole-after.
    by_start: dict[tuple[str, ...], list[tuple[tuple[str, ...], tuple[bool, ...], str]]]
    complete: frozenset[tuple[str, ...]]
    # The last words of each fact: a sentence ending as a brief fact ends was not cut by AICMO.
    endings: frozenset[tuple[str, ...]]
    names: frozenset[tuple[str, ...]]


def fact_prefixes(brief: Brief) -> FactPrefixes:
    by_start: dict[tuple[str, ...], list[tuple[tuple[str, ...], tuple[bool, ...], str]]] = {}
    complete = set()
    endings = set()
    for text in (*public_facts(brief), *planning_notes(brief)):
        words: list[str] = []
        whole_after: list[bool] = []
        for token in _FACT_TOKEN.findall(fold(text)):
            if token[0].isalnum():
                words.append(token)
                whole_after.append(False)
            elif words:
                whole_after[-1] = True
        written = [w for w in _FACT_TOKEN.findall(text) if w[0].isalnum()]
        if len(written) == len(words):
            for index, word in enumerate(written[1:], start=1):
                if word[0].isupper():
                    whole_after[index] = True
        if len(words) >= 2:
            by_start.setdefault(tuple(words[:2]), []).append((tuple(words), tuple(whole_after), text))
        complete.add(tuple(words))
        endings.add(tuple(words[-FACT_ENDING_WORDS:]))
    return FactPrefixes(by_start=by_start, complete=frozenset(complete), endings=frozenset(endings), names=names(brief))


def _cut_fact(words: tuple[str, ...], prefixes: FactPrefixes) -> tuple[str, str] | None:
    """(the fact, the last word kept) when `words` stop part way through a brief fact, mid-phrase."""
    if len(words) < 2 or words in prefixes.names or words in prefixes.complete:
        return None
    for fact, whole_after, text in prefixes.by_start.get(words[:2], ()):
        size = len(words)
        if len(fact) <= size or fact[:size] != words:
            continue
        following = fact[size]
        if (
            whole_after[size - 1]
            or words[-1].endswith(WHOLE_SUFFIXES)
            or following in CONTINUATION_STARTERS
            or following.endswith(CONTINUATION_SUFFIXES)
        ):
            continue
        return text, words[-1]
    return None


def _last_words(text: str) -> tuple[str, ...]:
    return tokens(without_urls(text, " link "))


@lru_cache(maxsize=8192)
def _ends_cut(unit: Unit, *, path: bool = False) -> tuple[str, str] | None:
    """("ellipsis" | "word", the word) when a phrase visibly stops before its end."""
    text = unit.text.rstrip(_CLOSERS) if not path else unit.text
    if not text:
        return None
    if _ELLIPSIS.search(unit.text) and unit.closes_line:
        return "ellipsis", text
    if text[-1] in ":,;":
        return None
    question = text.endswith("?")
    body = text.rstrip(".!?" + _CLOSERS)
    if not body or (unicodedata.category(body[-1])[0] in "SP" and body[-1] not in "'’"):
        # Ends on a symbol, an emoji or a dash: not a word left hanging.
        return None
    raw_last = re.split(r"[\s/]+", body)[-1] if not path else _PATH_SPLIT.split(body)[-1]
    if DANGLING.search(raw_last):
        return "word", raw_last
    words = _last_words(body) if not path else tokens(" ".join(_PATH_SPLIT.split(body)))
    if not words:
        return None
    last = words[-1]
    if last in ARTICLES and raw_last != "A":
        return "word", raw_last
    if last in DETERMINERS or last in COORDINATORS:
        return "word", raw_last
    if question:
        return None
    if last in SUBORDINATORS:
        return "word", raw_last
    if last in PREPOSITIONS and not _stranded(words):
        return "word", raw_last
    return None


def _stranded(words: tuple[str, ...]) -> bool:
    """A preposition a sentence may end on: a fixed phrase ("worth waiting for"), right after a verb
    that takes it ("what your team needs to look at"), or in a clause with its own subject or a
    question word ("the team you can count on", "see what it is about")."""
    if any(tuple(words[-len(e) :]) == e for e in WHOLE_ENDINGS):
        return True
    before = words[-STRANDING_WINDOW - 1 : -1]
    if not before:
        return False
    return (
        verb_stem(before[-1]) in STRANDING_VERBS
        or any(w in STRANDING_SUBJECTS for w in before)
        or any(w in RELATIVE_WORDS for w in words[:-1])
    )


def _phrases(field: TextField) -> list[Unit]:
    if field.key in PATH_KEYS:
        return [Unit(0, len(field.text), field.text.strip())] if field.text.strip() else []
    return list(units(field.text))


@register(
    "copy.truncated",
    Severity.CRITICAL,
    SEAMS,
    "No headline, subject, description, path or sentence stops mid-phrase or on an ellipsis.",
)
def check_truncated(rule: Rule, ctx: Context) -> list[QCIssue]:
    prefixes = ctx.facts.get(fact_prefixes)
    issues = []
    for field in ctx.copy_fields():
        if field.key in TRUNCATION_SKIP_KEYS:
            continue
        path = field.key in PATH_KEYS
        for unit in _phrases(field):
            words = tokens(" ".join(_PATH_SPLIT.split(unit.text))) if path else tokens(without_urls(unit.text))
            if words in prefixes.complete:
                continue
            ending = None if words[-FACT_ENDING_WORDS:] in prefixes.endings else _ends_cut(unit, path=path)
            if ending is not None:
                kind, word = ending
                message = (
                    f"{quote(unit.text)} is cut off: it ends with an ellipsis."
                    if kind == "ellipsis"
                    else f"{quote(unit.text)} ends mid-phrase on {quote(word)}."
                )
            else:
                # A display path or slug is a keyword fragment by design: only its last word matters.
                cut = None if path else _cut_fact(words, prefixes)
                if cut is None:
                    continue
                fact, last = cut
                message = (
                    f"{quote(unit.text)} ends mid-phrase: it stops part way through {quote(fact)} after {quote(last)}."
                )
            issues.append(issue(rule, field.name, unit.start, unit.end, message, SUGGEST_WHOLE))
    return issues


# --- copy.internal_leak ----------------------------------------------------------------------

LEAK_WORDS = int(_DATA["leak_words"])
LEAK_SHORT_WORDS = int(_DATA["leak_short_field_words"])
LEAK_SHORT_KEYS = frozenset(_DATA["leak_short_keys"])
BUDGET_WORDS = tuple(_DATA["budget_words"])
SITUATION_WORDS = int(_DATA["leak_situation_words"])
AUDIENCE_SITUATION = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(w) for w in _DATA["audience_situation_starters"]) + r")(?!\w)", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,.\s\u00a0\u202f]\d{3})+|\d+)(?:[.,](\d{1,2}))?(\s?[kK]\b)?")


@dataclass(frozen=True)
class PlanningNotes:
    """Word sequences only the planning notes have, with the note each comes from."""

    sequences: dict[tuple[str, ...], str]
    index: Sequences
    # Runs of words of who the audience is, for short fields (a display path, a headline).
    short: dict[tuple[str, ...], str]
    budget: Decimal | None
    currency: str
    # (target, unit words, the goal) per goal with a target and a unit.
    targets: tuple[tuple[Decimal, tuple[str, ...], str], ...]


@dataclass(frozen=True)
class Note:
    text: str
    source: str
    # How many words in a row from it make a leak.
    words: int
    # Whether a short field made only of its words is a leak too.
    in_short_fields: bool = False


def audience_notes(description: str) -> list[Note]:
    """Who the audience is ("Affluent couples aged 38 to 65 from the UK") is a planning note from its
    first words; their situation ("whose month-end close still runs on spreadsheets") is what copy
    talks about, so only a longer run of it is pasted."""
    split = AUDIENCE_SITUATION.search(description)
    who, situation = (description[: split.start()], description[split.start() :]) if split else (description, "")
    notes = []
    size = min(LEAK_WORDS, len(tokens(who)))
    if size >= LEAK_SHORT_WORDS + 1:
        notes.append(Note(who, "the audience description", size, in_short_fields=True))
    if len(tokens(situation)) >= SITUATION_WORDS:
        notes.append(Note(situation, "the audience description", SITUATION_WORDS))
    return notes


def _note_index(notes: tuple[Note, ...], public: tuple[str, ...]) -> tuple[dict, dict]:
    public_words = [tokens(text) for text in public]
    shared = {
        g for words in public_words for size in range(LEAK_SHORT_WORDS, LEAK_WORDS + 1) for g in ngrams(words, size)
    }
    shared_long = {g for words in public_words for g in ngrams(words, SITUATION_WORDS)}
    sequences: dict[tuple[str, ...], str] = {}
    short: dict[tuple[str, ...], str] = {}
    for note in notes:
        words = tokens(note.text)
        for gram in ngrams(words, note.words) - shared - shared_long:
            sequences.setdefault(gram, note.source)
        if note.in_short_fields:
            for size in range(LEAK_SHORT_WORDS, LEAK_WORDS + 1):
                for gram in ngrams(words, size) - shared:
                    short.setdefault(gram, note.source)
    return sequences, short


@lru_cache(maxsize=64)
def _extra_notes(notes: tuple[str, ...], public: tuple[str, ...]) -> tuple[dict, Sequences]:
    sequences, _short = _note_index(tuple(Note(n, "the strategy's tactics", LEAK_WORDS) for n in notes), public)
    return sequences, Sequences(sequences)


def planning_note_index(brief: Brief) -> PlanningNotes:
    notes = audience_notes(brief.audience.description)
    # A goal is planning language that shares words with good copy ("see how an ISA works"): only
    # a long run of it is the goal pasted.
    notes += [
        Note(g.description, f"goal {n}'s description", SITUATION_WORDS)
        for n, g in enumerate(brief.goals, start=1)
        if g.description.strip()
    ]
    sequences, short = _note_index(tuple(notes), public_facts(brief))
    targets = tuple(
        (g.target, tokens(g.unit), g.description) for g in brief.goals if g.target is not None and tokens(g.unit)
    )
    return PlanningNotes(
        sequences=sequences,
        index=Sequences(sequences),
        short=short,
        budget=brief.budget.amount,
        currency=brief.budget.currency,
        targets=targets,
    )


def _value(match: re.Match[str]) -> Decimal | None:
    whole = re.sub(r"[,.\s\u00a0\u202f]", "", match.group(1))
    try:
        value = Decimal(f"{whole}.{match.group(2)}" if match.group(2) else whole)
    except InvalidOperation:
        return None
    return value * 1000 if match.group(3) else value


def _money_context(text: str, start: int, end: int, currency: str) -> bool:
    """A currency sign or code next to the number, or a word saying it is a budget."""
    before, after = text[max(0, start - 5) : start], text[end : end + 5]
    signs = [c for c in before.rstrip()[-1:] + after.lstrip()[:1] if unicodedata.category(c) == "Sc"]
    code = bool(currency) and (currency in before.upper() or currency in after.upper())
    return bool(signs) or code


def _budget_words(unit: str) -> bool:
    folded = fold(unit)
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded) for w in BUDGET_WORDS)


def _numbers_leaked(field: TextField, notes: PlanningNotes) -> list[tuple[int, int, str]]:
    found = []
    for unit in units(field.text):
        for match in _NUMBER.finditer(unit.text):
            value = _value(match)
            if value is None:
                continue
            start, end = unit.start + match.start(), unit.start + match.end()
            budget = notes.budget is not None and value == notes.budget
            if budget and (_money_context(field.text, start, end, notes.currency) or _budget_words(unit.text)):
                found.append((start, end, "the campaign budget"))
                continue
            for target, unit_words, goal in notes.targets:
                following = tokens(unit.text[match.end() :])[: len(unit_words)]
                if value == target and following == unit_words:
                    words_end = end + len(unit.text[match.end() :]) - len(unit.text[match.end() :].lstrip())
                    tail = _span_of_words(field.text, words_end, len(unit_words))
                    found.append((start, tail, f"the KPI target of a goal ({quote(goal)})"))
    return found


def _span_of_words(text: str, start: int, count: int) -> int:
    """Where the `count` words from `start` end."""
    end = start
    for _ in range(count):
        match = re.compile(r"\W*[^\W_]+").match(text, end)
        if match is None:
            break
        end = match.end()
    return end


@register(
    "copy.internal_leak",
    Severity.CRITICAL,
    SEAMS,
    "No planning note (audience description, goals, KPI targets, budget, tactics) in public copy.",
)
def check_internal_leak(rule: Rule, ctx: Context) -> list[QCIssue]:
    notes = ctx.facts.get(planning_note_index)
    indexes = [(notes.sequences, notes.index)]
    if ctx.notes:
        indexes.append(_extra_notes(tuple(ctx.notes), public_facts(ctx.brief)))
    numbers = notes.budget is not None or bool(notes.targets)
    issues = []
    for field in ctx.copy_fields():
        leaks: list[tuple[int, int, str]] = []
        if field.key in LEAK_SHORT_KEYS:
            words = tokens(" ".join(_PATH_SPLIT.split(field.text)) if field.key in PATH_KEYS else field.text)
            if len(words) >= LEAK_SHORT_WORDS and words in notes.short:
                leaks.append((0, len(field.text), notes.short[words]))
        for sequences, index in indexes:
            for start, end in index.find(field.text):
                # A tactic that quotes the audience description is one leak, named after the brief.
                if not any(s < end and start < e for s, e, _ in leaks):
                    leaks.append((start, end, _source(sequences, tokens(field.text[start:end]))))
        if numbers and _DIGIT.search(field.text):
            leaks += _numbers_leaked(field, notes)
        for start, end, source in leaks:
            issues.append(
                issue(
                    rule,
                    field.name,
                    start,
                    end,
                    f"{quote(field.text[start:end])} comes from {source}: a planning note, not copy for the audience.",
                    "Write to the reader (their situation, in their words) instead of describing them.",
                )
            )
    return issues


def _source(sequences: dict[tuple[str, ...], str], words: tuple[str, ...]) -> str:
    """Which note the first leaked sequence in `words` comes from."""
    for size in sorted({len(s) for s in sequences}):
        for gram in ngrams(words, size):
            if gram in sequences:
                return sequences[gram]
    return "a planning note"


# --- copy.meta_label -------------------------------------------------------------------------

_MARKS = r"(?:\*\*|__)?"
# A unit (a sentence, or a line after its Markdown marks) that opens with a label and a colon...
META_LABEL = re.compile(
    _MARKS + r"(?:" + "|".join(f"(?:{label})" for label in _DATA["meta_labels"]) + r")" + _MARKS + r"[ \t]*:",
    re.IGNORECASE,
)
# ...or a line that is only the label ("## The facts", "**Proof**").
META_HEADING = re.compile(
    _MARKS + r"(?:" + "|".join(f"(?:{label})" for label in _DATA["meta_headings"]) + r")" + _MARKS + r"[ \t]*[.:]?",
    re.IGNORECASE,
)


def meta_labels(text: str) -> list[tuple[int, int]]:
    """(start, end) of each template label in `text`: "Who it is for:" opening a line or a sentence,
    or "The facts" standing as a heading."""
    found = []
    for unit in units(text):
        label = META_LABEL.match(unit.text)
        if label is not None:
            found.append((unit.start, unit.start + label.end()))
            continue
        heading = META_HEADING.fullmatch(unit.text)
        if heading is not None and unit.closes_line:
            found.append((unit.start, unit.end))
    return found


@register("copy.meta_label", Severity.CRITICAL, SEAMS, 'No template labels ("Who it is for:", "The facts:", "Hook:").')
def check_meta_labels(rule: Rule, ctx: Context) -> list[QCIssue]:
    issues = []
    for field in ctx.copy_fields():
        for start, end in meta_labels(field.text):
            shown = " ".join(field.text[start:end].replace("**", "").replace("__", "").split())
            issues.append(
                issue(
                    rule,
                    field.name,
                    start,
                    end,
                    f"{quote(shown)} is a template label, not copy.",
                    "Say it in a sentence the reader would want to read, or drop it.",
                )
            )
    return issues


# --- copy.markup_dump ------------------------------------------------------------------------

MARKUP_LITERAL = re.compile("|".join(f"(?:{p})" for p in _DATA["markup_literals"]))
MARKUP_VALUES = tuple(_DATA["markup_values"])
_VALUES = "|".join(re.escape(v) for v in MARKUP_VALUES)
# A bare value: alone on its line, after "=" or "key:", or inside a data structure.
MARKUP_VALUE = re.compile(
    r"(?m)(?:^[ \t]*(?P<alone>" + _VALUES + r")[ \t]*$)"
    r"|(?:(?<=[=:])[ \t]*(?P<assigned>" + _VALUES + r")(?=[ \t]*(?:[,)\]}]|$)))"
    r"|(?:(?<=[(\[{,])[ \t]*(?P<listed>" + _VALUES + r")(?=[ \t]*[,)\]}]))"
    r"|(?<!\w)(?P<nan>NaN)(?!\w)"
)
_HEADING = re.compile(r"(?m)^(#{1,6})[ \t]+(.+?)[ \t#]*$")


def _headings(field: TextField) -> list[QCIssue | tuple[int, int, str]]:
    found = []
    seen: dict[str, str] = {}
    first_h1 = None
    for match in _HEADING.finditer(field.text):
        level, title = len(match.group(1)), match.group(2)
        key = " ".join(tokens(title))
        if level == 1 and first_h1 is None:
            first_h1 = title
        elif level == 1:
            found.append(
                (match.start(), match.end(), f"{quote(match.group())} is a second H1 (the first is {quote(first_h1)}).")
            )
            continue
        if key and key in seen:
            found.append((match.start(), match.end(), f"The heading {quote(title)} appears twice."))
        seen.setdefault(key, title)
    return found


@register(
    "copy.markup_dump",
    Severity.CRITICAL,
    SEAMS,
    "No data printed as text (Python or JSON literals, None/True) and no duplicated headings.",
)
def check_markup_dump(rule: Rule, ctx: Context) -> list[QCIssue]:
    issues = []
    suggestion = "Render the data as copy; print each heading once."
    text = ctx.doc.text
    literals = any(mark in text for mark in ("{", "[", "<", "\\", " at 0x"))
    values = any(value in text for value in MARKUP_VALUES)
    for pattern in (MARKUP_LITERAL if literals else None, MARKUP_VALUE if values else None):
        if pattern is None:
            continue
        for match in pattern.finditer(text):
            field, start, end = ctx.doc.locate(match.start(), match.end())
            words = field.text[start:end].strip()
            if not field.is_copy or not words:
                continue
            start = field.text.index(words, start)
            issues.append(
                issue(
                    rule,
                    field.name,
                    start,
                    start + len(words),
                    f"{quote(words + ('...' if pattern is MARKUP_LITERAL else ''))} is data printed as text.",
                    suggestion,
                )
            )
    for field in ctx.copy_fields():
        if field.key in ("body", "fields.body") and "#" in field.text:
            for start, end, message in _headings(field):
                issues.append(issue(rule, field.name, start, end, message, suggestion))
    for field in ctx.copy_fields() if values else ():
        if field.text.strip() in MARKUP_VALUES and not any(i.field == field.name for i in issues):
            issues.append(
                issue(rule, field.name, 0, len(field.text), f"{quote(field.text)} is data printed as text.", suggestion)
            )
    return issues


# --- copy.praise_as_pain ---------------------------------------------------------------------

PAIN_FRAMES = tuple(_DATA["pain_frames"])
TESTIMONIAL_WORDS = int(_DATA["testimonial_words"])
PAIN_FRAME = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(fold(f)) for f in PAIN_FRAMES) + r")(?!\w)")


def testimonial_sequences(brief: Brief) -> Sequences:
    """Word sequences that identify a testimonial: the whole of a short one, any run of
    `testimonial_words` words of a long one."""
    found: dict[tuple[str, ...], str] = {}
    for text in brief.audience.testimonials:
        words = tokens(text)
        if not words:
            continue
        grams = {words} if len(words) <= TESTIMONIAL_WORDS else ngrams(words, TESTIMONIAL_WORDS)
        for gram in grams:
            found.setdefault(gram, text)
    return Sequences(found)


@register(
    "copy.praise_as_pain",
    Severity.CRITICAL,
    SEAMS,
    "A customer's praise is never framed as a pain (\"'Worth the wait.' If that sounds like you...\").",
)
def check_praise_as_pain(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    sequences = ctx.facts.get(testimonial_sequences)
    if not sequences:
        return None
    issues = []
    for field in ctx.copy_fields():
        spans = sequences.find(field.text)
        if not spans:
            continue
        found = units(field.text)
        for start, end in spans:
            at = next((n for n, u in enumerate(found) if u.start <= start < u.end or start < u.start), None)
            if at is None:
                continue
            window = " ".join(u.text for u in found[max(0, at - 1) : at + 2])
            frame = PAIN_FRAME.search(fold(window))
            if frame is None:
                continue
            praise = field.text[start:end]
            issues.append(
                issue(
                    rule,
                    field.name,
                    start,
                    end,
                    f"{quote(praise)} is a customer's praise, framed here as a pain ({quote(frame.group())}).",
                    "Use a testimonial as praise (after the claim it supports); frame pains in the audience's words.",
                )
            )
    return issues


# --- copy.pasted_clause ----------------------------------------------------------------------

PASTED_WORDS = int(_DATA["pasted_clause_words"])


def _sentence_facts(brief: Brief) -> tuple[str, ...]:
    """The brief's facts written as sentences (they start with a capital because they are one)."""
    product, audience = brief.product, brief.audience
    texts = (
        product.description,
        product.offer,
        *product.value_propositions,
        *product.proof_points,
        *audience.pains,
        *audience.phrases,
        *audience.testimonials,
    )
    return tuple(t for t in texts if t and t.strip())


def pasted_clause_pattern(brief: Brief) -> re.Pattern[str] | None:
    """The openings of brief facts that start with a capitalised common word ("Month-end close
    drags..."), as written, after a lower-case word: a fact pasted into the middle of a sentence.

    A first word counts as common (not a name) when it is a function word or when the brief
    writes it in lower case somewhere; a word the brief only ever capitalises may be a name
    ("Parisian", "Xero") and is left alone."""
    everything = " ".join((*public_facts(brief), *planning_notes(brief)))
    lower_words = {w.casefold() for w in re.findall(r"(?<![\w'’-])[a-z][\w'’-]*", everything)}
    proper = {w for seq in names(brief) for w in seq}
    openings = set()
    for text in _sentence_facts(brief):
        first = re.match(r"\s*([A-Z][a-z][\w'’-]*)", text)
        if first is None:
            continue
        word = first.group(1).casefold()
        if word in proper or not (word in FUNCTION_WORDS or word in lower_words):
            continue
        words = text.split()
        if len(words) < 2:
            continue
        openings.add(r"\s+".join(re.escape(w) for w in words[: min(PASTED_WORDS, len(words))]))
    if not openings:
        return None
    return re.compile(r"(?<=[a-z0-9,;] )(?:" + "|".join(sorted(openings, key=len, reverse=True)) + r")(?![\w'’-])")


@register(
    "copy.pasted_clause",
    Severity.CRITICAL,
    SEAMS,
    'No brief fact pasted mid-sentence with its capital ("facing Month-end close drags on...").',
)
def check_pasted_clause(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    pattern = ctx.facts.get(pasted_clause_pattern)
    if pattern is None:
        return None
    issues = []
    for match in pattern.finditer(ctx.doc.text):
        field, start, end = ctx.doc.locate(match.start(), match.end())
        if not field.is_copy:
            continue
        unit = next((u for u in units(field.text) if u.start <= start < u.end), None)
        before = (
            field.text[:start].rstrip().split()[-1:] if unit is None else field.text[unit.start : start].split()[-1:]
        )
        shown_end = unit.end if unit is not None else end
        shown = " ".join([*before, field.text[start:shown_end]])
        issues.append(
            issue(
                rule,
                field.name,
                start,
                end,
                f"{quote(shown)} pastes a brief fact into a sentence: {quote(match.group().split()[0])} "
                "keeps its capital mid-sentence.",
                "Turn the fact into words of the sentence (a question, a 'you' sentence), not a pasted clause.",
            )
        )
    return issues
