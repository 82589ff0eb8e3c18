"""Database-only guarantees of the production tables: constraints, atomicity, bulk statement counts."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from django.db import IntegrityError, transaction

from kernel.errors import DuplicateError
from production.models import DraftRecord, QCIssueRecord, QCResultRecord
from production.repositories import DjangoDraftRepository, DjangoQCResultRepository, ResultDraftMissing
from tests.factories import make_draft, make_qc_result

pytestmark = pytest.mark.django_db


def _run_drafts(count: int, run_id: uuid.UUID | None = None) -> list:
    run_id = run_id or uuid.uuid4()
    return [make_draft(run_id=run_id, slot=slot) for slot in range(1, count + 1)]


def _statements_to_save(django_assert_max_num_queries, drafts_to_save) -> int:
    with django_assert_max_num_queries(50) as captured:
        DjangoDraftRepository().save_many(drafts_to_save)
    return len(captured.captured_queries)


def test_duplicate_natural_key_is_refused_by_the_database():
    """A raw insert of a second draft with the same (run, channel, asset type, slot) fails in the database."""
    # given
    [stored] = DjangoDraftRepository().save_many([make_draft()])
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        DraftRecord.from_domain(dataclasses.replace(stored, id=uuid.uuid4())).save(force_insert=True)


def test_second_qc_result_row_for_a_draft_is_refused_by_the_database():
    """One result per draft is a database constraint, not only a repository habit."""
    # given
    [draft] = DjangoDraftRepository().save_many([make_draft()])
    DjangoQCResultRepository().save_many([make_qc_result(draft)])
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        QCResultRecord.from_domain(make_qc_result(draft)).save(force_insert=True)


def test_failed_draft_batch_leaves_no_partial_rows():
    """When one draft of a batch collides, none of the batch's new drafts is stored."""
    # given
    repo = DjangoDraftRepository()
    [taken] = repo.save_many([make_draft()])
    batch = [*_run_drafts(3), make_draft(id=taken.id, slot=7)]
    # when
    with pytest.raises(DuplicateError):
        repo.save_many(batch)
    # then
    assert DraftRecord.objects.count() == 1


def test_failed_qc_batch_keeps_the_earlier_results():
    """A batch refused for a missing draft leaves the drafts' earlier results and issues in place."""
    # given
    drafts = DjangoDraftRepository().save_many(_run_drafts(2))
    qc = DjangoQCResultRepository()
    earlier = qc.save_many([make_qc_result(d) for d in drafts])
    ghost = make_draft()
    # when
    with pytest.raises(ResultDraftMissing):
        qc.save_many([make_qc_result(drafts[0], issues=()), make_qc_result(ghost)])
    # then
    assert qc.get_for_draft(drafts[0].id) == earlier[0]
    assert QCIssueRecord.objects.count() == 2


def test_saving_many_drafts_takes_a_constant_number_of_statements(django_assert_max_num_queries):
    """Inserting 5 or 50 drafts, and re-saving them, costs the same number of SQL statements."""
    # given
    small, large = _run_drafts(5), _run_drafts(50)
    # when
    inserts = [_statements_to_save(django_assert_max_num_queries, batch) for batch in (small, large)]
    updates = [_statements_to_save(django_assert_max_num_queries, batch) for batch in (small, large)]
    # then
    assert inserts[0] == inserts[1]
    assert updates[0] == updates[1]
    assert DraftRecord.objects.count() == 55


def test_saving_many_qc_results_takes_a_constant_number_of_statements(django_assert_max_num_queries):
    """Storing (and replacing) results for 5 or 50 drafts costs the same number of SQL statements."""
    # given
    counts = []
    for size in (5, 50, 5, 50):
        drafts = DjangoDraftRepository().save_many(_run_drafts(size, run_id=uuid.UUID(int=size)))
        results = [make_qc_result(d) for d in drafts]
        # when
        with django_assert_max_num_queries(50) as captured:
            DjangoQCResultRepository().save_many(results)
        counts.append(len(captured.captured_queries))
    # then
    assert counts[0] == counts[1]
    assert counts[2] == counts[3]
    assert QCResultRecord.objects.count() == 55
    assert QCIssueRecord.objects.count() == 55
