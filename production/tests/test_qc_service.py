"""QC use cases in both persistence modes: results stored, latest wins, the run gate and its error message."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from kernel.errors import NotFound, PermanentStepError
from production.qc.service import (
    DRAFT_NOT_FOUND,
    QCFailed,
    qc_check_run,
    qc_discard_run,
    qc_evaluate_draft,
    qc_require_pass,
    qc_results_for_run,
)
from tests.factories import make_brief, make_draft, make_strategy

BANNED_BODY = "Crème Box: cheap and cheerful. Order yours today."
BEST_BODY = "The best Crème Box in Paris. Order yours today."


@pytest.fixture
def stores(repo):
    return repo("production.drafts"), repo("production.qc")


def _run(drafts, *bodies):
    """Store one Instagram draft per body in a new run; the stored drafts in slot order."""
    run_id = uuid.uuid4()
    made = [make_draft(run_id=run_id, slot=slot, body=body) for slot, body in enumerate(bodies, start=1)]
    return run_id, drafts.save_many(made)


def test_check_run_stores_a_result_per_draft(stores):
    """Every draft of the run gets a stored result, readable in the order of the drafts."""
    # given
    drafts, qc_results = stores
    run_id, made = _run(drafts, make_draft().body, BEST_BODY)
    _other_run, _ = _run(drafts, BANNED_BODY)

    # when
    run_qc = qc_check_run(run_id=run_id, brief=make_brief(), drafts=drafts, qc_results=qc_results)

    # then
    stored = qc_results_for_run(run_id=run_id, qc_results=qc_results)
    assert [r.draft_id for r in stored] == [d.id for d in made]
    assert stored == list(run_qc.results)
    assert [i.rule_id for i in stored[1].issues] == ["claims.superlative"]
    assert run_qc.passed


def test_rechecking_a_draft_replaces_its_result(stores, settings):
    """After a fix, re-evaluating one draft replaces its earlier result (latest wins) and the run passes."""
    # given
    drafts, qc_results = stores
    brief = make_brief()
    run_id, (clean, failing) = _run(drafts, make_draft().body, BANNED_BODY)
    first = qc_check_run(run_id=run_id, brief=brief, drafts=drafts, qc_results=qc_results)
    fixed = dataclasses.replace(failing, body="Crème Box: fresh and cheerful. Order yours today.")
    drafts.save_many([fixed])

    # when
    result = qc_evaluate_draft(draft_id=failing.id, brief=brief, drafts=drafts, qc_results=qc_results)

    # then
    assert not first.passed
    assert result.passed
    assert result.issues == ()
    assert result.threshold == settings.AICMO_QC_THRESHOLD
    assert qc_results.get_for_draft(failing.id) == result
    stored = qc_results_for_run(run_id=run_id, qc_results=qc_results)
    assert [r.draft_id for r in stored] == [clean.id, failing.id]
    assert all(r.passed for r in stored)


def test_run_fails_when_one_draft_fails_and_the_error_names_it(stores):
    """One failing draft fails the run; QCFailed names its key and its critical and major issues with spans."""
    # given
    drafts, qc_results = stores
    run_id, (clean, failing, claimed) = _run(drafts, make_draft().body, BANNED_BODY, BEST_BODY)

    # when
    run_qc = qc_check_run(run_id=run_id, brief=make_brief(), drafts=drafts, qc_results=qc_results)
    with pytest.raises(QCFailed) as caught:
        qc_require_pass(run_qc)

    # then
    assert not run_qc.passed
    assert [r.draft_id for r in run_qc.failing] == [failing.id]
    message = caught.value.message
    assert message.startswith("QC failed for 1 of 3 drafts. ")
    assert f"{failing.key} (score" in message
    assert "terms.banned 'cheap' in body ('Crème Box: cheap and cheerful. Order yours...')" in message
    assert clean.key not in message
    assert claimed.key not in message
    assert isinstance(caught.value, PermanentStepError)
    assert caught.value.run_qc == run_qc


def test_require_pass_returns_a_passing_run(stores):
    """A run whose drafts all pass goes through the gate unchanged."""
    # given
    drafts, qc_results = stores
    run_id, _ = _run(drafts, make_draft().body)
    run_qc = qc_check_run(run_id=run_id, brief=make_brief(), drafts=drafts, qc_results=qc_results)

    # when
    gated = qc_require_pass(run_qc)

    # then
    assert gated is run_qc


def test_threshold_defaults_to_the_setting(stores, settings):
    """Without a threshold the setting decides: at 101 even a perfect draft fails; an explicit one overrides."""
    # given
    drafts, qc_results = stores
    settings.AICMO_QC_THRESHOLD = 101
    run_id, _ = _run(drafts, make_draft().body)

    # when
    by_setting = qc_check_run(run_id=run_id, brief=make_brief(), drafts=drafts, qc_results=qc_results)
    explicit = qc_check_run(run_id=run_id, brief=make_brief(), drafts=drafts, qc_results=qc_results, threshold=80)

    # then
    assert [(r.score, r.threshold, r.passed) for r in by_setting.results] == [(100.0, 101, False)]
    assert [(r.threshold, r.passed) for r in explicit.results] == [(80, True)]
    assert [r.threshold for r in qc_results_for_run(run_id=run_id, qc_results=qc_results)] == [80]


def test_discard_run_deletes_its_results_and_is_idempotent(stores):
    """The compensation deletes the run's results (not another run's) and can run twice."""
    # given
    drafts, qc_results = stores
    run_id, _ = _run(drafts, make_draft().body, BEST_BODY)
    other_run, _ = _run(drafts, make_draft().body)
    for run in (run_id, other_run):
        qc_check_run(run_id=run, brief=make_brief(), drafts=drafts, qc_results=qc_results)

    # when
    deleted = qc_discard_run(run_id=run_id, qc_results=qc_results)
    again = qc_discard_run(run_id=run_id, qc_results=qc_results)

    # then
    assert (deleted, again) == (2, 0)
    assert qc_results_for_run(run_id=run_id, qc_results=qc_results) == []
    assert len(qc_results_for_run(run_id=other_run, qc_results=qc_results)) == 1


def test_evaluating_a_missing_draft_is_not_found(stores):
    """Re-evaluating a draft that does not exist raises NotFound with the module's message."""
    # given
    drafts, qc_results = stores
    missing = uuid.uuid4()

    # when / then
    with pytest.raises(NotFound) as caught:
        qc_evaluate_draft(draft_id=missing, brief=make_brief(), drafts=drafts, qc_results=qc_results)
    assert caught.value.message == DRAFT_NOT_FOUND.format(draft_id=missing)


def test_evaluating_one_draft_still_checks_its_run_for_duplicates(stores):
    """A single re-evaluation compares the draft with the rest of its run."""
    # given
    drafts, qc_results = stores
    body = "Crème Box brings commuters a warm croissant and a proper coffee every weekday morning. Order yours today."
    _run_id, (first, _second) = _run(drafts, body, body)

    # when
    result = qc_evaluate_draft(draft_id=first.id, brief=make_brief(), drafts=drafts, qc_results=qc_results)

    # then
    assert {i.rule_id for i in result.issues} == {"duplicate", "copy.repeated_sentence", "copy.same_opening"}
    assert all(_second.key in i.message for i in result.issues)
    assert qc_results.get_for_draft(first.id) == result


def test_the_strategys_tactics_are_planning_notes(stores):
    """Given the run's strategy, a draft that prints one of its tactics fails QC naming the tactics."""
    # given
    drafts, qc_results = stores
    brief = make_brief()
    strategy = make_strategy(brief)
    tactic = strategy.channel_plans[0].tactics[0]
    body = f"Crème Box: {tactic.lower()}. Order yours today."
    run_id, _ = _run(drafts, body)

    # when
    with_strategy = qc_check_run(run_id=run_id, brief=brief, drafts=drafts, qc_results=qc_results, strategy=strategy)
    without = qc_check_run(run_id=run_id, brief=brief, drafts=drafts, qc_results=qc_results)

    # then
    [leak] = [i for i in with_strategy.results[0].issues if i.rule_id == "copy.internal_leak"]
    assert leak.message == (
        f"'{tactic.lower()}' comes from the strategy's tactics: a planning note, not copy for the audience."
    )
    assert not with_strategy.passed
    assert [i.rule_id for i in without.results[0].issues] == []
