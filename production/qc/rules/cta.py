"""Calls to action: e-mails and ads ask for one action, with a verb that fits the product."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kernel.text import fold
from kernel.vocabulary import FORBIDDEN_VERBS, KIND_VERBS
from production.domain import QCIssue, Severity
from production.qc.rules.base import Context, Rule, issue, load_data, quote, register, tokens
from production.qc.rules.words import units

if TYPE_CHECKING:
    from onboarding.domain import Brief

_DATA = load_data("cta")
CTA_VERBS = frozenset(_DATA["cta_verbs"])
KIND_NAMES = dict(_DATA["kind_names"])
CTA_CHANNELS = frozenset({"email", "google_ads"})
FIRST_WORD = re.compile(r"[^\W\d_][\w'’-]*")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


def starts_with_verb(text: str) -> bool:
    first = FIRST_WORD.search(text)
    return bool(first) and first.group().casefold() in CTA_VERBS


@register(
    "cta.present", Severity.MAJOR, "format", "Has a call to action that starts with a verb.", channels=CTA_CHANNELS
)
def check_cta(rule: Rule, ctx: Context) -> list[QCIssue]:
    ctas = [f for f in ctx.texts if f.key == "cta" and f.text.strip()]
    if any(starts_with_verb(f.text) for f in ctas):
        return []
    suggestion = 'Start it with a verb: "Book…", "Get…", "Try…".'
    if ctas:
        return [
            issue(rule, f.name, 0, len(f.text), f"{quote(f.text.strip())} does not start with a verb.", suggestion)
            for f in ctas
        ]
    for field in ctx.texts:
        if field.key in ("body", "descriptions", "headlines") and any(
            starts_with_verb(s.group()) for s in SENTENCE.finditer(field.text)
        ):
            return []
    return [issue(rule, "body", 0, 0, "There is no call to action (a sentence starting with a verb).", suggestion)]


# --- verbs that fit the product --------------------------------------------------------------

# Fields that are a call to action or an ad line in themselves: a wrong verb there is always one.
ACTION_KEYS = frozenset({"cta", "headlines", "descriptions", "callouts", "sitelinks"})
_LEAD = re.compile(r"^(?:(?:ad|sponsored|#ad)\s*[:|–—-]?\s*)?[\"“‘'(\[*_]*", re.IGNORECASE)


@dataclass(frozen=True)
class KindVerbs:
    kind: str
    forbidden: re.Pattern[str] | None
    named: frozenset[tuple[str, ...]]


def kind_verbs(brief: Brief) -> KindVerbs:
    kind = brief.product.kind
    phrases = FORBIDDEN_VERBS.get(kind, ())
    pattern = None
    if phrases:
        alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
        pattern = re.compile(rf"(?:{alternation})(?![\w-])")
    named = frozenset(tokens(n) for n in (brief.product.name, brief.client.name) if tokens(n))
    return KindVerbs(kind=kind, forbidden=pattern, named=named)


def _names_the_product(words: tuple[str, ...], named: frozenset[tuple[str, ...]]) -> bool:
    return any(
        any(words[i : i + len(name)] == name for i in range(len(words) - len(name) + 1)) for name in named if name
    )


@register(
    "cta.product_kind",
    Severity.MAJOR,
    "format",
    "Calls to action use verbs that fit the product kind (a venue is booked, a cause is given to).",
)
def check_product_kind_verbs(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    verbs = ctx.facts.get(kind_verbs)
    if verbs.forbidden is None:
        return None
    fitting = ", ".join(f"'{v}'" for v in KIND_VERBS[verbs.kind][:4])
    kind_name = KIND_NAMES.get(verbs.kind, verbs.kind.replace("_", " "))
    issues = []
    for field in ctx.copy_fields():
        for unit in units(field.text):
            lead = _LEAD.match(unit.text).end()
            folded = fold(unit.text[lead:])
            found = verbs.forbidden.match(folded)
            if found is None:
                continue
            words = tokens(unit.text)
            # "Order" opening a sentence about something else is not a call to action for this product.
            if not (field.key in ACTION_KEYS or " " in found.group() or _names_the_product(words, verbs.named)):
                continue
            said = unit.text[lead : lead + len(found.group())]
            issues.append(
                issue(
                    rule,
                    field.name,
                    unit.start,
                    unit.end,
                    f"{quote(unit.text)}: {quote(said)} does not fit {kind_name}.",
                    f"Use a verb that fits: {fitting}.",
                )
            )
    return issues
