"""English grammar the writer and the strategist need, delegated to maintained libraries where they do it well.

Articles and verb forms come from `inflect`, lists and dates from Babel (per `language`), and the
few spelling differences between British and American English that our own phrase banks can
contain are mapped here (brief facts are never respelt: they are the client's words).

A brief's typed facts arrive in several grammatical shapes ("Loses motivation after two weeks",
"Month-end close takes 8 to 12 working days", "Close the books in 4 working days"); `pain_shape`
and `value_shape` classify them once by their first words (word lists in `data/lexicon.yaml`),
so each context can turn them into sentences that do not read glued.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list

# Our banks are written in American spelling; these are the words they use that British English spells otherwise.
_GB_SPELLING = {
    "organize": "organise",
    "organized": "organised",
    "organizing": "organising",
    "color": "colour",
    "colors": "colours",
    "favorite": "favourite",
    "favorites": "favourites",
    "program": "programme",
    "programs": "programmes",
    "center": "centre",
    "neighbor": "neighbour",
    "neighbors": "neighbours",
    "neighborhood": "neighbourhood",
    "realize": "realise",
    "realized": "realised",
    "prioritize": "prioritise",
    "recognize": "recognise",
    "behavior": "behaviour",
    "analyze": "analyse",
    "catalog": "catalogue",
    "personalized": "personalised",
    "summarize": "summarise",
    "minimize": "minimise",
    "optimize": "optimise",
    "labor": "labour",
    "honor": "honour",
    "savor": "savour",
    "flavor": "flavour",
    "flavors": "flavours",
    "enroll": "enrol",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "traveling": "travelling",
    "fulfill": "fulfil",
    "gray": "grey",
}
_GB_WORD = re.compile(r"\b(" + "|".join(sorted(_GB_SPELLING, key=len, reverse=True)) + r")\b", re.IGNORECASE)
# Regions whose English follows British spelling.
_BRITISH_REGIONS = frozenset({"GB", "UK", "IE", "AU", "NZ", "ZA", "IN", "SG", "MT", "HK"})
_CONTRACTIONS = {
    "you'll": "you will",
    "you're": "you are",
    "you've": "you have",
    "you'd": "you would",
    "we'll": "we will",
    "we're": "we are",
    "we've": "we have",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "here's": "here is",
    "what's": "what is",
    "don't": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "isn't": "is not",
    "aren't": "are not",
    "won't": "will not",
    "can't": "cannot",
    "shouldn't": "should not",
    "wouldn't": "would not",
    "let's": "let us",
    "who's": "who is",
    "haven't": "have not",
    "we'd": "we would",
    "they're": "they are",
    "they'll": "they will",
    "i'm": "I am",
    "i'd": "I would",
    "you'd've": "you would have",
    "hasn't": "has not",
    "needn't": "need not",
    "couldn't": "could not",
    "wasn't": "was not",
    "weren't": "were not",
    "there'll": "there will",
    "it'll": "it will",
    "that'll": "that will",
}
_CONTRACTION = re.compile(r"\b(" + "|".join(re.escape(c) for c in _CONTRACTIONS) + r")\b", re.IGNORECASE)


@lru_cache(maxsize=1)
def _inflect() -> Any:
    """The inflect engine, built on first use (importing inflect takes about a third of a second).

    Pinned to 6.2: inflect 7 instruments itself with typeguard on import, which costs two to four
    seconds per process (every worker, every `run_workflow`) for the same answers."""
    import inflect

    return inflect.engine()


def singular(noun: str) -> str:
    """ "leads" -> "lead", "donor sign-ups" -> "donor sign-up"; a noun already singular stays."""
    head, _, last = noun.rpartition(" ")
    one = _inflect().singular_noun(last)
    return f"{head} {one}".strip() if one else noun


@lru_cache(maxsize=8192)
def with_article(phrase: str) -> str:
    """ "an ISA", "a 10-minute workout", "an hour": the indefinite article inflect chooses."""
    return _inflect().a(phrase)


@lru_cache(maxsize=4096)
def base_verb(verb: str) -> str:
    """The plain form of a third-person verb ("loses" -> "lose", "worries" -> "worry")."""
    lower = verb.lower()
    if lower in ("is", "has", "does"):
        return {"is": "are", "has": "have", "does": "do"}[lower]
    return _inflect().plural_verb(lower)


@lru_cache(maxsize=64)
def babel_locale(language: str) -> Locale:
    """The Babel locale for a BCP 47 tag ("en-GB" -> en_GB); plain English when it is unknown."""
    try:
        return Locale.parse(language.replace("-", "_")) if language else Locale("en")
    except (ValueError, UnknownLocaleError):
        return Locale("en")


def is_british(language: str, *, voice_says_british: bool = False) -> bool:
    if voice_says_british:
        return True
    locale = babel_locale(language)
    return locale.language == "en" and (locale.territory or "") in _BRITISH_REGIONS


@lru_cache(maxsize=4096)
def british(text: str) -> str:
    """Our own wording in British spelling."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = _GB_SPELLING[word.lower()]
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return _GB_WORD.sub(swap, text)


@lru_cache(maxsize=4096)
def uncontracted(text: str) -> str:
    """Our own wording without contractions, for formal voices."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        new = _CONTRACTIONS[word.lower().replace("’", "'")]
        return new[:1].upper() + new[1:] if word[:1].isupper() else new

    return _CONTRACTION.sub(swap, text)


def join_list(items: list[str], language: str) -> str:
    """ "a, b and c" (en-GB) or "a, b, and c" (en-US): the locale's list pattern."""
    items = [i for i in items if i]
    if not items:
        return ""
    return format_list(items, locale=babel_locale(language))


@lru_cache(maxsize=1024)
def long_date(day: date, language: str) -> str:
    """ "5 April 2027" (en-GB) or "April 5, 2027" (en-US)."""
    return format_date(day, format="long", locale=babel_locale(language))


@lru_cache(maxsize=1024)
def day_month(day: date, language: str) -> str:
    """ "5 April" (en-GB) or "April 5" (en-US)."""
    return format_date(day, format="d MMMM" if is_british(language) else "MMMM d", locale=babel_locale(language))


def clause(text: str) -> str:
    """Text without surrounding space or closing punctuation, to embed in a sentence."""
    return text.strip().rstrip(".!;:,").strip()


def sentence(text: str) -> str:
    """Text as a sentence: a capital first letter and closing punctuation."""
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in '.!?…”"' else f"{text}."


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_][\w'’-]*", text)


SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[”\"]?\s+(?=[“\"A-Z0-9£$€#])|\n+")


def split_sentences(text: str) -> list[str]:
    """The sentences of a text (lines count as sentence ends)."""
    return [s.strip() for s in SENTENCE_SPLIT.split(text) if s and s.strip()]


_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str, *, most_words: int | None = None) -> str:
    """A URL slug ("Month-end close" -> "month-end-close"), ASCII only."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    parts = [p for p in _SLUG.split(ascii_text) if p]
    if most_words is not None:
        parts = parts[:most_words]
    return "-".join(parts)


# --- The shapes of typed facts ---------------------------------------------------------------

LEXICON = Path(__file__).resolve().parent / "data" / "lexicon.yaml"


@lru_cache(maxsize=1)
def _lexicon_file() -> dict[str, list[str]]:
    return yaml.safe_load(LEXICON.read_text(encoding="utf-8"))


def lexicon(name: str) -> frozenset[str]:
    """One word list of `data/lexicon.yaml`, lower-cased."""
    return frozenset(str(w).lower() for w in _lexicon_file()[name])


# Third-person verbs a pain typed without its subject starts with ("Loses motivation...").
PREDICATE_VERBS = lexicon("predicate_verbs")
# Adjectives a pain may start with ("Worried about picking the wrong fund").
ADJECTIVES = lexicon("pain_adjectives")
# Verbs a value proposition may start with as an imperative ("Close the books in 4 days").
IMPERATIVES = lexicon("imperative_verbs")
# Verbs after a short subject that make a value proposition a full clause ("Your data stays in the EU").
FINITE = lexicon("finite_verbs")
# Nouns that take no indefinite article ("month-end close software", not "a ... software").
MASS_NOUNS = lexicon("mass_nouns")
DETERMINERS = lexicon("determiners")
SUBJECT_PRONOUNS = lexicon("subject_pronouns")
MODALS = lexicon("modals")
RELATIVE = frozenset({"that", "which", "who", "whose", "where", "when"})


def lower_first(text: str, proper: frozenset[str]) -> str:
    """`text` with its first letter lowered unless it starts with a name, a proper noun or an acronym.

    `proper` holds whole names ("Tallyfold Close") and words the brief capitalises mid-sentence.
    """
    if any(" " in name and text.startswith(name) for name in proper):
        return text
    first = text.split(" ", 1)[0]
    bare = first.strip("“”\"'(")
    acronym = len(bare) > 1 and bare.isupper()
    if not bare or bare in proper or acronym or any(c.isupper() for c in bare[1:]) or bare[0].isdigit():
        return text
    return text[:1].lower() + text[1:]


def proper_nouns(*, names: Sequence[str], texts: Sequence[str]) -> frozenset[str]:
    """Names, and words the texts write with a capital mid-sentence: never lower-cased.

    A one-word name is a proper noun; the words of a longer name count only as the whole name."""
    found: set[str] = set()
    for name in names:
        found.add(name.strip())
        tokens = [w for w in words(name) if w[:1].isupper()]
        if len(tokens) == 1:
            found.add(tokens[0])
    for text in texts:
        for token in text.split()[1:]:
            bare = token.strip(",.;:()“”\"'")
            if bare[:1].isupper():
                found.add(bare)
    return frozenset(found)


def finite_verb_at(tokens: list[str]) -> bool:
    """A finite verb among the first words after the subject ("Monthly gifts keep shelves stocked",
    "Every $1 you give provides 3 meals"), not a relative clause ("A plan that adapts") nor a
    relative without its pronoun ("workouts you can do")."""
    for index, token in enumerate(tokens[1:6], start=1):
        word, before = token.lower().strip(",;:"), tokens[index - 1].lower()
        if word in RELATIVE:
            return False
        if before in DETERMINERS:
            continue
        verb = word in FINITE or word in IMPERATIVES or (word.endswith("s") and word[:-1] in IMPERATIVES)
        if not verb:
            continue
        two_back = tokens[index - 2].lower() if index >= 2 else ""
        # "you give" / "you can do" inside the subject: a relative without its pronoun, not the verb.
        if before in SUBJECT_PRONOUNS or (before in MODALS and two_back in SUBJECT_PRONOUNS):
            continue
        return True
    return False


def has_verb(tokens: list[str]) -> bool:
    return any(t.lower() in FINITE or t.lower() in PREDICATE_VERBS for t in tokens)


def pain_shape(body: str) -> str:
    """How a pain is written: "no" ("No time to..."), "predicate" ("Loses motivation..."),
    "adjective" ("Worried about..."), "gerund" ("Chasing invoices...") or "clause" (a full sentence)."""
    first = body.split(" ", 1)[0].lower()
    if first in ("no", "not", "too") or body.lower().startswith("never enough"):
        return "no"
    if first in PREDICATE_VERBS or (first.endswith("s") and first[:-1] in IMPERATIVES):
        return "predicate"
    if first in ADJECTIVES or (first.endswith("ed") and len(first) > 4):
        return "adjective"
    if first.endswith("ing") and len(first) > 4 and not has_verb(body.split()[1:6]):
        return "gerund"
    return "clause"


def value_shape(body: str) -> str:
    """How a value proposition is written: "imperative" ("Close the books..."), "predicate"
    ("Works with..."), "clause" ("Your data stays in the EU") or "noun" ("Fresh sourdough every Saturday")."""
    tokens = body.split()
    first = tokens[0].lower() if tokens else ""
    if first in IMPERATIVES:
        return "imperative"
    if first in PREDICATE_VERBS or (first.endswith("s") and first[:-1] in IMPERATIVES):
        return "predicate"
    return "clause" if finite_verb_at(tokens) else "noun"


def category_phrase(category: str) -> str:
    """ "a month-end close tool" or "month-end close software": a category with the article it takes."""
    category = clause(category)
    if not category:
        return ""
    last = category.split()[-1].lower()
    return category if last in MASS_NOUNS or last.endswith("s") else with_article(category)


def money(amount: Any, currency: str, language: str) -> str:
    """ "£48,000" (en-GB), "$1,234.50": an amount in its currency, written as the locale writes it;
    the amount and the code as given when the currency is not an ISO code Babel knows."""
    from decimal import Decimal

    from babel.numbers import UnknownCurrencyError, format_currency

    value = Decimal(str(amount))
    pattern = "¤#,##0" if value == value.to_integral_value() else "¤#,##0.00"
    code = (currency or "").strip().upper()
    try:
        return format_currency(value, code, format=pattern, locale=babel_locale(language), currency_digits=False)
    except (UnknownCurrencyError, ValueError):
        return f"{value:,} {currency}".strip()


_BRITISH_VOICE = re.compile(r"\bbritish (?:english|spelling)\b", re.IGNORECASE)


def document_language(language: str, voice_notes: str = "") -> str:
    """The language tag a document follows for spelling, dates and lists: the brief's, or en-GB when
    the brief is plain English and its voice notes ask for British English."""
    if not is_british(language) and _BRITISH_VOICE.search(voice_notes or ""):
        return "en-GB"
    return language or "en"
