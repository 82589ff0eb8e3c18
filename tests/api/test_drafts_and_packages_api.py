"""A finished run's drafts with their QC results, and its package: read and download the zip."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest

from delivery.domain import PACKAGE_NOT_FOUND
from production.services import DRAFT_NOT_FOUND
from tests.api.conftest import RUNS


def _produced(run: dict) -> list[str]:
    [step] = [s for s in run["steps"] if s["name"] == "produce_drafts"]
    return step["output"]["draft_ids"]


def test_a_runs_drafts_list_in_calendar_order_with_their_qc(api, completed_run):
    """Each draft of the run comes with its QC score, verdict, rule counts and issues."""
    # when
    page = api.get(f"{RUNS}{completed_run['id']}/drafts/", {"limit": 200}).json()
    # then
    drafts = page["results"]
    assert page["count"] == len(drafts) == len(_produced(completed_run))
    assert sorted(d["id"] for d in drafts) == sorted(_produced(completed_run))
    assert [d["scheduled_at"] for d in drafts] == sorted(d["scheduled_at"] for d in drafts)
    for draft in drafts:
        qc = draft["qc"]
        assert qc["passed"] is True
        assert 0 <= qc["score"] <= 100
        assert 0 < qc["rules_passed"] <= qc["rules_applied"]
        assert isinstance(qc["issues"], list)


def test_the_drafts_list_filters_by_channel_and_qc_verdict(api, completed_run):
    """channel narrows to one channel; passed=true keeps passing drafts, passed=false the failing ones."""
    # given
    url = f"{RUNS}{completed_run['id']}/drafts/"
    everything = api.get(url, {"limit": 200}).json()["results"]
    channel = everything[0]["channel"]
    # when
    one_channel = api.get(url, {"channel": channel, "limit": 200}).json()["results"]
    passing = api.get(url, {"passed": "true", "limit": 200}).json()
    failing = api.get(url, {"passed": "false"}).json()
    # then
    assert one_channel == [d for d in everything if d["channel"] == channel]
    assert passing["count"] == len(everything)
    assert failing["count"] == 0
    assert api.get(url, {"channel": "fax"}).status_code == 400


def test_a_draft_reads_with_its_qc(api, completed_run):
    """GET /drafts/{id}/ answers the same draft as the run's list, QC included."""
    # given
    listed = api.get(f"{RUNS}{completed_run['id']}/drafts/", {"limit": 1}).json()["results"][0]
    # when
    response = api.get(f"/api/v1/drafts/{listed['id']}/")
    # then
    assert response.status_code == 200
    assert response.json() == listed


def test_an_unknown_draft_is_a_404(api):
    """A draft id nobody made is a 404."""
    # given
    missing = uuid.uuid4()
    # when
    response = api.get(f"/api/v1/drafts/{missing}/")
    # then
    assert response.status_code == 404
    assert response.json()["error"]["message"] == DRAFT_NOT_FOUND.format(draft_id=missing)


def test_the_runs_package_reads_and_downloads_as_a_zip_with_a_manifest(api, completed_run):
    """The package lists its files; its download is an attached zip whose manifest.json parses."""
    # given
    package = api.get(f"{RUNS}{completed_run['id']}/package/").json()
    assert api.get(f"/api/v1/packages/{package['id']}/").json() == package
    # when
    response = api.get(package["download_url"])
    # then
    assert package["id"] == completed_run["package_id"]
    assert package["status"] == "delivered"
    assert "manifest.json" in [a["name"] for a in package["artifacts"]]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="aicmo-package-{completed_run["id"]}.zip"'
    content = b"".join(response.streaming_content)
    assert len(content) == package["zip_size"]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["run_id"] == completed_run["id"]
    assert manifest["package_id"] == package["id"]


def test_a_client_that_accepts_only_zip_still_downloads(api, completed_run):
    """Accept: application/zip is honoured for the download."""
    # when
    response = api.get(f"/api/v1/packages/{completed_run['package_id']}/download/", HTTP_ACCEPT="application/zip")
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"


@pytest.mark.parametrize(("suffix", "accept"), [("", "application/json"), ("download/", "application/zip")])
def test_an_unknown_package_is_a_404_in_json(api, suffix, accept):
    """Reading or downloading a package that does not exist is a JSON 404, even when a zip was asked for."""
    # given
    missing = uuid.uuid4()
    # when
    response = api.get(f"/api/v1/packages/{missing}/{suffix}", HTTP_ACCEPT=accept)
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["message"] == PACKAGE_NOT_FOUND.format(package_id=missing)
