"""Strategy use cases, in both persistence modes: versions, review decisions, discard and signals."""

from __future__ import annotations

import threading
import uuid

import pytest

from config import registry
from kernel.errors import InvalidTransition, NotFound, ValidationFailed
from strategy import services
from strategy.domain import RevisionKind, RevisionRequest, StrategyStatus
from strategy.rules import StrategyInvariantError
from strategy.services import (
    CANNOT_APPROVE,
    CANNOT_REJECT,
    NOTES_REQUIRED,
    REJECTED_WITH_OTHER_NOTES,
    REVIEWER_REQUIRED,
    STRATEGY_NOT_FOUND,
    StrategyNotFound,
    strategy_approve,
    strategy_discard,
    strategy_generate,
    strategy_get,
    strategy_list_versions,
    strategy_reject,
    strategy_revoke_approval,
)
from strategy.signals import strategy_decided
from strategy.tests.briefs import goal
from tests.factories import make_brief


@pytest.fixture
def strategies(repo):
    return repo("strategy.documents")


@pytest.fixture
def decisions():
    """Every strategy_decided signal received during the test, as (decision, strategy)."""
    received = []

    def record(sender, *, strategy, decision, **kwargs):
        received.append((decision, strategy))

    strategy_decided.connect(record, weak=False, dispatch_uid="test-strategy-decisions")
    yield received
    strategy_decided.disconnect(dispatch_uid="test-strategy-decisions")


@pytest.fixture
def brief():
    # Awareness as well as leads, so that X serves a goal and runs paid (it takes budget notes can move).
    return make_brief(
        channels=("linkedin", "x", "email"), goals=(goal("leads", "Book demos"), goal("awareness", "Be known"))
    )


def statuses(strategies, brief_id):
    return [(s.version, s.status) for s in strategy_list_versions(brief_id=brief_id, strategies=strategies)]


def fmt(value):
    return f"{value:f}".rstrip("0").rstrip(".")


def share(strategy, channel):
    return next(p.budget_share for p in strategy.channel_plans if p.channel == channel)


def test_generating_again_makes_the_next_version(strategies, brief):
    """Each generation for a brief stores a new draft version, numbered from 1."""
    # given
    run_id = uuid.uuid4()
    # when
    first = strategy_generate(brief=brief, strategies=strategies, run_id=run_id)
    second = strategy_generate(brief=brief, strategies=strategies)
    # then
    assert (first.version, second.version) == (1, 2)
    assert first.status == second.status == StrategyStatus.DRAFT
    assert first.run_id == run_id
    assert second.run_id is None
    assert strategy_get(strategy_id=first.id, strategies=strategies) == first
    assert statuses(strategies, brief.id) == [(1, StrategyStatus.DRAFT), (2, StrategyStatus.DRAFT)]


def test_rerunning_a_run_s_generation_returns_its_draft(strategies, brief):
    """A resumed run generating again gets its own draft back; after a rejection it gets a new version."""
    # given
    run_id = uuid.uuid4()
    first = strategy_generate(brief=brief, strategies=strategies, run_id=run_id)
    # when
    again = strategy_generate(brief=brief, strategies=strategies, run_id=run_id)
    strategy_reject(strategy_id=first.id, by="ana", notes="more linkedin", strategies=strategies)
    after_rejection = strategy_generate(brief=brief, strategies=strategies, run_id=run_id)
    # then
    assert again == first
    assert after_rejection.version == 2
    assert [s.version for s in strategy_list_versions(brief_id=brief.id, strategies=strategies)] == [1, 2]


def test_generation_refuses_a_strategy_that_breaks_the_rules(strategies):
    """A brief the rules cannot plan raises StrategyInvariantError and stores nothing."""
    # given
    brief = make_brief(channels=("tiktok",))
    # when
    with pytest.raises(StrategyInvariantError) as error:
        strategy_generate(brief=brief, strategies=strategies)
    # then
    assert error.value.violations == ["channels[0]: no plan rule for channel 'tiktok'"]
    assert strategy_list_versions(brief_id=brief.id, strategies=strategies) == []


def test_concurrent_generations_get_distinct_versions(settings, brief):
    """Generations racing for one brief each end with their own version number (memory mode)."""
    # given
    settings.AICMO_PERSISTENCE = "memory"
    strategies = registry.repository("strategy.documents")
    start = threading.Barrier(4)
    made = []

    def generate():
        start.wait()
        made.append(strategy_generate(brief=brief, strategies=strategies).version)

    threads = [threading.Thread(target=generate) for _ in range(4)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(made) == [1, 2, 3, 4]
    assert [s.version for s in strategy_list_versions(brief_id=brief.id, strategies=strategies)] == [1, 2, 3, 4]


def test_approving_supersedes_every_older_version(strategies, brief, decisions, django_capture_on_commit_callbacks):
    """Approval records who and when, marks older versions superseded, leaves newer ones alone."""
    # given
    v1 = strategy_generate(brief=brief, strategies=strategies)
    v2 = strategy_generate(brief=brief, strategies=strategies)
    v3 = strategy_generate(brief=brief, strategies=strategies)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        approved = strategy_approve(strategy_id=v2.id, by=" ana ", notes="Go.", strategies=strategies)
    # then
    assert (approved.status, approved.decided_by, approved.decision_notes) == (StrategyStatus.APPROVED, "ana", "Go.")
    assert approved.decided_at is not None
    older = strategy_get(strategy_id=v1.id, strategies=strategies)
    assert (older.status, older.superseded_by, older.status_before_supersede) == (
        StrategyStatus.SUPERSEDED,
        v2.id,
        "draft",
    )
    assert strategy_get(strategy_id=v3.id, strategies=strategies).status == StrategyStatus.DRAFT
    assert decisions == [("approved", approved)]


def test_approving_again_changes_nothing_and_sends_nothing(
    strategies, brief, decisions, django_capture_on_commit_callbacks
):
    """A repeated approval returns the approved version unchanged and sends no second signal."""
    # given
    draft = strategy_generate(brief=brief, strategies=strategies)
    with django_capture_on_commit_callbacks(execute=True):
        approved = strategy_approve(strategy_id=draft.id, by="ana", strategies=strategies)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        again = strategy_approve(strategy_id=draft.id, by="bob", notes="other", strategies=strategies)
    # then
    assert again == approved
    assert strategy_get(strategy_id=draft.id, strategies=strategies) == approved
    assert [d for d, _ in decisions] == ["approved"]


def test_only_drafts_can_be_approved(strategies, brief):
    """Approving a rejected or superseded version is an invalid transition (409)."""
    # given
    rejected = strategy_generate(brief=brief, strategies=strategies)
    strategy_reject(strategy_id=rejected.id, by="ana", notes="less x", strategies=strategies)
    superseded = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(
        strategy_id=strategy_generate(brief=brief, strategies=strategies).id, by="ana", strategies=strategies
    )
    # when / then
    with pytest.raises(InvalidTransition) as on_rejected:
        strategy_approve(strategy_id=rejected.id, by="ana", strategies=strategies)
    with pytest.raises(InvalidTransition) as on_superseded:
        strategy_approve(strategy_id=superseded.id, by="ana", strategies=strategies)
    assert on_rejected.value.message == CANNOT_APPROVE.format(status="superseded")
    assert on_superseded.value.message == CANNOT_APPROVE.format(status="superseded")
    assert on_rejected.value.code == "invalid_state"


def test_approving_a_rejected_version_is_refused(strategies, brief):
    """A rejected version stays rejected."""
    rejected = strategy_generate(brief=brief, strategies=strategies)
    strategy_reject(strategy_id=rejected.id, by="ana", notes="less x", strategies=strategies)
    with pytest.raises(InvalidTransition, match="this one is rejected"):
        strategy_approve(strategy_id=rejected.id, by="ana", strategies=strategies)
    assert strategy_get(strategy_id=rejected.id, strategies=strategies).status == StrategyStatus.REJECTED


def test_rejecting_needs_notes_and_a_reviewer(strategies, brief):
    """Blank notes or reviewer are refused with field errors; the draft is untouched."""
    # given
    draft = strategy_generate(brief=brief, strategies=strategies)
    # when
    with pytest.raises(ValidationFailed) as error:
        strategy_reject(strategy_id=draft.id, by=" ", notes="  \n", strategies=strategies)
    # then
    assert error.value.errors == {"by": [REVIEWER_REQUIRED], "notes": [NOTES_REQUIRED]}
    assert strategy_get(strategy_id=draft.id, strategies=strategies) == draft


def test_rejecting_is_idempotent_and_final(strategies, brief, decisions, django_capture_on_commit_callbacks):
    """The same rejection again changes nothing; other notes or an approved version are refused."""
    # given
    draft = strategy_generate(brief=brief, strategies=strategies)
    with django_capture_on_commit_callbacks(execute=True):
        rejected = strategy_reject(strategy_id=draft.id, by="ana", notes="More LinkedIn", strategies=strategies)
    with django_capture_on_commit_callbacks(execute=True):
        approved = strategy_approve(
            strategy_id=strategy_generate(brief=brief, strategies=strategies).id, by="ana", strategies=strategies
        )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        again = strategy_reject(strategy_id=draft.id, by="ana", notes="More LinkedIn", strategies=strategies)
    # then
    assert again.decision_notes == rejected.decision_notes == "More LinkedIn"
    assert again.decided_at == rejected.decided_at
    assert [d for d, _ in decisions] == ["rejected", "approved"]
    assert decisions[0][1] == rejected
    with pytest.raises(InvalidTransition) as other_notes:
        strategy_reject(strategy_id=draft.id, by="ana", notes="Less X", strategies=strategies)
    assert other_notes.value.message == REJECTED_WITH_OTHER_NOTES
    with pytest.raises(InvalidTransition) as on_approved:
        strategy_reject(strategy_id=approved.id, by="ana", notes="too late", strategies=strategies)
    assert on_approved.value.message == CANNOT_REJECT.format(status="approved")


DONE_WHEN_NOTES = "shift budget to LinkedIn, lead with pillar 2, more formal. Too generic"


def test_the_next_version_applies_the_rejection_and_says_what_changed(strategies, brief):
    """Issue 12's scenario: the notes' phrases become requests the next version applies and lists;
    the free text is recorded as not applied."""
    # given
    v1 = strategy_generate(brief=brief, strategies=strategies)
    # when
    rejected = strategy_reject(strategy_id=v1.id, by="ana", notes=DONE_WHEN_NOTES, strategies=strategies)
    v2 = strategy_generate(brief=brief, strategies=strategies)
    # then
    assert [r.kind for r in rejected.revision_requests] == ["shift_budget", "lead_with_pillar", "tone"]
    assert rejected.decision_notes == DONE_WHEN_NOTES
    assert share(v2, "linkedin") > share(v1, "linkedin")
    assert [p.key for p in v2.pillars] == ["pillar-2", "pillar-1"]
    assert v2.calendar[0].pillar == "pillar-2"
    assert v2.tone == "more formal"
    assert v2.changes == (
        f"Budget shifted towards LinkedIn: {fmt(share(v1, 'linkedin'))}% -> {fmt(share(v2, 'linkedin'))}%",
        f'Pillar 2 ("{v1.pillars[1].name}") now leads',
        "Tone: more formal",
    )
    assert v2.unapplied_notes == ("Too generic",)
    assert v2.addressed_notes == (
        "v1 rejected by ana: requests: shift budget towards LinkedIn; lead with Pillar 2; tone more formal; "
        f'notes: "{DONE_WHEN_NOTES}"',
    )


def test_structured_requests_and_notes_are_kept_apart(strategies, brief):
    """Requests given as data are stored on the rejected version; notes stay the reviewer's words."""
    # given
    v1 = strategy_generate(brief=brief, strategies=strategies)
    drop_x = RevisionRequest(RevisionKind.DROP_CHANNEL, channel="x")
    # when
    rejected = strategy_reject(
        strategy_id=v1.id, by="ana", notes="Shorter headlines", requests=[drop_x], strategies=strategies
    )
    v2 = strategy_generate(brief=brief, strategies=strategies)
    # then
    assert rejected.revision_requests == (drop_x,)
    assert [p.channel for p in v2.channel_plans] == ["linkedin", "email"]
    assert sum(p.budget_share for p in v2.channel_plans) == 100
    assert v2.changes == (
        f"X dropped from the plan (its {fmt(share(v1, 'x'))}% of the budget goes to the other channels)",
    )
    assert v2.unapplied_notes == ("Shorter headlines",)
    assert all(asset.channel != "x" for asset in v2.calendar)


def test_invalid_requests_are_refused_naming_the_field(strategies, brief):
    """A request the version cannot take is a ValidationFailed on requests[i].<field>; nothing changes."""
    # given
    draft = strategy_generate(brief=brief, strategies=strategies)
    bad = [
        RevisionRequest(RevisionKind.SHIFT_BUDGET, channel="facebook", direction="towards"),
        RevisionRequest(RevisionKind.LEAD_WITH_PILLAR, pillar="pillar-9"),
        RevisionRequest(RevisionKind.ADD_KPI, metric="happiness"),
    ]
    # when
    with pytest.raises(ValidationFailed) as error:
        strategy_reject(strategy_id=draft.id, by="ana", requests=bad, strategies=strategies)
    # then
    assert set(error.value.errors) == {"requests[0].channel", "requests[1].pillar", "requests[2].metric"}
    assert "Facebook is not in this version's plan" in error.value.errors["requests[0].channel"][0]
    assert strategy_get(strategy_id=draft.id, strategies=strategies) == draft


def test_requests_of_earlier_rejections_still_stand(strategies, brief):
    """v3 keeps v1's budget shift (it is rebuilt from the brief), adds v2's, and lists both."""
    # given
    v1 = strategy_generate(brief=brief, strategies=strategies)
    strategy_reject(strategy_id=v1.id, by="ana", notes="more budget on LinkedIn", strategies=strategies)
    v2 = strategy_generate(brief=brief, strategies=strategies)
    strategy_reject(strategy_id=v2.id, by="ana", notes="Less budget on X. Bolder.", strategies=strategies)
    # when
    v3 = strategy_generate(brief=brief, strategies=strategies)
    # then
    assert share(v3, "linkedin") > share(v2, "linkedin") > share(v1, "linkedin")
    assert share(v3, "x") < share(v2, "x")
    assert v3.changes[0] == v2.changes[0]
    assert v3.changes[1].startswith("Budget shifted away from X: ")
    assert v3.unapplied_notes == ("Bolder",)
    assert len(v3.addressed_notes) == 2


def test_requests_of_a_rejected_version_outlive_its_supersession(strategies, brief):
    """A rejected version that a later approval superseded still feeds its requests to the next version."""
    # given
    v1 = strategy_generate(brief=brief, strategies=strategies)
    strategy_reject(strategy_id=v1.id, by="ana", notes="shift budget to linkedin", strategies=strategies)
    v2 = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(strategy_id=v2.id, by="ana", strategies=strategies)
    # when
    v3 = strategy_generate(brief=brief, strategies=strategies)
    # then
    v1_now = strategy_get(strategy_id=v1.id, strategies=strategies)
    assert (v1_now.status, v1_now.status_before_supersede) == (StrategyStatus.SUPERSEDED, "rejected")
    assert v3.changes == v2.changes
    assert share(v3, "linkedin") == share(v2, "linkedin")


def test_missing_strategy_is_not_found(strategies):
    """Reading or deciding on an unknown id raises StrategyNotFound (a NotFound)."""
    missing = uuid.uuid4()
    with pytest.raises(StrategyNotFound) as error:
        strategy_get(strategy_id=missing, strategies=strategies)
    assert isinstance(error.value, NotFound)
    assert error.value.message == STRATEGY_NOT_FOUND
    with pytest.raises(StrategyNotFound):
        strategy_approve(strategy_id=missing, by="ana", strategies=strategies)
    with pytest.raises(StrategyNotFound):
        strategy_reject(strategy_id=missing, by="ana", notes="x", strategies=strategies)


def test_discard_deletes_drafts_keeps_rejections_and_reports_missing(strategies, brief):
    """Discarding deletes a draft, keeps a rejected version (the review record), and says so."""
    # given
    draft = strategy_generate(brief=brief, strategies=strategies)
    rejected = strategy_generate(brief=brief, strategies=strategies)
    strategy_reject(strategy_id=rejected.id, by="ana", notes="less x", strategies=strategies)
    # when
    outcomes = [
        strategy_discard(strategy_id=draft.id, strategies=strategies),
        strategy_discard(strategy_id=rejected.id, strategies=strategies),
        strategy_discard(strategy_id=draft.id, strategies=strategies),
    ]
    # then
    assert outcomes == ["deleted", "kept", "missing"]
    assert statuses(strategies, brief.id) == [(2, StrategyStatus.REJECTED)]


def test_discarding_an_approved_version_restores_what_it_superseded(strategies, brief):
    """The versions an approval superseded get their earlier status back when it is discarded."""
    # given
    v1 = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(strategy_id=v1.id, by="ana", strategies=strategies)
    v2 = strategy_generate(brief=brief, strategies=strategies)
    strategy_reject(strategy_id=v2.id, by="ana", notes="less x", strategies=strategies)
    v3 = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(strategy_id=v3.id, by="bob", strategies=strategies)
    assert statuses(strategies, brief.id) == [(1, "superseded"), (2, "superseded"), (3, "approved")]
    # when
    outcome = strategy_discard(strategy_id=v3.id, strategies=strategies)
    # then
    assert outcome == "deleted"
    assert statuses(strategies, brief.id) == [(1, StrategyStatus.APPROVED), (2, StrategyStatus.REJECTED)]
    restored = strategy_get(strategy_id=v1.id, strategies=strategies)
    assert (restored.superseded_by, restored.status_before_supersede, restored.decided_by) == (None, "", "ana")


def test_discarding_a_superseded_approval_hands_its_predecessors_to_the_newer_one(strategies, brief):
    """When the discarded version was itself superseded, what it superseded stays superseded by the newer one."""
    # given
    v1 = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(strategy_id=v1.id, by="ana", strategies=strategies)
    v2 = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(strategy_id=v2.id, by="ana", strategies=strategies)
    v3 = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(strategy_id=v3.id, by="ana", strategies=strategies)
    # when
    strategy_discard(strategy_id=v2.id, strategies=strategies)
    strategy_discard(strategy_id=v3.id, strategies=strategies)
    # then
    assert statuses(strategies, brief.id) == [(1, StrategyStatus.APPROVED)]


def test_revoking_an_approval_returns_the_draft_and_restores_predecessors(strategies, brief):
    """Revoking undoes an approval (and what it superseded); it is idempotent."""
    # given
    v1 = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(strategy_id=v1.id, by="ana", strategies=strategies)
    v2 = strategy_generate(brief=brief, strategies=strategies)
    strategy_approve(strategy_id=v2.id, by="auto", strategies=strategies)
    # when
    outcomes = [
        strategy_revoke_approval(strategy_id=v2.id, strategies=strategies),
        strategy_revoke_approval(strategy_id=v2.id, strategies=strategies),
        strategy_revoke_approval(strategy_id=uuid.uuid4(), strategies=strategies),
    ]
    # then
    assert outcomes == ["revoked", "not_approved", "missing"]
    assert statuses(strategies, brief.id) == [(1, StrategyStatus.APPROVED), (2, StrategyStatus.DRAFT)]
    revoked = strategy_get(strategy_id=v2.id, strategies=strategies)
    assert (revoked.decided_by, revoked.decided_at, revoked.decision_notes) == ("", None, "")


def test_the_decision_signal_waits_for_the_commit(strategies, brief, decisions, django_capture_on_commit_callbacks):
    """Inside a transaction, strategy_decided is sent only once the transaction commits."""
    # given
    draft = strategy_generate(brief=brief, strategies=strategies)
    # when
    with django_capture_on_commit_callbacks(execute=True), strategies.atomic():
        strategy_approve(strategy_id=draft.id, by="ana", strategies=strategies)
        sent_inside = list(decisions)
    # then
    assert sent_inside == []
    assert [(d, s.id) for d, s in decisions] == [("approved", draft.id)]


def test_no_signal_when_the_transaction_rolls_back(strategies, brief, decisions, django_capture_on_commit_callbacks):
    """A decision rolled back with its transaction is neither stored nor announced."""
    # given
    draft = strategy_generate(brief=brief, strategies=strategies)

    def reject_then_fail():
        with strategies.atomic():
            strategy_reject(strategy_id=draft.id, by="ana", notes="less x", strategies=strategies)
            raise RuntimeError("a later write failed")

    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        reject_then_fail()
    # then
    assert decisions == []
    assert strategy_get(strategy_id=draft.id, strategies=strategies).status == StrategyStatus.DRAFT


def test_services_module_exports_its_public_use_cases():
    """The public surface other contexts use is listed in __all__ and importable."""
    for name in services.__all__:
        assert callable(getattr(services, name))
