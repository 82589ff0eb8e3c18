"""Words as the seam rules reason with them: function-word lists (data/words.yaml), the words of a
text with where each is written, and word sequences found in a text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from kernel.text import folded_matches
from production.qc.rules.base import TOKEN, load_data, tokens

_DATA = load_data("words")
ARTICLES = frozenset(_DATA["articles"])
DETERMINERS = frozenset(_DATA["determiners"])
COORDINATORS = frozenset(_DATA["coordinators"])
SUBORDINATORS = frozenset(_DATA["subordinators"])
PREPOSITIONS = frozenset(_DATA["prepositions"])
STRANDING_SUBJECTS = frozenset(_DATA["stranding_subjects"])
STRANDING_WINDOW: int = _DATA["stranding_window"]
RELATIVE_WORDS = frozenset(_DATA["relative_words"])
STRANDING_VERBS = frozenset(_DATA["stranding_verbs"])
WHOLE_ENDINGS = tuple(tuple(e.split()) for e in _DATA["whole_endings"])
FUNCTION_WORDS = (
    ARTICLES | DETERMINERS | COORDINATORS | SUBORDINATORS | PREPOSITIONS | frozenset(_DATA["other_function_words"])
)

Word = tuple[str, int, int]


@lru_cache(maxsize=8192)
def words_at(text: str) -> tuple[Word, ...]:
    """(folded word, start, end) of each word of `text`, offsets in `text` as written."""
    return tuple([(m.group(), start, end) for m, start, end in folded_matches(TOKEN, text)])


def verb_stem(word: str) -> str:
    """A verb without -s, -ed or -ing, roughly ("waiting" -> "wait", "looked" -> "look", "relies" -> "rely")."""
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)] + replacement
            if stem in STRANDING_VERBS:
                return stem
            if len(stem) > 2 and stem[-1] == stem[-2]:  # "stopped" -> "stop"
                return stem[:-1]
            return stem
    return word


def is_number(word: str) -> bool:
    return word[:1].isdigit()


class Sequences:
    """Word sequences to look for, indexed by their first word: a text is read once, and only the
    places that start like a sequence are compared."""

    def __init__(self, sequences: Iterable[tuple[str, ...]]) -> None:
        by_first: dict[str, list[tuple[str, ...]]] = {}
        for sequence in set(sequences):
            if sequence:
                by_first.setdefault(sequence[0], []).append(sequence)
        self.by_first = {first: tuple(sorted(seqs, key=len, reverse=True)) for first, seqs in by_first.items()}

    def __bool__(self) -> bool:
        return bool(self.by_first)

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of `text` covered by any of the sequences, overlapping ones merged, in order."""
        if not self.by_first or not text:
            return []
        folded = tokens(text)
        by_first = self.by_first
        if by_first.keys().isdisjoint(folded):
            return []
        words = words_at(text)
        covered = []
        for i, word in enumerate(folded):
            candidates = by_first.get(word)
            if candidates is None:
                continue
            for sequence in candidates:
                size = len(sequence)
                if tuple(folded[i : i + size]) == sequence:
                    covered.append((i, i + size))
                    break
        return [(words[a][1], words[b - 1][2]) for a, b in merge(covered)]


def find_sequences(text: str, sequences: Sequences | Iterable[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Spans of `text` covered by any of the word `sequences`, overlapping ones merged, in order."""
    index = sequences if isinstance(sequences, Sequences) else Sequences(sequences)
    return index.find(text)


def merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching (start, end) spans joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def ngrams(words: tuple[str, ...], size: int) -> set[tuple[str, ...]]:
    return {words[i : i + size] for i in range(len(words) - size + 1)}


@dataclass(frozen=True)
class Unit:
    """A sentence, or a line that ends without one (a heading, a list item, a headline), as
    text[start:end] of its field."""

    start: int
    end: int
    text: str
    # Whether the unit is the last words of its line.
    closes_line: bool = True


_LINE = re.compile(r"[^\n]+")
# Markdown that opens a line without being words: heading marks, list bullets, quote marks.
_LINE_LEAD = re.compile(r"[ \t]*(?:#{1,6}[ \t]+|[-*+•→▪–—>][ \t]+|\d{1,2}[.)][ \t]+)?")
# Where a sentence ends: its stop, closing quotes or brackets, then a space.
_SENTENCE_STOP = re.compile(r"(?:\.{3}|…|[.!?])+[\"'”’)\]*_]*(?=[ \t]+\S)")


@lru_cache(maxsize=4096)
def units(text: str) -> tuple[Unit, ...]:
    """The sentences and stand-alone lines of `text`, in order, each without leading Markdown."""
    found = []
    for line in _LINE.finditer(text):
        start = line.start() + _LINE_LEAD.match(line.group()).end()
        end = line.end()
        for stop in _SENTENCE_STOP.finditer(text, start, end):
            _add_unit(found, text, start, stop.end(), closes_line=False)
            start = stop.end()
        _add_unit(found, text, start, end, closes_line=True)
    return tuple(found)


def _add_unit(found: list[Unit], text: str, start: int, end: int, *, closes_line: bool) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        start += len(piece) - len(piece.lstrip())
        found.append(Unit(start, start + len(stripped), stripped, closes_line))
