"""Readability of long form (blog, e-mail body): reading ease, grade level and sentence length."""

from __future__ import annotations

import re
from functools import lru_cache

import textstat

from kernel import channels
from production.domain import QCIssue, Severity
from production.qc.rules.base import URL, Context, Rule, issue, load_data, register

_DATA = load_data("readability")
LONG_FORM_CHANNELS = frozenset(_DATA["long_form_channels"])
DEFAULT_MAX_GRADE = float(_DATA["default_max_grade"])
GRADE_MAJOR_MARGIN = float(_DATA["grade_major_margin"])
READING_EASE_MINOR = float(_DATA["reading_ease_minor"])
READING_EASE_MAJOR = float(_DATA["reading_ease_major"])
MIN_WORDS_FOR_READABILITY = int(_DATA["min_words_for_readability"])
LONG_SENTENCE_WORDS = int(_DATA["long_sentence_words"])
LONG_SENTENCE_SHARE = float(_DATA["long_sentence_share"])
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_MARKDOWN_LEAD = re.compile(r"^\s*(?:#{1,6}|[-*+]|\d+[.)]|>)\s+")
_MARKDOWN_MARKS = re.compile(r"[*_`]+")


@lru_cache(maxsize=1024)
def prose(text: str) -> str:
    """Text as a reader meets it: no URLs or Markdown marks, every line ending a sentence."""
    lines = []
    for line in text.splitlines():
        line = URL.sub("", line)
        line = _MARKDOWN_LEAD.sub("", line)
        line = _MARKDOWN_MARKS.sub("", line).strip()
        if line:
            lines.append(line if line[-1] in ".!?:;" else f"{line}.")
    return " ".join(lines)


def _long_form(ctx: Context) -> str | None:
    text = prose(ctx.draft.body or "")
    return text if len(channels.WORD.findall(text)) >= MIN_WORDS_FOR_READABILITY else None


@lru_cache(maxsize=1024)
def reading_ease(text: str) -> float:
    return textstat.flesch_reading_ease(text)


@lru_cache(maxsize=1024)
def grade_level(text: str) -> float:
    return textstat.flesch_kincaid_grade(text)


@register(
    "readability.ease",
    Severity.MAJOR,
    "readability",
    "Flesch reading ease of 60 or more (major below 50).",
    channels=LONG_FORM_CHANNELS,
)
def check_reading_ease(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    text = _long_form(ctx)
    if text is None:
        return None
    ease = reading_ease(text)
    if ease >= READING_EASE_MINOR:
        return []
    severity = Severity.MAJOR if ease < READING_EASE_MAJOR else Severity.MINOR
    return [
        issue(
            rule,
            "body",
            0,
            len(ctx.draft.body),
            f"Flesch reading ease is {ease:.0f}; aim for {READING_EASE_MINOR:.0f} or more.",
            "Use shorter sentences and everyday words.",
            severity,
        )
    ]


@register(
    "readability.grade",
    Severity.MAJOR,
    "readability",
    "Grade level at or below the brief's target (9 by default).",
    channels=LONG_FORM_CHANNELS,
)
def check_grade_level(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    text = _long_form(ctx)
    if text is None:
        return None
    target = ctx.brief.brand.max_grade_level
    target = DEFAULT_MAX_GRADE if target is None else float(target)
    grade = grade_level(text)
    if grade <= target:
        return []
    severity = Severity.MAJOR if grade > target + GRADE_MAJOR_MARGIN else Severity.MINOR
    return [
        issue(
            rule,
            "body",
            0,
            len(ctx.draft.body),
            f"Grade level is {grade:.1f}; the target is {target:g} or lower.",
            "Split long sentences and prefer short words.",
            severity,
        )
    ]


def sentences(text: str) -> list[tuple[int, int, int]]:
    """(start, end, words) of each sentence in `text`."""
    found = []
    for match in SENTENCE.finditer(text):
        words = len(channels.WORD.findall(match.group()))
        if words:
            start = match.start() + len(match.group()) - len(match.group().lstrip())
            found.append((start, match.end(), words))
    return found


@register(
    "readability.sentences",
    Severity.MINOR,
    "readability",
    "At most 25% of sentences over 20 words.",
    channels=LONG_FORM_CHANNELS,
)
def check_sentence_length(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if _long_form(ctx) is None:
        return None
    found = sentences(ctx.draft.body)
    long = [s for s in found if s[2] > LONG_SENTENCE_WORDS]
    share = len(long) / len(found) if found else 0.0
    if share <= LONG_SENTENCE_SHARE:
        return []
    start, end, words = max(long, key=lambda s: (s[2], -s[0]))
    longest = " ".join(ctx.draft.body[start:end].split()[:8])
    return [
        issue(
            rule,
            "body",
            start,
            end,
            f"{len(long)} of {len(found)} sentences ({share:.0%}) run over {LONG_SENTENCE_WORDS} words; "
            f"keep that under {LONG_SENTENCE_SHARE:.0%}. The longest ('{longest}...') has {words}.",
            "Split the longest sentences.",
        )
    ]
