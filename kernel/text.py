"""Text matching that a look-alike letter or an invisible character cannot slip past.

`fold` is the one normal form every context compares words in: Unicode NFKC (full-width letters,
ligatures and mathematical alphabets become plain letters), invisible format characters removed
(zero-width spaces and joiners, the word joiner, soft hyphens, byte-order marks, bidi controls),
common Cyrillic and Greek look-alikes mapped to the Latin letters they imitate, then case-folded.
So "fr\u0435e" (a Cyrillic "е"), "ｆｒｅｅ" and "fr\u00adee" all fold to "free".

`find_terms` finds whole-word terms in that normal form and reports each hit at its offsets in
the text as written, so a message can quote what the reader sees. Strategy checks its text
against a brief's banned terms with it; QC checks every field of every asset.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["TermHit", "find_terms", "fold", "folded_matches"]

# Unicode's format characters (general category Cf, Unicode 14): invisible in print, so a word
# with one inside reads as the word. The test suite checks this class against unicodedata.
_FORMAT_CHARS = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)

# Cyrillic and Greek letters that render like a Latin letter in common fonts (a subset of
# Unicode's confusables.txt: the single letters people actually use to dodge word filters).
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic, lower case
        "а": "a",
        "е": "e",
        "ѐ": "è",
        "ё": "ë",
        "һ": "h",
        "і": "i",
        "ї": "ï",
        "ј": "j",
        "ӏ": "l",
        "о": "o",
        "р": "p",
        "с": "c",
        "ԛ": "q",
        "ѕ": "s",
        "у": "y",
        "ү": "y",
        "ԝ": "w",
        "х": "x",
        "ԁ": "d",
        # Cyrillic, upper case
        "А": "A",
        "В": "B",
        "Е": "E",
        "Ѐ": "È",
        "Ё": "Ë",
        "Һ": "H",
        "І": "I",
        "Ї": "Ï",
        "Ј": "J",
        "К": "K",
        "Ӏ": "I",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Ԛ": "Q",
        "Ѕ": "S",
        "У": "Y",
        "Ү": "Y",
        "Ԝ": "W",
        "Х": "X",
        # Greek, lower case
        "α": "a",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "υ": "u",
        "ϲ": "c",
        "ϳ": "j",
        # Greek, upper case
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
        "Ϲ": "C",
    }
)

# Where the look-alikes live: most text has none, and then the (slow) translation is skipped.
_LOOK_ALIKES = re.compile("[\u0370-\u03ff\u0400-\u052f]")

# How many folded texts to remember: QC asks about the same field once per rule family.
# Offsets are kept as 4-byte arrays, so a remembered 10 KB text with look-alikes costs ~90 KB.
_FOLDED_CACHE = 1024
# Hyphens a term's parts may be written with ("game-changer", "game changer", "gamechanger").
_HYPHENS = "\\-\u2010\u2011"


@dataclass(frozen=True)
class TermHit:
    """One occurrence of `term` in a text: `matched` is `text[start:end]`, as written."""

    term: str
    start: int
    end: int
    matched: str


def fold(text: str) -> str:
    """The matching form of `text`: NFKC, no format characters, look-alikes mapped, case-folded."""
    return _folded(text)[0]


@lru_cache(maxsize=_FOLDED_CACHE)
def _folded(text: str) -> tuple[str, Sequence[int] | None, Sequence[int] | None]:
    """`fold(text)` with, for each folded character, where its source starts and ends in `text`.

    None for both offset tables means folding kept every character in place (the usual case:
    ASCII, or letters that only change case), so offsets are the same in both texts.
    """
    if text.isascii():
        return text.lower(), None, None
    if not _FORMAT_CHARS.search(text) and unicodedata.is_normalized("NFKC", text):
        folded = (text.translate(_CONFUSABLES) if _LOOK_ALIKES.search(text) else text).casefold()
        if len(folded) == len(text):
            return folded, None, None
    return _fold_mapped(text)


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _fold_mapped(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
    """Fold `text` keeping offsets: ASCII stretches as they are (lower-cased), the rest one
    character cluster (a base and its combining marks) at a time."""
    pieces: list[str] = []
    starts = array("I")
    ends = array("I")
    position = 0
    for run in _NON_ASCII_RUN.finditer(text):
        start, end = run.span()
        # A combining mark composes with the character before it ("e" + U+0301 is "é").
        if start > position and unicodedata.combining(text[start]):
            start -= 1
        if start > position:
            pieces.append(text[position:start].lower())
            starts.extend(range(position, start))
            ends.extend(range(position + 1, start + 1))
        _fold_clusters(text, start, end, pieces, starts, ends)
        position = end
    if position < len(text):
        pieces.append(text[position:].lower())
        starts.extend(range(position, len(text)))
        ends.extend(range(position + 1, len(text) + 1))
    return "".join(pieces), starts, ends


def _fold_clusters(text: str, index: int, stop: int, pieces: list[str], starts: array, ends: array) -> None:
    while index < stop:
        end = index + 1
        if _FORMAT_CHARS.match(text, index):
            index = end
            continue
        while end < stop and unicodedata.combining(text[end]):
            end += 1
        piece = unicodedata.normalize("NFKC", text[index:end]).translate(_CONFUSABLES).casefold()
        pieces.append(piece)
        starts.extend([index] * len(piece))
        ends.extend([end] * len(piece))
        index = end


@dataclass(frozen=True)
class _Matcher:
    terms: tuple[str, ...]
    pattern: re.Pattern[str]
    allowed: re.Pattern[str] | None


_GAP = f"[\\s{_HYPHENS}]"


def _term_regex(term: str) -> str:
    """A term as a pattern over folded text: a space in it matches any spacing or hyphen, and a
    hyphen also matches nothing ("game-changer", "game changer", "gamechanger")."""
    parts = re.split(rf"(\s+|[{_HYPHENS}]+)", " ".join(fold(term).split()))
    pattern = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            pattern.append(re.escape(part))
        else:
            pattern.append(f"{_GAP}+" if part.isspace() else f"{_GAP}*")
    return "".join(pattern)


def _alternation(terms: Sequence[str]) -> str:
    return r"(?<!\w)(?:" + "|".join(f"({_term_regex(t)})" for t in terms) + r")(?!\w)"


@lru_cache(maxsize=256)
def _matcher(terms: tuple[str, ...], allowed: tuple[str, ...]) -> _Matcher | None:
    """One compiled pattern per (terms, allowed phrases) set; longer terms win where two start together."""
    unique: dict[str, str] = {}
    for term in terms:
        key = " ".join(fold(term).split())
        if key and re.search(r"\w", key) and key not in unique:
            unique[key] = term.strip()
    if not unique:
        return None
    ordered = tuple(sorted(unique.values(), key=lambda t: (-len(fold(t)), fold(t))))
    phrases = sorted({p.strip() for p in allowed if p.strip() and re.search(r"\w", fold(p))}, key=len, reverse=True)
    return _Matcher(
        terms=ordered,
        pattern=re.compile(_alternation(ordered)),
        allowed=re.compile(r"(?<!\w)(?:" + "|".join(_term_regex(p) for p in phrases) + r")(?!\w)") if phrases else None,
    )


def find_terms(text: str, terms: Sequence[str], *, allowed_phrases: Sequence[str] = ()) -> list[TermHit]:
    """Whole-word, case-insensitive occurrences of `terms` in `text` after folding, in text order.

    An occurrence inside an occurrence of an allowed phrase is not a hit ("luxury" inside "Small
    Luxury Hotels of the World"). Offsets and `matched` refer to `text` as given.
    """
    if not text:
        return []
    matcher = _matcher(tuple(terms), tuple(allowed_phrases))
    if matcher is None:
        return []
    folded = _folded(text)[0]
    shielded = [m.span() for m in matcher.allowed.finditer(folded)] if matcher.allowed else []
    hits = []
    for match, start, end in folded_matches(matcher.pattern, text):
        if any(s <= match.start() and match.end() <= e for s, e in shielded):
            continue
        hits.append(TermHit(term=matcher.terms[match.lastindex - 1], start=start, end=end, matched=text[start:end]))
    return hits


def folded_matches(pattern: re.Pattern[str], text: str) -> list[tuple[re.Match[str], int, int]]:
    """Each match of `pattern` (written for folded text: lower case, plain letters) in `fold(text)`,
    with the start and end of the characters it covers in `text` as written."""
    folded, starts, ends = _folded(text)
    if starts is None or ends is None:
        return [(m, m.start(), m.end()) for m in pattern.finditer(folded)]
    found = []
    for match in pattern.finditer(folded):
        start, end = match.span()
        if start == end:
            start = end = starts[start] if start < len(starts) else len(text)
        else:
            start, end = starts[start], ends[end - 1]
        found.append((match, start, end))
    return found
