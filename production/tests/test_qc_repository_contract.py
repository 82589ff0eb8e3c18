"""Contract: both QC result repositories behave the same (run once per persistence mode)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from kernel.errors import Conflict, DuplicateError
from production.domain import QCIssue, Severity
from production.repositories import ResultDraftMissing
from tests.factories import make_draft, make_qc_result


@pytest.fixture
def drafts(repo):
    return repo("production.drafts")


@pytest.fixture
def qc(repo):
    return repo("production.qc")


def _issue(rule_id: str, severity: Severity = Severity.MAJOR) -> QCIssue:
    return QCIssue(rule_id=rule_id, severity=severity, message=f"{rule_id} ✗ Zoë", field="body", start=0, end=4)


def test_round_trip_keeps_issues_in_order(drafts, qc):
    """A stored result comes back equal, its issues in the order they were given."""
    # given
    [draft] = drafts.save_many([make_draft()])
    issues = tuple(_issue(rule) for rule in ("z.last", "a.first", "m.middle"))
    result = make_qc_result(draft, issues=issues, passed=False, score=41.25)
    # when
    [saved] = qc.save_many([result])
    # then
    assert saved == result
    assert qc.get_for_draft(draft.id) == result
    assert [i.rule_id for i in qc.get_for_draft(draft.id).issues] == ["z.last", "a.first", "m.middle"]
    assert qc.get_for_draft(draft.id).issues[0].severity is Severity.MAJOR


def test_result_without_issues(drafts, qc):
    """A clean result stores and loads with an empty issue tuple."""
    [draft] = drafts.save_many([make_draft()])
    qc.save_many([make_qc_result(draft, issues=())])
    assert qc.get_for_draft(draft.id).issues == ()


def test_missing_result_is_none(qc):
    """A draft without a result gives None."""
    assert qc.get_for_draft(uuid.uuid4()) is None


def test_latest_result_replaces_the_earlier_one_entirely(drafts, qc):
    """Saving a new result for a draft replaces the old one, its id and all its issues."""
    # given
    [draft] = drafts.save_many([make_draft()])
    first = make_qc_result(draft, issues=(_issue("a"), _issue("b")), passed=False)
    qc.save_many([first])
    # when
    latest = make_qc_result(draft, issues=(_issue("c", Severity.MINOR),), score=97.0)
    qc.save_many([latest])
    # then
    stored = qc.get_for_draft(draft.id)
    assert stored == latest
    assert stored.id != first.id
    assert [i.rule_id for i in stored.issues] == ["c"]
    assert len(qc.list_for_run(draft.run_id)) == 1


def test_saving_the_same_result_twice_is_idempotent(drafts, qc):
    """Re-saving one result (a retried QC step) leaves exactly that result."""
    [draft] = drafts.save_many([make_draft()])
    result = make_qc_result(draft, issues=(_issue("a"), _issue("b")))
    qc.save_many([result])
    qc.save_many([result])
    assert qc.list_for_run(draft.run_id) == [result]


def test_result_for_a_missing_draft_is_refused(drafts, qc):
    """A result whose draft is not stored raises a Conflict and stores nothing of the batch."""
    # given
    [draft] = drafts.save_many([make_draft()])
    ghost = make_draft(run_id=draft.run_id, slot=9)
    # when / then
    with pytest.raises(ResultDraftMissing) as caught:
        qc.save_many([make_qc_result(draft), make_qc_result(ghost)])
    assert isinstance(caught.value, Conflict)
    assert str(ghost.id) in caught.value.message
    assert qc.get_for_draft(draft.id) is None


def test_two_results_for_one_draft_in_one_save_is_a_duplicate(drafts, qc):
    """One batch may hold one result per draft."""
    [draft] = drafts.save_many([make_draft()])
    with pytest.raises(DuplicateError):
        qc.save_many([make_qc_result(draft), make_qc_result(draft)])
    assert qc.get_for_draft(draft.id) is None


def test_result_id_held_by_another_draft_is_a_duplicate(drafts, qc):
    """A result id already stored for one draft cannot be reused for another."""
    # given
    run_id = uuid.uuid4()
    first, second = drafts.save_many([make_draft(run_id=run_id, slot=1), make_draft(run_id=run_id, slot=2)])
    [taken] = qc.save_many([make_qc_result(first)])
    # when / then
    with pytest.raises(DuplicateError):
        qc.save_many([make_qc_result(second, id=taken.id)])
    assert qc.get_for_draft(first.id) == taken
    assert qc.get_for_draft(second.id) is None


def test_list_for_run_follows_the_draft_order(drafts, qc):
    """Results come back in the order of their drafts (schedule, channel, slot), not of evaluation."""
    # given
    run_id = uuid.uuid4()
    monday = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
    late, early_x, early_email = drafts.save_many(
        [
            make_draft(run_id=run_id, channel="email", slot=1, scheduled_at=monday + dt.timedelta(days=2)),
            make_draft(run_id=run_id, channel="x", slot=1, scheduled_at=monday),
            make_draft(run_id=run_id, channel="email", slot=2, scheduled_at=monday),
        ]
    )
    evaluated = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    qc.save_many(
        [
            make_qc_result(d, evaluated_at=evaluated + dt.timedelta(minutes=i))
            for i, d in enumerate([early_email, early_x, late])
        ]
    )
    qc.save_many([make_qc_result(make_draft_saved(drafts))])  # another run
    # when
    listed = qc.list_for_run(run_id)
    # then
    assert [r.draft_id for r in listed] == [early_email.id, early_x.id, late.id]


def make_draft_saved(drafts):
    [draft] = drafts.save_many([make_draft()])
    return draft


def test_delete_for_run_removes_only_that_run_and_is_idempotent(drafts, qc):
    """Deleting a run's results keeps its drafts and other runs' results; repeating deletes nothing."""
    # given
    run_id = uuid.uuid4()
    mine = drafts.save_many([make_draft(run_id=run_id, slot=1), make_draft(run_id=run_id, slot=2)])
    other = make_draft_saved(drafts)
    qc.save_many([make_qc_result(d, issues=(_issue("a"),)) for d in [*mine, other]])
    # when
    deleted = qc.delete_for_run(run_id)
    # then
    assert deleted == 2
    assert qc.list_for_run(run_id) == []
    assert len(drafts.list_for_run(run_id)) == 2
    assert qc.get_for_draft(other.id) is not None
    assert qc.delete_for_run(run_id) == 0


def test_returned_results_are_copies(drafts, qc):
    """Every read hands out its own object, equal to what was saved."""
    # given
    draft = make_draft_saved(drafts)
    [saved] = qc.save_many([make_qc_result(draft)])
    # when
    first, second = qc.get_for_draft(draft.id), qc.get_for_draft(draft.id)
    # then
    assert first == second == saved
    assert first is not second
    assert first is not saved
