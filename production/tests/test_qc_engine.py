"""The QC engine: scoring, the pass/fail gate, rule counts, run-level duplicates and the run summary."""

from __future__ import annotations

import datetime as dt

import pytest

from kernel.channels import LIMITS_VERSION
from production.domain import Severity
from production.qc.engine import RUN_PASSED, evaluate_draft, evaluate_run
from production.qc.rules import RULESET_VERSION, ruleset_version
from tests.factories import make_brief, make_draft

NOW = dt.datetime(2027, 1, 3, 12, 0, tzinfo=dt.UTC)
LONG_BODY = " ".join(
    f"Crème Box morning {n}: warm bread, fresh fruit and coffee for the {n}th train." for n in range(1, 26)
)
SHARED = (
    "Crème Box brings commuters a warm croissant, seasonal fruit and a proper coffee every weekday "
    "morning, packed at dawn by the Zoë Café bakers and ready at the counter near your station "
    "before the first train leaves, so breakfast never waits for you"
)


def test_clean_draft_scores_100_and_passes_every_applied_rule():
    """No issues: score 100, passed, rules passed equal rules applied."""
    # given
    draft = make_draft()

    # when
    result = evaluate_draft(draft, make_brief(), threshold=80, now=NOW)

    # then
    assert (result.score, result.passed) == (100.0, True)
    assert result.rules_passed == result.rules_applied == 20
    assert result.ruleset_version == ruleset_version()
    assert result.ruleset_version.startswith(RULESET_VERSION)
    assert result.ruleset_version.endswith(f"+{LIMITS_VERSION}")
    assert (result.threshold, result.evaluated_at, result.draft_id, result.run_id) == (80, NOW, draft.id, draft.run_id)


def test_score_follows_writers_formula_per_category():
    """One minor issue in 18 words: terms scores 0.24/(0.24+0.5), averaged with five clean categories
    (format, compliance, claims, seams, safety)."""
    # given
    draft = make_draft(body="Utilize your commute: the Crème Box. Order yours today.")
    units = 18 / 75
    expected = round((5 * 100 + 100 * units / (units + 0.5)) / 6, 1)

    # when
    result = evaluate_draft(draft, make_brief(), threshold=80, now=NOW)

    # then
    assert [i.rule_id for i in result.issues] == ["terms.preferred"]
    assert result.score == expected == 88.7
    assert (result.rules_applied, result.rules_passed) == (20, 19)
    assert result.passed


def test_threshold_decides_when_there_is_no_critical_issue():
    """The same 88.7 passes a threshold of 80 and fails one of 90."""
    # given
    draft = make_draft(body="Utilize your commute: the Crème Box. Order yours today.")

    # when
    lenient = evaluate_draft(draft, make_brief(), threshold=80, now=NOW)
    strict = evaluate_draft(draft, make_brief(), threshold=90, now=NOW)

    # then
    assert lenient.score == strict.score == 88.7
    assert (lenient.passed, strict.passed) == (True, False)
    assert strict.threshold == 90


def test_a_critical_issue_scores_below_the_threshold():
    """One banned word in a 400-word post halves a score that would otherwise be 98: it lands below 50."""
    # given
    draft = make_draft(body=LONG_BODY + " Not cheap, just good. Order yours today.")

    # when
    result = evaluate_draft(draft, make_brief(), threshold=80, now=NOW)

    # then
    assert [i.rule_id for i in result.issues if i.severity is Severity.CRITICAL] == ["terms.banned"]
    assert 45 < result.score < 50 < result.threshold
    assert not result.passed


def test_scores_spread_with_quality():
    """A clean post, a post with two major slips and a minor one, and a post with a critical issue
    rank in that order, each clearly apart."""
    # given
    clean = make_draft(body="Crème Box: a warm croissant and a proper coffee at your station. Order yours today.")
    sloppy = make_draft(body="Utilize the best Crème Box in Paris, guaranteed warm at your station. Order yours today.")
    broken = make_draft(body="Crème Box: cheap croissants at your station. Order yours today.")

    # when
    scores = [evaluate_draft(d, make_brief(), threshold=80, now=NOW) for d in (clean, sloppy, broken)]

    # then
    assert [len(r.issues) for r in scores] == [0, 3, 1]
    good, middling, bad = (r.score for r in scores)
    assert good == 100.0
    assert good - middling >= 10
    assert middling - bad >= 25
    assert bad < 50
    assert [r.passed for r in scores] == [True, False, False]


def test_more_issues_lower_the_score():
    """Adding a major issue to a draft with a minor one lowers its score."""
    # given
    minor_only = make_draft(body="Utilize your commute: the Crème Box. Order yours today.")
    minor_and_major = make_draft(body="Utilize your commute: the best Crème Box. Order yours today.")

    # when
    one = evaluate_draft(minor_only, make_brief(), threshold=80, now=NOW)
    two = evaluate_draft(minor_and_major, make_brief(), threshold=80, now=NOW)

    # then
    assert len(two.issues) == 2
    assert two.score < one.score


def test_issues_come_in_reading_order():
    """Issues are ordered by field (title, body, then fields) and position."""
    # given
    draft = make_draft(title="The best box", body="Utilize it: Crème Box, guaranteed. Order yours today.")

    # when
    result = evaluate_draft(draft, make_brief(), threshold=80, now=NOW)

    # then
    assert [(i.field, i.rule_id) for i in result.issues] == [
        ("title", "claims.superlative"),
        ("body", "terms.preferred"),
        ("body", "claims.absolute"),
    ]


def test_near_duplicates_in_one_run_are_flagged_on_both_drafts():
    """Two Instagram posts sharing most phrases each name the other; a distinct post and a cross-post do not."""
    # given
    run_id = make_draft().run_id
    first = make_draft(run_id=run_id, slot=1, body=SHARED + ".")
    second = make_draft(run_id=run_id, slot=2, body=SHARED + ". Order yours today.")
    distinct = make_draft(run_id=run_id, slot=3)
    cross_post = make_draft(run_id=run_id, slot=1, channel="facebook", asset_type="facebook_post", body=SHARED + ".")

    # when
    run = evaluate_run([first, second, distinct, cross_post], make_brief(), threshold=80, now=NOW)

    # then
    by_draft = {r.draft_id: [i for i in r.issues if i.rule_id == "duplicate"] for r in run.results}
    [first_dup] = by_draft[first.id]
    [second_dup] = by_draft[second.id]
    assert second.key in first_dup.message
    assert first.key in second_dup.message
    assert first_dup.severity is Severity.MAJOR
    assert (first_dup.field, first_dup.start, first_dup.end) == ("body", 0, len(first.body))
    assert by_draft[distinct.id] == []
    assert by_draft[cross_post.id] == []


def test_duplicate_rule_applies_only_within_a_run():
    """Evaluated alone, a draft is not checked against a run; in a run it is (duplicate, repeated
    sentences and openings: three more rules applied)."""
    # given
    draft = make_draft()

    # when
    alone = evaluate_draft(draft, make_brief(), threshold=80, now=NOW)
    in_run = evaluate_draft(draft, make_brief(), threshold=80, now=NOW, siblings=[draft])

    # then
    assert in_run.rules_applied == alone.rules_applied + 3
    assert in_run.rules_passed == in_run.rules_applied


def test_run_passes_only_when_every_draft_passes_and_summary_names_the_failures():
    """A run with one failing draft fails; the summary names that draft and its critical issues with spans."""
    # given
    run_id = make_draft().run_id
    clean = make_draft(run_id=run_id, slot=1)
    body = "Crème Box: cheap and cheerful. Order yours today."
    failing = make_draft(run_id=run_id, slot=2, body=body)

    # when
    run = evaluate_run([clean, failing], make_brief(), threshold=80, now=NOW)
    passing_run = evaluate_run([clean], make_brief(), threshold=80, now=NOW)

    # then
    assert not run.passed
    assert [r.draft_id for r in run.results] == [clean.id, failing.id]
    assert [r.draft_id for r in run.failing] == [failing.id]
    summary = run.summary()
    assert summary == (
        f"QC failed for 1 of 2 drafts. {failing.key} (score {run.failing[0].score:g}, threshold 80): "
        "terms.banned 'cheap' in body ('Crème Box: cheap and cheerful. Order yours...')."
    )
    assert clean.key not in summary
    assert passing_run.passed
    assert passing_run.failing == ()
    assert passing_run.summary() == RUN_PASSED.format(total=1)


def test_evaluation_is_deterministic():
    """The same drafts, brief and time give equal results, ids included; another time gives new ids."""
    # given
    drafts = [make_draft(body="Utilize the Crème Box. Order yours today.")]
    brief = make_brief()

    # when
    once = evaluate_run(drafts, brief, threshold=80, now=NOW)
    again = evaluate_run(drafts, brief, threshold=80, now=NOW)
    later = evaluate_run(drafts, brief, threshold=80, now=NOW + dt.timedelta(minutes=1))

    # then
    assert once.results == again.results
    assert once.results[0].id != later.results[0].id


@pytest.mark.parametrize("threshold", [0, 100])
def test_critical_issue_fails_even_at_threshold_zero(threshold):
    """A placeholder fails the draft at any threshold."""
    # given
    draft = make_draft(body="Crème Box for {{first_name}}. Order yours today.")

    # when
    result = evaluate_draft(draft, make_brief(), threshold=threshold, now=NOW)

    # then
    assert not result.passed
