"""QC rules by family, each registered together with its check (see `base.register`).

Importing this package imports every family, in the order below, which is the order rules run
and are listed in; `RULES` and `RULES_BY_ID` are the registry once they are all in.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from kernel import channels
from production.qc.rules import (  # noqa: F401 (imported to register their rules)
    claims,
    compliance,
    cta,
    duplicates,
    email,
    hashtags,
    length,
    links,
    readability,
    seams,
    terms,
)
from production.qc.rules.base import (
    RULESET_VERSION,
    Context,
    Memo,
    Rule,
    RunDrafts,
    TextField,
    context_for,
    register,
    registered,
    ruleset_digest,
    text_fields,
    word_count,
)

__all__ = [
    "RULES",
    "RULESET_VERSION",
    "RULES_BY_ID",
    "SEAM_RULES",
    "Context",
    "Memo",
    "Rule",
    "RunDrafts",
    "TextField",
    "context_for",
    "register",
    "ruleset_version",
    "text_fields",
    "word_count",
]

RULES: tuple[Rule, ...] = registered()
# The rules that catch a template's seams (issue 11): the writer's own tests run these over every
# asset of every example brief and expect no finding.
SEAM_RULES: tuple[str, ...] = (
    "copy.truncated",
    "copy.internal_leak",
    "copy.meta_label",
    "copy.markup_dump",
    "copy.repeated_sentence",
    "copy.same_opening",
    "copy.praise_as_pain",
    "copy.pasted_clause",
    "email.subject_equals_preheader",
    "email.duplicate_subject",
    "offer.expired",
    "terms.banned",
    "markup.unsafe",
    "hashtags.invented",
    "disclosure.unpaid",
    "cta.product_kind",
)
RULES_BY_ID: Mapping[str, Rule] = MappingProxyType({r.id: r for r in RULES})


@cache
def ruleset_version() -> str:
    """The version stored with each result: these rules and their data, and the channel limits."""
    return f"{RULESET_VERSION}-{ruleset_digest(RULES)}+{channels.LIMITS_VERSION}"
