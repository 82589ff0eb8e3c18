"""The package admin: list, filters, artifacts inline, the zip download, and nothing editable."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from delivery.models import PackageRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def packages(media_root):
    from config import registry

    return registry.repository("delivery.packages")


@pytest.fixture
def package(packages, media_root):
    """A package really built by delivery's service, zip on disk."""
    from delivery import services
    from delivery.tests.support import rich_brief
    from tests.factories import make_package_inputs

    brief = rich_brief()
    return services.package_build(brief=brief, packages=packages, **make_package_inputs(brief))


def test_changelist_lists_packages_with_status_and_download_and_filters(admin_client, package):
    """Packages are listed with their status and a download link; the status filter and search narrow them."""
    # given
    url = reverse("admin:delivery_packagerecord_changelist")
    # when
    everything = admin_client.get(url)
    delivered = admin_client.get(url, {"status__exact": "delivered"})
    searched = admin_client.get(url, {"q": str(package.run_id)})
    of_brief = admin_client.get(url, {"brief_id": str(package.brief_id)})
    # then
    assert everything.status_code == 200
    page = everything.content.decode()
    assert 'aicmo-badge--info">built' in page
    assert reverse("admin:delivery_packagerecord_download", args=[package.id]) in page
    assert list(delivered.context["cl"].result_list) == []
    assert [r.id for r in searched.context["cl"].result_list] == [package.id]
    assert [r.id for r in of_brief.context["cl"].result_list] == [package.id]


def test_change_page_shows_artifacts_inline(admin_client, package):
    """Every file of the package is listed on its page, read-only."""
    # when
    response = admin_client.get(reverse("admin:delivery_packagerecord_change", args=[package.id]))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    for artifact in package.artifacts:
        assert artifact.name in page
    assert 'name="artifacts-0-name"' not in page  # no editable inline inputs


def test_download_streams_the_package_zip(admin_client, package):
    """The download link answers the zip itself, as an attachment."""
    # when
    response = admin_client.get(reverse("admin:delivery_packagerecord_download", args=[package.id]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="aicmo-package-{package.id}.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "manifest.json" in archive.namelist()


def test_download_of_an_unknown_package_is_404(admin_client, package):
    """An unknown id (or one that is not a UUID) is a 404, not a server error."""
    # when
    unknown = admin_client.get(reverse("admin:delivery_packagerecord_download", args=[package.run_id]))
    garbage = admin_client.get(reverse("admin:delivery_packagerecord_download", args=["not-a-uuid"]))
    # then
    assert (unknown.status_code, garbage.status_code) == (404, 404)


def test_packages_cannot_be_changed_or_deleted_in_the_admin(admin_client, package):
    """Delivery's services own the package: a POST to its form, or a delete, is refused."""
    # when
    posted = admin_client.post(
        reverse("admin:delivery_packagerecord_change", args=[package.id]), {"status": "delivered"}
    )
    deleted = admin_client.post(reverse("admin:delivery_packagerecord_delete", args=[package.id]), {"post": "yes"})
    # then
    assert (posted.status_code, deleted.status_code) == (403, 403)
    assert PackageRecord.objects.get(id=package.id).status == "built"
