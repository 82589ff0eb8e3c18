"""Database-only guarantees of the saga's tables."""

import uuid

import pytest
from django.db import IntegrityError, transaction

from kernel import clock
from orchestration.models import RunRecord, StepRecordRow
from orchestration.repositories import DjangoRunRepository
from orchestration.tests.test_run_repository_contract import make_run, make_step

pytestmark = pytest.mark.django_db


def test_idempotency_key_is_unique_in_the_database():
    DjangoRunRepository().create(make_run(idempotency_key="k"))
    fields = RunRecord.fields_from_domain(make_run(idempotency_key="k"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RunRecord.objects.create(id=uuid.uuid4(), **fields)


def test_step_attempts_are_unique_in_the_database():
    repo = DjangoRunRepository()
    run = repo.create(make_run())
    repo.add_step(make_step(run, 1, name="a"))
    duplicate = StepRecordRow.from_domain(make_step(run, 2, name="a"))
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save(force_insert=True)


def test_a_failure_inside_a_transaction_leaves_no_partial_rows():
    """A step's record and the run's state commit together or not at all."""
    repo = DjangoRunRepository()
    run = repo.create(make_run())
    with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012  (the whole block is the transaction)
        repo.add_step(make_step(run, 1))
        repo.save(make_run(id=run.id, current_step="a", updated_at=clock.now()))
        raise RuntimeError("crash before commit")
    assert repo.steps(run.id) == []
    assert repo.get(run.id).current_step == ""
