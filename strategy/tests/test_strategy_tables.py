"""Database-only guarantees of the strategy table."""

import dataclasses

import pytest
from django.db import IntegrityError, transaction

from kernel.errors import DuplicateError
from strategy.models import StrategyRecord
from strategy.repositories import DjangoStrategyRepository
from tests.factories import make_brief, make_strategy

pytestmark = pytest.mark.django_db


def test_one_row_per_brief_version_is_enforced_by_the_database():
    """A raw insert of a second row for the same (brief, version) is refused by the database itself."""
    # given
    strategy = DjangoStrategyRepository().add(make_strategy(version=1))
    fields = StrategyRecord.fields_from_domain(strategy)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyRecord.objects.create(**fields)
    assert StrategyRecord.objects.count() == 1


def test_version_must_be_at_least_one():
    """The check constraint refuses version 0."""
    # given
    strategy = DjangoStrategyRepository().add(make_strategy(version=1))
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        StrategyRecord.objects.filter(id=strategy.id).update(version=0)
    assert StrategyRecord.objects.get(id=strategy.id).version == 1


def test_a_refused_add_inside_a_transaction_leaves_the_transaction_usable():
    """A duplicate version raises DuplicateError without breaking the enclosing transaction."""
    # given
    repo = DjangoStrategyRepository()
    brief = make_brief()
    repo.add(make_strategy(brief, version=1))
    # when
    with transaction.atomic():
        with pytest.raises(DuplicateError):
            repo.add(make_strategy(brief, version=1))
        repo.add(make_strategy(brief, version=2))
    # then
    assert [s.version for s in repo.list_for_brief(brief.id)] == [1, 2]


def test_failure_inside_a_transaction_leaves_no_rows():
    """When a later write in the same transaction fails, the rows written before it are rolled back."""
    # given
    repo = DjangoStrategyRepository()
    brief = make_brief()
    taken = repo.add(make_strategy(brief, version=1))

    def add_two_then_fail():
        with transaction.atomic():
            repo.add(make_strategy(brief, version=2))
            repo.add(dataclasses.replace(make_strategy(brief, version=3), id=taken.id))

    # when
    with pytest.raises(DuplicateError):
        add_two_then_fail()
    # then
    assert [s.version for s in repo.list_for_brief(brief.id)] == [1]
    assert StrategyRecord.objects.count() == 1
