"""Database-only guarantees of the onboarding tables."""

import dataclasses
import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from kernel.errors import DuplicateError
from onboarding.models import BriefRecord, IntakeRecord
from onboarding.repositories import DjangoBriefRepository
from tests.factories import make_brief, make_intake

pytestmark = pytest.mark.django_db


def test_one_brief_per_intake_is_enforced_by_the_database():
    """A raw insert of a second brief for the same intake is refused by the database itself."""
    intake = make_intake()
    brief = DjangoBriefRepository().add(intake=intake, brief=make_brief(intake))
    fields = BriefRecord.fields_from_domain(brief)
    with pytest.raises(IntegrityError), transaction.atomic():
        BriefRecord.objects.create(**fields)


def test_timeline_check_is_enforced_by_the_database():
    intake = make_intake()
    brief = DjangoBriefRepository().add(intake=intake, brief=make_brief(intake))
    with pytest.raises(IntegrityError), transaction.atomic():
        BriefRecord.objects.filter(id=brief.id).update(timeline_end=dt.date(2000, 1, 1))


def test_failed_add_leaves_no_partial_rows():
    """When the brief insert fails, the intake written just before it is rolled back too."""
    repo = DjangoBriefRepository()
    first_intake = make_intake()
    taken = repo.add(intake=first_intake, brief=make_brief(first_intake))
    new_intake = make_intake()
    with pytest.raises(DuplicateError):
        repo.add(intake=new_intake, brief=dataclasses.replace(make_brief(new_intake), id=taken.id))
    assert not IntakeRecord.objects.filter(id=new_intake.id).exists()
    assert BriefRecord.objects.count() == 1
