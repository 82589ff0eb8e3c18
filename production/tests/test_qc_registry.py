"""The QC registry: a rule exists only with its check, ids are unique, and the recorded version follows the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from production.domain import Severity
from production.qc.engine import evaluate_draft
from production.qc.rules import RULES, RULES_BY_ID, ruleset_version
from production.qc.rules.base import DUPLICATE_RULE, issue, register, registered, ruleset_digest, unregister
from tests.factories import make_brief, make_draft

NOW = dt.datetime(2027, 1, 3, 12, 0, tzinfo=dt.UTC)


def test_every_rule_carries_its_check_and_a_unique_id():
    """Each registered rule has a callable check, a severity, a category and a description; ids are unique."""
    # when
    ids = [r.id for r in RULES]

    # then
    assert len(ids) == len(set(ids)) == len(RULES_BY_ID)
    assert all(callable(r.check) and r.description and r.category for r in RULES)
    assert {r.severity for r in RULES} <= set(Severity)


def test_registering_an_id_twice_is_refused():
    """A second check for "terms.banned" is a configuration error naming both functions."""

    # given
    def another_check(rule, ctx):
        return []

    # when
    with pytest.raises(ImproperlyConfigured) as raised:
        register("terms.banned", Severity.MINOR, "terms", "A second banned-terms rule.")(another_check)

    # then
    assert str(raised.value) == DUPLICATE_RULE.format(
        rule_id="terms.banned",
        first="production.qc.rules.terms.check_banned_terms",
        second=f"{__name__}.test_registering_an_id_twice_is_refused.<locals>.another_check",
    )
    assert RULES_BY_ID["terms.banned"].check.__name__ == "check_banned_terms"


def test_a_registered_rule_is_applied_by_the_engine():
    """Registering a check is all it takes for the engine to run it and count it."""

    # given
    @register("test.exclamation", Severity.MINOR, "format", "No exclamation marks.", channels={"instagram"})
    def check_exclamation(rule, ctx):
        at = ctx.draft.body.find("!")
        return [issue(rule, "body", at, at + 1, "'!' is shouting.")] if at >= 0 else []

    draft = make_draft(body="Crème Box, fresh every morning! Order yours today.")
    try:
        # when
        result = evaluate_draft(draft, make_brief(), threshold=80, now=NOW)
        other_channel = make_draft(channel="blog", asset_type="blog_article")
        blog = evaluate_draft(other_channel, make_brief(), threshold=80, now=NOW)
    finally:
        unregister("test.exclamation")

    # then
    [found] = [i for i in result.issues if i.rule_id == "test.exclamation"]
    assert (found.field, found.message) == ("body", "'!' is shouting.")
    assert "test.exclamation" not in {i.rule_id for i in blog.issues}
    assert "test.exclamation" not in {r.id for r in registered()}


def test_the_recorded_version_changes_with_the_rules():
    """The digest in the version covers each rule's severity: changing one changes the version."""
    # given
    import dataclasses

    changed = [dataclasses.replace(r, severity=Severity.MINOR) if r.id == "terms.banned" else r for r in RULES]

    # when / then
    assert ruleset_digest(changed) != ruleset_digest(RULES)
    assert ruleset_digest(RULES) in ruleset_version()


def test_every_product_kind_has_a_name_in_messages():
    """cta.product_kind names each product kind in its messages ("does not fit a venue")."""
    # given
    from kernel.vocabulary import PRODUCT_KINDS
    from production.qc.rules.cta import KIND_NAMES

    # when / then
    assert set(KIND_NAMES) == set(PRODUCT_KINDS)
