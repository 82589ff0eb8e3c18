"""Claims: superlatives and absolutes the brief does not substantiate, health and financial promises."""

from __future__ import annotations

import re
from collections.abc import Sequence

from kernel.text import find_terms, folded_matches
from production.domain import QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    TextField,
    clean_terms,
    in_url,
    issue,
    load_data,
    presence_key,
    quote,
    register,
)

_DATA = load_data("claims")


# Where two kinds match the same words, the first wins: "guaranteed returns" is a financial promise.
KINDS = ("finance", "health", "absolutes", "superlatives")
# One pattern for the four kinds, over folded (lower-case) text: a draft is scanned once.
CLAIMS = re.compile(r"(?<![\w#])(?:" + "|".join(f"(?P<{kind}>{'|'.join(_DATA[kind])})" for kind in KINDS) + r")(?!\w)")


def claim_hits(ctx: Context) -> dict[str, list[tuple[TextField, int, int, str]]]:
    """The draft's claims by kind, each as (field, start, end, words), outside links and URLs."""
    found: dict[str, list[tuple[TextField, int, int, str]]] = {kind: [] for kind in KINDS}
    for match, start, end in folded_matches(CLAIMS, ctx.doc.text):
        field, start, end = ctx.doc.locate(start, end)
        if field.is_copy and not in_url(field, start, end):
            found[match.lastgroup].append((field, start, end, field.text[start:end]))
    return found


def _substantiated(field: TextField, start: int, end: int, claims: Sequence[str]) -> bool:
    """A claim is allowed when the brief lists it, or lists a phrase around it that the text uses."""
    said = presence_key(field.text[start:end])
    if any(presence_key(claim) == said for claim in claims):
        return True
    return any(h.start <= start and end <= h.end for h in find_terms(field.text, claims))


def _claims(rule: Rule, ctx: Context, kind: str, message: str, *, substantiable: bool) -> list[QCIssue]:
    claims = clean_terms(ctx.brief.brand.substantiated_claims) if substantiable else []
    issues = []
    for field, start, end, words in ctx.local.get(claim_hits)[kind]:
        if claims and _substantiated(field, start, end, claims):
            continue
        issues.append(
            issue(
                rule,
                field.name,
                start,
                end,
                message.format(claim=quote(words)),
                "Remove it, or add the evidence to the brief's substantiated claims."
                if substantiable
                else "Remove it.",
            )
        )
    return issues


@register("claims.superlative", Severity.MAJOR, "claims", "No unsubstantiated superlatives (best, #1, leading...).")
def check_superlatives(rule: Rule, ctx: Context) -> list[QCIssue]:
    message = "{claim} is a superlative claim the brief does not substantiate."
    return _claims(rule, ctx, "superlatives", message, substantiable=True)


@register("claims.absolute", Severity.MAJOR, "claims", "No unsubstantiated absolutes (guaranteed, 100%, risk-free...).")
def check_absolutes(rule: Rule, ctx: Context) -> list[QCIssue]:
    message = "{claim} is an absolute claim the brief does not substantiate."
    return _claims(rule, ctx, "absolutes", message, substantiable=True)


@register("claims.health", Severity.CRITICAL, "claims", "No health claims (cures, clinically proven...).")
def check_health_claims(rule: Rule, ctx: Context) -> list[QCIssue]:
    return _claims(rule, ctx, "health", "{claim} is a health claim advertising rules forbid.", substantiable=False)


@register("claims.finance", Severity.CRITICAL, "claims", "No financial promises (guaranteed returns, get rich...).")
def check_finance_claims(rule: Rule, ctx: Context) -> list[QCIssue]:
    return _claims(
        rule, ctx, "finance", "{claim} is a financial promise advertising rules forbid.", substantiable=False
    )
