"""Database-only guarantees of the delivery tables."""

import dataclasses
import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from delivery.models import ArtifactRecord, PackageRecord
from delivery.repositories import DjangoPackageRepository
from kernel.errors import DuplicateError
from tests.factories import make_package

pytestmark = pytest.mark.django_db


def test_one_package_per_run_is_enforced_by_the_database():
    """A raw insert of a second package for the same run is refused by the database itself."""
    # given
    package = DjangoPackageRepository().save(make_package())
    fields = PackageRecord.fields_from_domain(package)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageRecord.objects.create(id=uuid.uuid4(), **fields)


def test_artifact_name_is_unique_per_package_in_the_database():
    """A raw insert of a second artifact with the same name in one package is refused."""
    # given
    package = DjangoPackageRepository().save(make_package())
    artifact = dataclasses.replace(package.artifacts[0], id=uuid.uuid4())
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ArtifactRecord.from_domain(artifact, package_id=package.id).save(force_insert=True)


def test_failed_save_leaves_no_rows():
    """When the artifact insert fails, the package row written just before it is rolled back too."""
    # given
    repo = DjangoPackageRepository()
    package = make_package()
    twin = dataclasses.replace(package.artifacts[1], id=uuid.uuid4(), name=package.artifacts[0].name)
    # when
    with pytest.raises(DuplicateError):
        repo.save(dataclasses.replace(package, artifacts=(package.artifacts[0], twin)))
    # then
    assert not PackageRecord.objects.exists()
    assert not ArtifactRecord.objects.exists()


def test_failed_replace_keeps_the_previous_package():
    """A rebuild that fails inside the transaction leaves the earlier package and artifacts intact."""
    # given
    repo = DjangoPackageRepository()
    first = repo.save(make_package())
    broken = make_package(run_id=first.run_id)
    twin = dataclasses.replace(broken.artifacts[1], id=uuid.uuid4(), name=broken.artifacts[0].name)
    # when
    with pytest.raises(DuplicateError):
        repo.save(dataclasses.replace(broken, artifacts=(broken.artifacts[0], twin)))
    # then
    assert repo.get(first.id) == first
    assert ArtifactRecord.objects.filter(package_id=first.id).count() == len(first.artifacts)


def test_save_uses_a_constant_number_of_queries():
    """Saving writes artifacts in bulk: 2 or 40 artifacts cost the same number of queries."""
    # given
    repo = DjangoPackageRepository()
    small = make_package()
    large = make_package(
        artifacts=tuple(
            dataclasses.replace(small.artifacts[0], id=uuid.uuid4(), name=f"content/x/{i}.md", order=i)
            for i in range(40)
        )
    )
    repo.save(small)
    repo.save(large)
    # when
    with CaptureQueriesContext(connection) as replace_small:
        repo.save(dataclasses.replace(small, zip_size=1))
    with CaptureQueriesContext(connection) as replace_large:
        repo.save(dataclasses.replace(large, zip_size=1))
    # then
    assert len(replace_small.captured_queries) == len(replace_large.captured_queries)
    assert ArtifactRecord.objects.filter(package_id=large.id).count() == 40


def test_deleting_a_package_cascades_to_its_artifacts():
    """Artifacts go with their package."""
    # given
    repo = DjangoPackageRepository()
    package = repo.save(make_package())
    # when
    repo.delete_for_run(package.run_id)
    # then
    assert not ArtifactRecord.objects.filter(package_id=package.id).exists()
