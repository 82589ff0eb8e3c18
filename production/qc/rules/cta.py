"""Calls to action: e-mails and ads ask for one action, with a verb that fits the product."""

from __future__ import annotations

import re

from production.domain import QCIssue, Severity
from production.qc.rules.base import Context, Rule, issue, load_data, quote, register

_DATA = load_data("cta")
CTA_VERBS = frozenset(_DATA["cta_verbs"])
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
