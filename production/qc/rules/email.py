"""E-mail: the sender's address and an opt-out, a preheader that adds to the subject, and a
different subject for every e-mail of a run."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping

from production.domain import QCIssue, Severity
from production.qc.rules.base import (
    Context,
    Rule,
    RunDrafts,
    end_of,
    field_named,
    issue,
    load_data,
    loose_key,
    quote,
    register,
)

_DATA = load_data("email")
OPT_OUT = re.compile(_DATA["opt_out"], re.IGNORECASE)
EMAIL = frozenset({"email"})


@register(
    "email.compliance",
    Severity.CRITICAL,
    "compliance",
    "A commercial e-mail carries a postal address and an opt-out.",
    channels=EMAIL,
)
def check_email_compliance(rule: Rule, ctx: Context) -> list[QCIssue]:
    field, at = end_of(ctx, "footer", "body")
    issues = []
    address = ctx.brief.client.postal_address.strip()
    if not address:
        issues.append(
            issue(
                rule,
                field,
                at,
                at,
                "A commercial e-mail must carry the sender's postal address, and the brief has none.",
                "Add the client's postal address to the brief.",
            )
        )
    elif not any(loose_key(address) in loose_key(f.text) for f in ctx.texts):
        issues.append(
            issue(
                rule,
                field,
                at,
                at,
                f"A commercial e-mail must carry the sender's postal address ({quote(address)}).",
                address,
            )
        )
    if not any(OPT_OUT.search(f.text) for f in ctx.texts):
        issues.append(
            issue(
                rule,
                field,
                at,
                at,
                "A commercial e-mail must offer a way to opt out.",
                "Unsubscribe at any time with one click.",
            )
        )
    return issues


@register(
    "email.subject_equals_preheader",
    Severity.MAJOR,
    "format",
    "The preheader adds to the subject; it never repeats it.",
    channels=EMAIL,
)
def check_subject_and_preheader(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    subject, preheader = field_named(ctx, "subject"), field_named(ctx, "preheader")
    if subject is None or preheader is None or not subject.text.strip() or not preheader.text.strip():
        return None
    said, added = loose_key(subject.text), loose_key(preheader.text)
    if said == added:
        message = f"The preheader repeats the subject word for word ({quote(preheader.text)})."
    elif f" {said} " in f" {added} " or f" {added} " in f" {said} ":
        message = f"The preheader {quote(preheader.text)} repeats the subject {quote(subject.text)}."
    else:
        return []
    return [
        issue(
            rule,
            "preheader",
            0,
            len(preheader.text),
            message,
            "Write a preheader that adds a second reason to open: a detail, a number, the offer.",
        )
    ]


def _subjects(run: RunDrafts) -> Mapping[str, list[str]]:
    """Draft keys of the run's e-mails by subject (compared loosely)."""
    by_subject: dict[str, list[str]] = defaultdict(list)
    for draft in run.drafts:
        if draft.channel != "email":
            continue
        subject = draft.fields.get("subject")
        if isinstance(subject, str) and subject.strip():
            by_subject[loose_key(subject)].append(draft.key)
    return by_subject


@register(
    "email.duplicate_subject",
    Severity.MAJOR,
    "originality",
    "Every e-mail of a run has its own subject.",
    channels=EMAIL,
    run_level=True,
)
def check_duplicate_subject(rule: Rule, ctx: Context) -> list[QCIssue] | None:
    if ctx.run is None:
        return None
    subject = field_named(ctx, "subject")
    if subject is None or not subject.text.strip():
        return []
    others = [k for k in ctx.run.get(_subjects).get(loose_key(subject.text), []) if k != ctx.draft.key]
    if not others:
        return []
    return [
        issue(
            rule,
            "subject",
            0,
            len(subject.text),
            f"The subject {quote(subject.text)} is also the subject of {', '.join(sorted(others))}.",
            "Give each e-mail a subject of its own.",
        )
    ]
