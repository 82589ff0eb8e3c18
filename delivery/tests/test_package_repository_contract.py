"""Contract: both package repositories behave the same (run once per persistence mode)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from delivery.domain import Artifact, PackageStatus
from kernel.errors import DuplicateError
from tests.factories import make_package


@pytest.fixture
def packages(repo):
    return repo("delivery.packages")


def test_round_trip_keeps_artifacts_in_order_and_instants_in_utc(packages):
    """A saved package comes back equal, artifacts ordered by `order`, instants normalised to UTC."""
    # given
    created = dt.datetime(2027, 3, 1, 10, 30, 5, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    package = make_package(created_at=created)
    reversed_artifacts = tuple(reversed(package.artifacts))
    # when
    stored = packages.save(dataclasses.replace(package, artifacts=reversed_artifacts))
    # then
    assert stored == package
    assert packages.get(package.id) == package
    assert [a.name for a in stored.artifacts] == ["strategy.md", "manifest.json"]
    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert stored.created_at == created


def test_second_save_for_a_run_replaces_package_and_artifacts_keeping_the_id(packages):
    """A rebuild of the same run is an upsert: one package, the stored id, only the new artifacts."""
    # given
    first = packages.save(make_package())
    rebuilt = make_package(
        run_id=first.run_id,
        zip_sha256="b" * 64,
        artifacts=(dataclasses.replace(first.artifacts[0], id=uuid.uuid4(), size=999),),
    )
    # when
    stored = packages.save(rebuilt)
    packages.save(rebuilt)
    # then
    assert stored.id == first.id
    assert stored.zip_sha256 == "b" * 64
    assert [(a.name, a.size) for a in stored.artifacts] == [("strategy.md", 999)]
    assert [p.id for p in packages.list()] == [first.id]
    assert packages.get_for_run(first.run_id) == stored


def test_a_package_id_taken_by_another_run_is_a_duplicate(packages):
    """Two runs cannot share one package id; both implementations raise DuplicateError."""
    # given
    first = packages.save(make_package())
    # when / then
    with pytest.raises(DuplicateError):
        packages.save(make_package(id=first.id))
    assert len(packages.list()) == 1


def test_repeated_artifact_name_is_a_duplicate_and_stores_nothing(packages):
    """Artifact names are unique per package; a save breaking that leaves no package behind."""
    # given
    package = make_package()
    twin = dataclasses.replace(package.artifacts[1], id=uuid.uuid4(), name="strategy.md")
    # when / then
    with pytest.raises(DuplicateError):
        packages.save(dataclasses.replace(package, artifacts=(package.artifacts[0], twin)))
    assert packages.get(package.id) is None
    assert packages.list() == []


def test_list_is_newest_first_ties_by_id_and_filters_by_brief(packages):
    """Lists come back newest first, ties broken by id, and filter by brief."""
    # given
    base = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    brief_id = uuid.uuid4()
    old = packages.save(make_package(created_at=base, brief_id=brief_id))
    tie_a = packages.save(make_package(created_at=base + dt.timedelta(days=1), brief_id=brief_id))
    tie_b = packages.save(make_package(created_at=base + dt.timedelta(days=1)))
    # when
    listed = [p.id for p in packages.list()]
    # then
    assert listed == [*sorted([tie_a.id, tie_b.id], key=str), old.id]
    assert [p.id for p in packages.list(brief_id=brief_id)] == [tie_a.id, old.id]
    assert packages.list(brief_id=uuid.uuid4()) == []


def test_each_handover_effect_is_recorded_on_its_own(packages):
    """The webhook's answer and the e-mail are recorded apart; recording one keeps the other; the artifacts stay."""
    # given
    package = packages.save(make_package())
    at = dt.datetime(2027, 3, 2, 8, 0, tzinfo=dt.UTC)
    # when
    posted = packages.record_webhook(package.id, url="https://hooks.example.org/aicmo", status=202)
    delivered = packages.set_delivered(package.id, delivered_at=at, notified_email="owner@zoe.example.org")
    # then
    assert (posted.status, posted.webhook_status, posted.announced) == (PackageStatus.BUILT, 202, True)
    assert delivered.status == PackageStatus.DELIVERED
    assert (delivered.delivered_at, delivered.notified_email, delivered.webhook_status) == (
        at,
        "owner@zoe.example.org",
        202,
    )
    assert delivered.webhook_url == "https://hooks.example.org/aicmo"
    assert delivered.artifacts == package.artifacts
    assert packages.get(package.id) == delivered


def test_missing_ids_give_none_or_false(packages):
    """Unknown ids and runs read as None, and deleting them reports False."""
    # given
    unknown = uuid.uuid4()
    # when / then
    assert packages.get(unknown) is None
    assert packages.get_for_run(unknown) is None
    assert packages.set_delivered(unknown, delivered_at=dt.datetime.now(dt.UTC), notified_email="") is None
    assert packages.record_webhook(unknown, url="https://hooks.example.org/aicmo", status=200) is None
    assert packages.delete_for_run(unknown) is False


def test_delete_for_run_removes_package_and_artifacts(packages):
    """Deleting a run's package removes it; a second delete is a no-op."""
    # given
    keep = packages.save(make_package())
    gone = packages.save(make_package())
    # when
    first = packages.delete_for_run(gone.run_id)
    second = packages.delete_for_run(gone.run_id)
    # then
    assert (first, second) == (True, False)
    assert packages.get(gone.id) is None
    assert [p.id for p in packages.list()] == [keep.id]


def test_reads_hand_out_copies(packages):
    """Mutating a package read back does not reach the store."""
    # given
    package = packages.save(make_package())
    read = packages.get(package.id)
    # when
    object.__setattr__(read, "artifacts", ())
    object.__setattr__(read, "zip_size", 1)
    # then
    assert packages.get(package.id) == package


def test_artifact_ids_survive_a_resave_with_the_same_artifacts(packages):
    """Saving the very same package again is idempotent, artifact ids included."""
    # given
    package = make_package()
    artifacts = (
        *package.artifacts,
        Artifact(
            id=uuid.uuid4(),
            name="content/email/email-01-email.md",
            media_type="text/markdown; charset=utf-8",
            size=1,
            sha256="c" * 64,
            storage_path=f"packages/{package.run_id}/content/email/email-01-email.md",
            order=2,
        ),
    )
    package = dataclasses.replace(package, artifacts=artifacts)
    # when
    packages.save(package)
    again = packages.save(package)
    # then
    assert again == package
